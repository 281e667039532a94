"""Log lines that could carry a citizen's address, with the address taken out.

A searched address travels in URLs: `GET /v1/activities?near=...` into the server's access log,
and `GET /search?q=...` (Nominatim) or `GET /adresser?q=...` (DAWA) to the geocoder, which
geopy, urllib3 and httpx log at debug or info level. `HideQueries` replaces every value in a
URL's query string with "[skjult]" (parameter names stay, so an operator still sees which
parameters a request used), in a record's message, its arguments and its traceback, and the
response body geopy logs on a geocoder error. Parameter names that are not plain ASCII names
are hidden too.

It is installed on the loggers of the libraries that make the geocoder's requests
(`hide_queries_in_library_logs`, by the online geocoders), on the server's loggers by the app
factory (`hide_queries_in_logs("uvicorn.access", ...)`), and on every handler by `fkort serve`.
A logger's filter sees only that logger's own records, so each logger is named.

>>> hide_queries('127.0.0.1:5 - "GET /v1/activities?near=N%C3%B8rregade+3&radius_km=5 HTTP/1.1"')
'127.0.0.1:5 - "GET /v1/activities?near=[skjult]&radius_km=[skjult] HTTP/1.1"'
>>> hide_queries("{'path': '/', 'query_string': b'near=N%C3%B8rregade+3', 'root_path': ''}")
"{'path': '/', 'query_string': b'near=[skjult]', 'root_path': ''}"
>>> hide_queries("Is it ready? Yes.")
'Is it ready? Yes.'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

HIDDEN = "[skjult]"
#: A URL's query string: from "?" to the next blank, quote or angle bracket.
_QUERY = re.compile(r"\?([^\s\"'<>]+)")
#: The query string in an ASGI scope as uvicorn's trace messages print it.
_SCOPE_QUERY = re.compile(r"""(['"]query_string['"]:\s*b?)(?:'([^']*)'|"([^"]*)")""")
#: A parameter name that is kept: plain ASCII, as our forms and clients name them.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]{0,40}")
#: Loggers of the libraries that make the geocoder's requests (geopy over requests/urllib3 or
#: its own urllib adapter; DAWA over httpx/httpcore).
LIBRARY_LOGGERS = (
    "geopy", "urllib3", "urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager",
    "urllib3.response", "urllib3.util.retry", "requests", "httpx", "httpcore",
    "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
    "httpcore.socks",
)
#: Messages that log a response body; the geocoder's error page may repeat the query.
_BODY_MESSAGES = ("Received an HTTP error",)
_FORMATTER = logging.Formatter()


def _hide_values(query: str) -> str:
    parts = []
    for part in re.split(r"([&;])", query):
        if part in ("&", ";", ""):
            parts.append(part)
            continue
        name, eq, _value = part.partition("=")
        parts.append(f"{name}={HIDDEN}" if eq and _NAME.fullmatch(name) else HIDDEN)
    return "".join(parts)


def hide_queries(text: str) -> str:
    """The text with every URL query value (and an ASGI scope's query string) hidden."""
    text = _QUERY.sub(lambda m: "?" + _hide_values(m.group(1)), text)
    return _SCOPE_QUERY.sub(
        lambda m: f"{m.group(1)}'{_hide_values(m.group(2) or m.group(3) or '')}'", text)


def _hide_arg(arg: object) -> object:
    if arg is None or isinstance(arg, (bool, int, float)):
        return arg
    if isinstance(arg, str):
        return hide_queries(arg)
    for text in (str(arg), repr(arg)):
        if (hidden := hide_queries(text)) != text:
            return hidden
    return arg


class HideQueries(logging.Filter):
    """Hides URL query values in a record; never drops the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = hide_queries(record.msg)
        elif record.msg is not None and not isinstance(record.msg, (int, float)):
            record.msg = _hide_arg(record.msg)
        if isinstance(record.args, tuple):
            args = tuple(_hide_arg(a) for a in record.args)
            if str(record.msg).startswith(_BODY_MESSAGES):
                args = tuple(a if isinstance(a, int) else HIDDEN for a in args)
            record.args = args
        elif isinstance(record.args, Mapping):
            record.args = {k: _hide_arg(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None:
            text = record.exc_text or _FORMATTER.formatException(record.exc_info)
            if (hidden := hide_queries(text)) != text:
                record.exc_text = hidden
        return True


def hide_queries_in_logs(*names: str) -> None:
    """Install `HideQueries` on these loggers (once each)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideQueries) for f in logger.filters):
            logger.addFilter(HideQueries())


def hide_queries_in_library_logs() -> None:
    """Install `HideQueries` on the loggers of the libraries the geocoder's requests use."""
    hide_queries_in_logs(*LIBRARY_LOGGERS)
