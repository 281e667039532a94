"""The `fkort` subcommands, one module each: `add_parser(sub)` declares its arguments,
`run(args)` carries it out and returns the exit code."""
