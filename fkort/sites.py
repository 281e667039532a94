"""Serves folders of static pages on 127.0.0.1: the demo sites and the test fixture sites.

Each site gets its own port, so root-relative links and robots.txt work as on a real host.
The text `{BASE}` in a served text file becomes the site's own origin (sitemaps need
absolute URLs).
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

_TEXT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
               ".txt": "text/plain; charset=utf-8", ".json": "application/json; charset=utf-8",
               ".ics": "text/calendar; charset=utf-8"}


#: Faults a test can plant on a path (the test fixtures' failures, on purpose):
#: "gone": HTTP 404; ("fail", n): HTTP 500 for the first n requests, then the page;
#: "hang": answer after 5 s;
#: "loop": redirect to itself with a new query each time; "huge": 20 MB of HTML;
#: "charset-lie": a UTF-8 header on a Windows-1252 page; "no-charset": a header without
#: charset.
Fault = tuple[str, int] | str


class _Handler(BaseHTTPRequestHandler):
    root: Path
    log: list[tuple[str, str]]
    faults: dict[str, Fault]
    hits: dict[str, int]
    #: (path, the validator the request sent or None), for the pages served or confirmed.
    validated: list[tuple[str, str | None]]
    cache_control: str | None
    server_version = "fkort-sites/1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the crawl reports what matters; no access log noise

    def do_GET(self) -> None:  # noqa: N802
        self.log.append((self.path, self.headers.get("User-Agent", "")))
        path = unquote(urlparse(self.path).path)
        self.hits[path] = self.hits.get(path, 0) + 1
        if self._fault(path):
            return
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.root not in target.parents and target != self.root or not target.is_file():
            self.send_error(404, "Ikke fundet")
            return
        body = target.read_bytes()
        ctype = _TEXT_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
        fault = self.faults.get(path)
        if fault == "charset-lie":
            ctype = "text/html; charset=utf-8"
        elif fault == "no-charset":
            ctype = "text/html"
        if target.suffix in _TEXT_TYPES:
            host = self.headers.get("Host") or "127.0.0.1"
            body = body.replace(b"{BASE}", f"http://{host}".encode())
        # Validators, as real sites send them: an ETag from the content, Last-Modified from
        # the file; a request that names the current one gets 304 Not Modified.
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        modified = formatdate(target.stat().st_mtime, usegmt=True)
        self.validated.append((path, self.headers.get("If-None-Match") or
                               self.headers.get("If-Modified-Since")))
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self._cache_headers()
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self._cache_headers()
        self.end_headers()
        self.wfile.write(body)

    def _cache_headers(self) -> None:
        if self.cache_control:
            self.send_header("Cache-Control", self.cache_control)


    def _fault(self, path: str) -> bool:
        """Plays a planted fault; True when the answer has been sent."""
        fault = self.faults.get(path)
        if fault == "gone":
            self.send_error(404, "Siden findes ikke")
            return True
        if isinstance(fault, tuple) and fault[0] == "fail" and self.hits[path] <= fault[1]:
            self.send_error(500, "Intern fejl")
            return True
        if fault == "hang":
            time.sleep(5)
            return False
        if fault == "loop":
            # Each hop a new address (as session ids do), so only a hop limit ends it.
            self.send_response(302)
            self.send_header("Location", f"{path}?hop={self.hits[path]}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if fault == "huge":
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
            return True
        return False


class SiteServer:
    """One static site on a free port; use as a context manager or start()/stop()."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0,
                 faults: dict[str, Fault] | None = None,
                 cache_control: str | None = None) -> None:
        #: (path, User-Agent) of every request, in order: tests check politeness with it.
        self.requests: list[tuple[str, str]] = []
        #: Planted faults by path; tests may change them between runs.
        self.faults: dict[str, Fault] = dict(faults or {})
        #: (path, validator sent) of every page answered 200 or 304.
        self.validated: list[tuple[str, str | None]] = []
        handler = type("Handler", (_Handler,), {
            "root": root.resolve(), "log": self.requests, "faults": self.faults, "hits": {},
            "validated": self.validated, "cache_control": cache_control})
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
