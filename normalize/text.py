"""Text cleaning: HTML to plain text, broken encodings repaired, whitespace tidied."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

import ftfy
from bs4 import BeautifulSoup
from bs4.element import PageElement, PreformattedString, Tag
from bs4.exceptions import ParserRejectedMarkup

#: Elements that start a new line where they open and close, as a browser lays them out.
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                     "tr", "table", "section", "article"})
#: "</br>", which browsers read as "<br>" (as the HTML standard says) and html.parser drops.
_END_BR = re.compile(r"</br\s*>", re.I)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_NEEDS_WORK = re.compile(r"[<&ÃÂâ\u0080-\u009f\ufffd\u200b\u2000-\u200a\u202f\u205f\u3000]")
#: Marks of UTF-8 read as Latin-1/Windows-1252 ("fÃ¦llesskab", "â€“") and control codes.
_SUSPECT = re.compile(r"[ÃÂâ\u0080-\u009f\ufffd]")


#: (A tuple, not `list | tuple`, which builds a union object at every call.)
_SEQUENCES = (list, tuple)


def _pieces(root: Tag) -> Iterator[str]:
    """The text of the tree in document order, with a line break where a block element opens
    and closes and a space for any other tag or markup (comments, CDATA, doctype), so that
    words on either side of a tag stay apart. (A loop, not recursion: pages nest deeply.)"""
    stack: list[tuple[PageElement, bool]] = [(c, False) for c in reversed(root.contents)]
    after_text = False
    while stack:
        node, closing = stack.pop()
        if isinstance(node, Tag):
            yield "\n" if node.name in _BLOCKS else " "
            if not closing:
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(node.contents))
        elif isinstance(node, PreformattedString):
            yield " "
        else:
            if after_text:
                # Two strings side by side had an end tag between them that closed nothing
                # ("tirsdag</p>kl. 10"), which the parser drops: the words stay apart.
                yield " "
            yield str(node)
        after_text = not isinstance(node, (Tag, PreformattedString))


def _html_to_text(text: str) -> str:
    """Plain text of an HTML fragment, entities decoded; the text as given when the parser
    cannot read it."""
    try:
        soup = BeautifulSoup(_END_BR.sub("<br>", text), "html.parser")
    except ParserRejectedMarkup:
        return html.unescape(text)
    return "".join(_pieces(soup))


def single_spaced(text: str) -> bool:
    """Whether every run of white space in the text is one " " (True may miss a text that is,
    never the other way). Every white space character but " " is unprintable, so a printable
    text holds no other; both looks are plain loops in C, far cheaper than a regex scan or a
    split.

    >>> single_spaced(" Kom og spil "), single_spaced("Kom  og"), single_spaced("Kom\tog")
    (True, False, False)
    """
    return "  " not in text and text.isprintable()


def _tidy(text: str) -> bool:
    """Whether `" ".join(text.split())` is the text itself: single spaces, none at its ends.

    >>> _tidy("Kom og spil"), _tidy("Kom  og spil"), _tidy(" Kom"), _tidy("Kom\tog")
    (True, False, False, False)
    """
    return single_spaced(text) and text[:1] != " " and text[-1:] != " "


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
    if isinstance(value, _SEQUENCES):
        value = " ".join(str(v) for v in value if v is not None)
    text = str(value)
    if not keep_lines and not _NEEDS_WORK.search(text):
        # The common case: plain text that only needs its whitespace tidied.
        if _tidy(text):
            return text or None  # what splitting and joining it would give back
        return " ".join(text.split()) or None
    text = _html_to_text(text) if "<" in text else html.unescape(text)
    if _SUSPECT.search(text):
        # Only text that shows signs of a wrong decoding goes through ftfy (it is slow).
        text = ftfy.fix_text(text, normalization="NFC")
    else:
        text = unicodedata.normalize("NFC", text)
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n" if keep_lines else " ", text).strip()
    return text or None
