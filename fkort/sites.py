"""Serves folders of static pages on 127.0.0.1: the demo sites and the test fixture sites.

Each site gets its own port, so root-relative links and robots.txt work as on a real host.
A request with a query is answered by `<path>/<query>.json` when that file exists (a JSON
API's pages by parameter), and a POST as a GET to its path (its body kept in `posted`, as a
GET's body is).
The text `{BASE}` in a served text file becomes the site's own origin (sitemaps need
absolute URLs).

Pages carry validators as real servers send them: an ETag from the content and a
Last-Modified from the file (optionally backdated, as on a page last edited a year ago), and a
request that names the current one gets 304 Not Modified. A test may plant faults on paths.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

_TEXT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
               ".txt": "text/plain; charset=utf-8", ".json": "application/json; charset=utf-8",
               ".ics": "text/calendar; charset=utf-8"}

#: Where the "login" fault sends a request: a login form, as a CMS shows one.
LOGIN_PATH = "/__login"
_LOGIN_PAGE = (b'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Log ind'
               b'</title></head><body><h1>Log ind</h1><form method="post" action="/__login">'
               b'<label>Brugernavn <input name="name"></label> <label>Adgangskode '
               b'<input type="password" name="pass"></label><button>Log ind</button></form>'
               b'</body></html>')


#: Faults a test can plant on a path (the test fixtures' failures, on purpose):
#: "gone": HTTP 404; ("status", code): that status; ("fail", n): HTTP 500 for the first n
#: requests, then the page; "hang": answer after 5 s (("hang", s): after s seconds);
#: "drip": the page at 1 byte a second; "truncate": half the page, then the connection
#: closes (Content-Length promised more); "loop": redirect to itself with a new query each
#: time; "huge": 20 MB of HTML; "login": redirect to a login form; ("body", text): this text
#: instead of the file (an emptied listing, a new robots.txt); "charset-lie": a UTF-8 header
#: on Windows-1252 bytes (a UTF-8 page is served re-encoded); "no-charset": a header without
#: charset.
Fault = tuple[str, int] | tuple[str, str] | str


def _windows_1252(body: bytes) -> bytes:
    """A UTF-8 page in Windows-1252 bytes (a page in those already stays as it is)."""
    try:
        return body.decode("utf-8").encode("cp1252")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return body


class _Handler(BaseHTTPRequestHandler):
    root: Path
    site: SiteServer
    server_version = "fkort-sites/1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the crawl reports what matters; no access log noise

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on a slow or huge answer, as it should

    def do_GET(self) -> None:  # noqa: N802
        site = self.site
        site.requests.append((self.path, self.headers.get("User-Agent", "")))
        length = int(self.headers.get("Content-Length") or 0)
        if self.command == "GET" and length:
            # A search sent as a GET with a JSON body (Elasticsearch): kept as a POST's is.
            site.posted.append((unquote(urlparse(self.path).path), self.rfile.read(length)))
        path = unquote(urlparse(self.path).path)
        site.hits[path] = site.hits.get(path, 0) + 1
        if self._fault(path):
            return
        found = self._content(path)
        if found is None:
            self.send_error(404, "Ikke fundet")
            return
        body, ctype, mtime = found
        self._send(path, body, ctype, mtime)

    def do_POST(self) -> None:  # noqa: N802
        """A JSON API asked by POST: the body is kept for the test, the file answers."""
        length = int(self.headers.get("Content-Length") or 0)
        self.site.posted.append((unquote(urlparse(self.path).path), self.rfile.read(length)))
        self.do_GET()

    def _content(self, path: str) -> tuple[bytes, str | None, float] | None:
        """The page at `path` (its bytes, type and time), or None when there is none."""
        fault = self.site.faults.get(path)
        target = (self.root / path.lstrip("/")).resolve()
        query = unquote(urlparse(self.path).query)
        if query and (target / f"{query}.json").is_file():
            # A JSON API's pages by parameter: /api/events?page=2 is api/events/page=2.json.
            target = target / f"{query}.json"
        elif target.is_dir():
            target = target / "index.html"
        suffix = target.suffix
        if isinstance(fault, tuple) and fault[0] == "body":
            body, mtime = str(fault[1]).encode("utf-8"), self.site.started
            suffix = suffix or ".html"
        elif path == LOGIN_PATH:
            return _LOGIN_PAGE, _TEXT_TYPES[".html"], self.site.started
        elif self.root not in target.parents and target != self.root or not target.is_file():
            return None
        else:
            body, mtime = target.read_bytes(), target.stat().st_mtime
        ctype = _TEXT_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0]
        if fault == "charset-lie":
            ctype = "text/html; charset=utf-8"
            body = _windows_1252(body)
        elif fault == "no-charset":
            ctype = "text/html"
        if suffix in _TEXT_TYPES:
            host = self.headers.get("Host") or "127.0.0.1"
            body = body.replace(b"{BASE}", f"http://{host}".encode())
        return body, ctype, mtime

    def _send(self, path: str, body: bytes, ctype: str | None, mtime: float) -> None:
        site = self.site
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        modified = int(mtime - site.backdate)
        use_etag = site.validators in ("both", "etag")
        use_modified = site.validators in ("both", "last-modified")
        site.validated.append((path, self.headers.get("If-None-Match") or
                               self.headers.get("If-Modified-Since")))
        fault = site.faults.get(path)
        broken = fault in ("drip", "truncate")  # a broken line breaks a 304 as well: send all
        if not broken and self._not_modified(etag if use_etag else None,
                                             modified if use_modified else None):
            self.send_response(304)
            if use_etag:
                self.send_header("ETag", etag)
            self._cache_headers()
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype or "application/octet-stream")
        self.send_header("Content-Length", str(len(body) + (1000 if fault == "truncate" else 0)))
        if use_etag:
            self.send_header("ETag", etag)
        if use_modified:
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self._cache_headers()
        self.end_headers()
        if fault == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif fault == "drip":
            self._drip(body)
        else:
            self.wfile.write(body)

    def _not_modified(self, etag: str | None, modified: int | None) -> bool:
        """Whether the request's validator names the current page (If-None-Match first)."""
        asked_etag = self.headers.get("If-None-Match")
        if asked_etag is not None:
            return etag is not None and asked_etag == etag
        since = self.headers.get("If-Modified-Since")
        if since is None or modified is None:
            return False
        try:
            return modified <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def _drip(self, body: bytes) -> None:
        """One byte a second, for at most a minute (the crawler gives up long before)."""
        try:
            for i in range(min(len(body), 60)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def _cache_headers(self) -> None:
        if self.site.cache_control:
            self.send_header("Cache-Control", self.site.cache_control)

    def _fault(self, path: str) -> bool:
        """Plays a planted fault; True when the answer has been sent."""
        fault = self.site.faults.get(path)
        hits = self.site.hits[path]
        if fault == "gone":
            self.send_error(404, "Siden findes ikke")
            return True
        if isinstance(fault, tuple) and fault[0] == "status":
            self.send_error(int(fault[1]))
            return True
        if isinstance(fault, tuple) and fault[0] == "fail" and hits <= int(fault[1]):
            self.send_error(500, "Intern fejl")
            return True
        if fault == "hang" or isinstance(fault, tuple) and fault[0] == "hang":
            time.sleep(5 if fault == "hang" else float(fault[1]))
            return False
        if fault in ("loop", "login"):
            # A loop: each hop a new address (as session ids do), so only a hop limit ends it.
            target = f"{path}?hop={hits}" if fault == "loop" else \
                f"{LOGIN_PATH}?next={quote(path)}"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if fault == "huge":
            self._huge()
            return True
        return False

    def _huge(self) -> None:
        chunk = b"<p>" + b"x" * 1021 + b"</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(chunk) * 20 * 1024))
        self.end_headers()
        try:
            for _ in range(20 * 1024):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on it, as it should


class SiteServer:
    """One static site on a free port; use as a context manager or start()/stop().

    `validators`: "both" (ETag and Last-Modified, the default), "etag" or "last-modified".
    `backdate`: seconds Last-Modified lies before the file's time (a page last edited long
    ago). `cache_control`: a Cache-Control header for every page, or none. All three may be
    changed between runs.
    """

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0,
                 faults: dict[str, Fault] | None = None,
                 cache_control: str | None = None, validators: str = "both",
                 backdate: float = 0.0) -> None:
        #: (path, User-Agent) of every request, in order: tests check politeness with it.
        self.requests: list[tuple[str, str]] = []
        #: Planted faults by path; tests may change them between runs.
        self.faults: dict[str, Fault] = dict(faults or {})
        #: Requests per path.
        self.hits: dict[str, int] = {}
        #: (path, body) of every POST and of every GET with a body, in order.
        self.posted: list[tuple[str, bytes]] = []
        #: (path, validator sent) of every page answered 200 or 304.
        self.validated: list[tuple[str, str | None]] = []
        self.cache_control = cache_control
        self.validators = validators
        self.backdate = backdate
        self.started = time.time()
        handler = type("Handler", (_Handler,), {"root": root.resolve(), "site": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_sites(folder: Path) -> dict[str, SiteServer]:
    """Start one server per sub-folder of `folder`; returns them by folder name."""
    servers = {}
    for site in sorted(p for p in folder.iterdir() if p.is_dir()):
        servers[site.name] = SiteServer(site).start()
    return servers
