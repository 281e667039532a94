"""The API's interactive docs, Swagger UI on /docs and ReDoc on /redoc, served from this
server's /static (npm's swagger-ui-dist and redoc, copied by scripts/bootstrap): no CDN, no
inline script. Without those files the pages say so, and point to /openapi.json."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

STATIC = Path(__file__).parent / "static"
SWAGGER = ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css")
REDOC = ("vendor/redoc/redoc.standalone.js",)
#: The docs pages' policy: everything from this server (images also as data: URIs, which
#: Swagger UI's stylesheet uses); no inline script.
DOCS_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: ReDoc (2.5.4, pinned in package-lock.json) makes its styles in the browser, so /redoc
#: allows two inline styles by hash: the empty <style> elements that styled-components fills
#: through the CSSOM, and the stylesheet of perfect-scrollbar (a change of ReDoc's version
#: that changes it shows in the browser test, whose console names the new hash). Its search
#: index runs in a worker made from a blob: URL. Its footer's logo from cdn.redoc.ly stays
#: blocked: no request leaves for a CDN (the image then hides itself).
REDOC_STYLES = ("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
                "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='")
REDOC_POLICY = DOCS_POLICY.replace("style-src 'self'", "style-src 'self' " + " ".join(
    REDOC_STYLES)) + "; worker-src blob:"


def _page(title: str, head: str, body: str, policy: str, status: int = 200) -> HTMLResponse:
    html = (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{escape(title)}</title>\n<link rel="icon" href="data:,">\n{head}</head>\n'
            f"<body>\n{body}</body>\n</html>\n")
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": policy})


def _missing(app: FastAPI, what: str, static: Path, files: tuple[str, ...]
             ) -> HTMLResponse | None:
    """A plain page saying which files are missing (503), or None when all are there."""
    gone = [f for f in files if not (static / f).is_file()]
    if not gone:
        return None
    listed = "".join(f"<li><code>search_api/static/{escape(f)}</code></li>\n" for f in gone)
    body = (f"<h1>{escape(what)} is not installed on this server</h1>\n"
            f"<p>These files are missing:</p>\n<ul>\n{listed}</ul>\n"
            "<p>Run <code>scripts/bootstrap</code> (it installs them with npm and copies "
            "them here). The API's description is at "
            f'<a href="{escape(app.openapi_url or "")}">{escape(app.openapi_url or "")}</a>.'
            "</p>\n<p lang=\"da\">Dokumentationens filer mangler på denne server: kør "
            "<code>scripts/bootstrap</code>.</p>\n")
    return _page(f"{app.title}: {what} missing", "", body, DOCS_POLICY, status=503)


def install_docs(app: FastAPI, static: Path = STATIC, prefix: str = "/static") -> None:
    """/docs and /redoc on `app` (create it with docs_url=None, redoc_url=None)."""
    spec = escape(app.openapi_url or "/openapi.json")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def swagger_ui() -> HTMLResponse:
        missing = _missing(app, "Swagger UI", static, SWAGGER)
        if missing is not None:
            return missing
        js, css = (f"{prefix}/{f}" for f in SWAGGER)
        return _page(f"{app.title} - Swagger UI",
                     f'<link rel="stylesheet" href="{css}">\n',
                     f'<div id="swagger-ui" data-openapi-url="{spec}"></div>\n'
                     f'<script src="{js}"></script>\n'
                     f'<script src="{prefix}/swagger-init.js"></script>\n', DOCS_POLICY)

    @app.get("/redoc", include_in_schema=False, response_class=HTMLResponse)
    def redoc() -> HTMLResponse:
        missing = _missing(app, "ReDoc", static, REDOC)
        if missing is not None:
            return missing
        return _page(f"{app.title} - ReDoc", "",
                     f'<redoc spec-url="{spec}"></redoc>\n'
                     f'<script src="{prefix}/{REDOC[0]}"></script>\n', REDOC_POLICY)
