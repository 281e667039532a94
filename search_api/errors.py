"""Errors the API answers with a Danish and an English message (never repeating input)."""

from __future__ import annotations


class ApiError(Exception):
    """An answer other than 2xx: status, a short code, and what to tell people."""

    def __init__(self, status: int, code: str, da: str, en: str,
                 headers: dict[str, str] | None = None, params: list[str] | None = None
                 ) -> None:
        super().__init__(en)
        self.status, self.code, self.da, self.en = status, code, da, en
        self.headers = headers or {}
        self.params = params or []


def too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "too_large",
                    f"Anmodningen er for stor (højst {max_bytes} bytes). Gør beskeden kortere.",
                    f"The request is too large (at most {max_bytes} bytes). Shorten the message.")


def rate_limited(retry_after: float) -> ApiError:
    seconds = max(1, int(retry_after))
    minutes = max(1, round(seconds / 60))
    return ApiError(
        429, "rate_limited",
        f"Der er sendt mange anmodninger herfra. Prøv igen om ca. {minutes} minut(ter).",
        f"Too many requests from here. Try again in about {minutes} minute(s).",
        headers={"Retry-After": str(seconds)})
