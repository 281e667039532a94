"""One spider per source family, named by its slug."""
