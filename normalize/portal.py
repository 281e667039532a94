"""Portal posts ("bobler") by private persons: is it an activity, and what may be kept.

A post by a private person is personal data. It is kept only when it announces an activity or
a community others can join (a group, a club, a recurring meet-up), and then without the
person's name or contact details. A post seeking one other person ("søger en veninde") is not
an activity and is not kept at all.

>>> announces_activity("Gåtur hver tirsdag", "Vi er en lille flok, der går tur hver tirsdag.")
True
>>> announces_activity("Ven søges", "Jeg er en kvinde på 72, der søger en veninde.")
False
>>> scrub_personal("Ring til Birthe på 20 45 67 89 eller birthe@eksempel.dk", ["Birthe Sørensen"])
'Ring til [navn] på [telefon] eller [e-mail]'
"""

from __future__ import annotations

import re

#: Someone looking for one other person: friend, partner, company for two.
_ONE_TO_ONE = re.compile(
    r"\bsøger\s+(?:en|nogen|et)\s+(?:sød\s+|rar\s+|ny\s+)?(?:ven|veninde|makker|kæreste|partner"
    r"|ledsager|at\s+\w+\s+med|der\s+vil)|\bven\s+søges|\bveninde\s+søges|\bkæreste\b|\bdate\b"
    r"|\bsøger\s+en\s+\w+\s+(?:at|til)\b|(?:ven|veninde|makker|kæreste|partner|ledsager)\s+søges"
    r"|\bsøger\s+selskab\b"
)
#: A group, club or recurring meet-up others can join.
_COMMUNITY = re.compile(
    r"\bvi\s+er\s+(?:en\s+)?(?:lille\s+|stor\s+|hyggelig\s+)?\w*(?:flok|gruppe|klub|forening|hold)"
    r"|\bvi\s+mødes\b|\bdu\s+er\s+(?:meget\s+)?velkommen\b"
    r"|\bvores\s+(?:gruppe|klub|forening|hold|flok)|\bklubben\b|\bforeningen\b|\bgruppen\b"
    r"|\bmødes\s+(?:hver|fast|hver\s+anden)|\bhver\s+(?:mandag|tirsdag|onsdag|torsdag|fredag"
    r"|lørdag|søndag|uge|måned)|\balle\s+er\s+velkomne|\bkom\s+og\s+vær\s+med|\bnye\s+medlemmer"
    r"|\bflere\s+(?:deltagere|medlemmer)|\bfællesskab"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+45\s*)?\b\d{2}(?:[\s.-]?\d{2}){3}\b")


def announces_activity(title: str | None, text: str | None, category: str | None = None) -> bool:
    """Whether a private person's post announces something others can join."""
    low = " ".join(t for t in (title, text, category) if t).casefold()
    if _ONE_TO_ONE.search(low):
        return False
    return bool(_COMMUNITY.search(low))


def scrub_personal(text: str, names: list[str]) -> str:
    """The text without e-mail addresses, phone numbers and the given person's names."""
    out = _EMAIL.sub("[e-mail]", text)
    out = _PHONE.sub("[telefon]", out)
    parts = {p for n in names for p in re.split(r"\s+", n.strip()) if len(p) >= 2}
    for part in sorted(parts, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(part)}\b", "[navn]", out)
    return re.sub(r"\[navn\](?:\s+\[navn\])+", "[navn]", out)
