"""Refuses oversized request bodies before anything reads them (pure ASGI, so the limit
holds for JSON and form posts alike, with or without a Content-Length, and a multipart upload
is refused before the multipart parser sees a byte of it)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.errors import too_large

#: The methods that carry a body (every form and API write is a POST).
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyLimit:
    """Requests to paths under `prefixes` (default: every path) may carry at most
    `max_bytes` (else 413: a Danish page for a form, JSON for the API)."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: tuple[str, ...] = ("/",)
                 ) -> None:
        self.app, self.max_bytes, self.prefixes = app, max_bytes, prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (scope["type"] != "http" or scope.get("method") not in WITH_BODY
                or not path.startswith(self.prefixes)):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "").strip()
        page = path if "form" in headers.get("content-type", "") else None
        if declared.isascii() and declared.isdigit() and (
                len(declared) > 18 or int(declared) > self.max_bytes):
            await self._refuse(send, page)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, page)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, page: str | None) -> None:
        """413, before the body is read; `page` is the path a form was posted to."""
        err = too_large(self.max_bytes)
        if page is not None:  # a form on our pages: a Danish page, with the way back
            back, text = ("/forening", err.da) if page.startswith("/forening") else (
                "/", f"Søgningen er for stor (højst {self.max_bytes} bytes). Prøv igen med "
                "kortere tekst i felterne.")
            payload = (f'<!doctype html><html lang="da"><meta charset="utf-8"><title>For stor'
                       f'</title><p role="alert">{text}</p><p><a href="{back}">Tilbage'
                       "</a></p></html>").encode()
            kind = b"text/html; charset=utf-8"
        else:
            payload = json.dumps({"error": err.code, "message_da": err.da,
                                  "message_en": err.en, "params": []},
                                 ensure_ascii=False).encode()
            kind = b"application/json; charset=utf-8"
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", kind),
            (b"content-length", str(len(payload)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})
