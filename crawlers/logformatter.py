"""Log lines for dropped items without the item itself.

Scrapy logs a dropped item with its whole repr (the raw page data, many lines). The reason and
the page's URL say what an operator needs; the run report lists them too.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class FkortLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException,
                response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        return result
