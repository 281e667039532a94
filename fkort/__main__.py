"""`python -m fkort` runs the CLI."""

import sys

from fkort.cli import main

sys.exit(main())
