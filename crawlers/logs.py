"""Structured logs: one JSON object per line (`fkort crawl --log-format json`), for log
shippers (journald, Loki, Elasticsearch) and alerting on fields rather than on wording."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any


class JsonLines(logging.Formatter):
    """time, level, logger, message, and the source when the record comes from a spider.

    >>> rec = logging.LogRecord("scrapy.core.engine", logging.INFO, "", 0, "Spider %s", ("x",),
    ...                         None)
    >>> json.loads(JsonLines().format(rec))["message"]
    'Spider x'
    """

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        spider = getattr(record, "spider", None)
        source = getattr(getattr(spider, "source", None), "name", None)
        if source:
            out["source"] = source
        for key in ("event", "pages", "items", "url", "reason"):
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def use_json_lines(level: str | int = "INFO") -> None:
    """Log JSON lines to stderr from the root logger (Scrapy's handler must be off)."""
    import sys

    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, handler.level))
