"""What every response carries, and what every request goes through before the app sees it:
security headers (a strict Content-Security-Policy, no framing, no sniffing, no referrer),
the client's address from X-Forwarded-For only behind a configured proxy, and a size limit
on every request body. `harden(app, settings)` installs it all on the app."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from core.settings import Settings
from search_api.apidocs import install_docs
from search_api.bodylimit import BodyLimit

logger = logging.getLogger(__name__)

#: Headers on every response: no page of ours in anyone's frame, no content-type guessing,
#: no address of ours (with an activity's id) handed on to the sites people follow links to.
FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
#: For what is not a page (JSON, files): nothing may load, nothing may frame it.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def tile_source(url: str | None) -> str | None:
    """The CSP source for a Leaflet tile URL template (scheme and host, a `{s}` subdomain as
    `*`), or None when there is none or it is not a plain http(s) host.

    >>> tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://tile.openstreetmap.org'
    >>> tile_source("https://{s}.tile.example.dk:8443/{z}/{x}/{y}.png")
    'https://*.tile.example.dk:8443'
    >>> tile_source("//tiles.example.dk/{z}/{x}/{y}.png")  # the page's own scheme
    'tiles.example.dk'
    >>> [tile_source(u) for u in (None, "", "/tiles/{z}/{x}/{y}.png", "javascript:x",
    ...  "https://a.example; script-src *", "https://{s}.{t}.example/x")]
    [None, None, None, None, None, None]
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").replace("{s}", "*", 1)
    if parts.scheme not in ("http", "https", "") or not re.fullmatch(
            r"(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*", host):
        return None
    return (f"{parts.scheme}://" if parts.scheme else "") + host + (f":{port}" if port else "")


def page_policy(settings: Settings) -> str:
    """The pages' policy: scripts, styles and everything else from this server only (no
    inline script or style), images also as data: URIs (the page's empty icon) and from
    the map's tile server when one is configured (FKORT_TILE_URL)."""
    images = ["'self'", "data:"]
    tiles = tile_source(settings.tile_url)
    if tiles:
        images.append(tiles)
    elif settings.tile_url and not re.match(r"/(?!/)", settings.tile_url):
        # (a path on this server needs nothing more: 'self')
        logger.warning("FKORT_TILE_URL is not a plain http(s) address: the map shows no tiles")
    return ("default-src 'none'; script-src 'self'; style-src 'self'; "
            f"img-src {' '.join(images)}; connect-src 'self'; font-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds the fixed headers, and a Content-Security-Policy unless the response has one:
    the pages' policy for HTML, the API's for the rest."""

    def __init__(self, app: ASGIApp, page_csp: str) -> None:
        self.app = app
        self.page_csp = page_csp.encode()

    def headers_for(self, existing: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {k.lower() for k, _ in existing}
        kind = next((v for k, v in existing if k.lower() == b"content-type"), b"")
        policy = self.page_csp if kind.startswith(b"text/html") else API_POLICY.encode()
        extra = [(k.lower().encode(), v.encode()) for k, v in FIXED_HEADERS.items()]
        extra.append((b"content-security-policy", policy))
        return [*existing, *((k, v) for k, v in extra if k not in present)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self.headers_for(
                    list(message.get("headers", [])))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _with_headers(handler: Handler, headers: SecurityHeaders) -> Handler:
    """The 500 handler with the headers: Starlette answers a crash outside the middleware."""

    async def handle(request: Request, exc: Exception) -> Response:
        response = await handler(request, exc)
        raw = headers.headers_for(list(response.raw_headers))
        response.raw_headers[:] = raw
        return response

    return handle


def forwarded_hosts(setting: str) -> list[str]:
    """The proxies FKORT_FORWARDED_ALLOW_IPS names (comma-separated; empty: none).

    >>> forwarded_hosts(""), forwarded_hosts(" 127.0.0.1, 10.0.0.0/8 ")
    ([], ['127.0.0.1', '10.0.0.0/8'])
    """
    return [h.strip() for h in setting.split(",") if h.strip()]


def harden(app: FastAPI, settings: Settings) -> None:
    """Docs from /static, the body limit, X-Forwarded-For from configured proxies only, and
    the security headers on every response (errors and crashes included)."""
    install_docs(app)
    app.add_middleware(BodyLimit, max_bytes=settings.request_max_bytes)
    proxies = forwarded_hosts(settings.forwarded_allow_ips)
    if proxies:  # else the client is the peer: nobody can name another address for it
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    page_csp = page_policy(settings)
    app.add_middleware(SecurityHeaders, page_csp=page_csp)
    headers = SecurityHeaders(app, page_csp)
    for key in (500, Exception):
        handler: Any = app.exception_handlers.get(key)
        if handler is not None:
            app.exception_handlers[key] = _with_headers(handler, headers)
