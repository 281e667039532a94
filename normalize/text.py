"""Text cleaning: HTML to plain text, broken encodings repaired, whitespace tidied."""

from __future__ import annotations

import html
import re

import ftfy

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article)\b[^>]*>", re.I)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")


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
    if "<" in text:
        text = _BLOCK.sub("\n", text)
        text = _TAG.sub(" ", text)
    text = ftfy.fix_text(html.unescape(text), normalization="NFC")
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n" if keep_lines else " ", text).strip()
    return text or None
