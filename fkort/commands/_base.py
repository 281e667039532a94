"""What every subcommand shares: its exit codes and the type of the parser it adds itself to."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeAlias

#: Exit codes, for cron and scripts. 3: some sources or pages had problems (the rest was
#: indexed). 4: every source asked for is already being crawled by another run.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_BUSY = 0, 1, 2, 3, 4

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_DIR = REPO_ROOT / "demo"

#: The subparsers object `fkort` hands each command (subscripted only for type checkers).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
