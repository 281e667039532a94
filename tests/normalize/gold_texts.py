"""Every text of both gold sets (tests/gold, tests/gold/real), for tests that check a shortcut
reads what the full scan reads on every one."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def gold_texts() -> list[str]:
    texts = []
    for file in sorted((REPO / "tests" / "gold").rglob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in file.read_text("utf-8").splitlines()
                  if line.strip()]
    return texts
