"""What every subcommand shares: its exit codes and the type of the parser it adds itself to."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeAlias

from core.settings import Settings, get_settings

#: Exit codes, for cron and scripts. 1: every source failed. 3: some sources failed, or
#: pages had problems or items were dropped (the rest was indexed). 4: every source asked for
#: is already being crawled by another run. 5: degraded: pages could not be fetched, and what
#: they held before was kept. 6: guarded: the sweep guard held a run back, nothing was marked
#: stale. `fkort crawl` exits with the first that applies of 1, 3 (a source failed), 6, 5,
#: 3 (problems), 0.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_BUSY = 0, 1, 2, 3, 4
EXIT_DEGRADED, EXIT_GUARDED = 5, 6

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_DIR = REPO_ROOT / "demo"

#: The subparsers object `fkort` hands each command (subscripted only for type checkers).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def settings_for(args: argparse.Namespace) -> Settings:
    """The installation's settings, with the index file `--db` names when it is given."""
    settings = get_settings()
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"db_path": Path(args.db)})
    return settings
