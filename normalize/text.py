"""Text cleaning: HTML to plain text, broken encodings repaired, whitespace tidied."""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article)\b[^>]*>", re.I)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_NEEDS_WORK = re.compile(r"[<&ÃÂâ\u0080-\u009f\ufffd\u200b\u2000-\u200a\u202f\u205f\u3000]")
#: Marks of UTF-8 read as Latin-1/Windows-1252 ("fÃ¦llesskab", "â€“") and control codes.
_SUSPECT = re.compile(r"[ÃÂâ\u0080-\u009f\ufffd]")


def clean_text(value: object, *, keep_lines: bool = False) -> str | None:
    """Plain, repaired, tidy text from whatever a page held; None when nothing is left.

    >>> clean_text("  Kom og <b>spil</b>&nbsp;brætspil\\n\\n i  fÃ¦llesskab ")
    'Kom og spil brætspil i fællesskab'
    >>> clean_text("<p>Hvornår:</p><p>tirsdag</p>", keep_lines=True)
    'Hvornår:\\ntirsdag'
    >>> clean_text(None) is None
    True
    """
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v is not None)
    text = str(value)
    if not keep_lines and not _NEEDS_WORK.search(text):
        # The common case: plain text that only needs its whitespace tidied.
        return " ".join(text.split()) or None
    if "<" in text:
        text = _BLOCK.sub("\n", text)
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    if _SUSPECT.search(text):
        # Only text that shows signs of a wrong decoding goes through ftfy (it is slow).
        text = ftfy.fix_text(text, normalization="NFC")
    else:
        text = unicodedata.normalize("NFC", text)
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n" if keep_lines else " ", text).strip()
    return text or None
