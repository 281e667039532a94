"""Drop-in or sign-up: can the citizen just turn up? Read from Danish text, negations included.

A stated "no sign-up needed" wins over everything; then any sign-up, closed group or
members-only requirement; then phrases that invite people to just come. Texts that say
neither stay unknown ("Alle er velkomne" says nothing about signing up).

>>> parse_drop_in("Tilmelding er ikke nødvendig, men giv gerne besked.")
True
>>> parse_drop_in("Max 12 deltagere. Tilmelding hos Lene.")
False
>>> parse_drop_in("Alle er velkomne.") is None
True
"""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"[.;!?\n]+|\s[-–]\s|,")
_NEGATION = re.compile(r"\b(?:ikke|ingen|intet|uden|behøver\s+ikke|ej)\b")
#: A negation right after the sign-up word: "tilmelding er ikke nødvendig".
_AFTER_NO = re.compile(r"^\s*(?:er\s+|kræves\s+|\w+\s+)?(?:ikke|unødvendig|ingen\s+krav)\b")
#: Sign-up and closed-group words (their stems; "tilmeldning" is a common misspelling).
_SIGNUP = re.compile(
    r"\btilmeld\w*|\bbillet\w*\s+(?:købes|bestilles|skal)|\bventeliste\w*|\blukket\s+(?:hold|forløb"
    r"|gruppe)|\blukket\s+for\b|\bforbeholdt\s+medlemmer|\bkun\s+for\s+medlemmer|\bskal\s+være"
    r"\s+medlem|\bkræver\s+medlemskab|\bbindende\b|\bbegrænset\s+antal|\bførst\s+til\s+mølle"
    r"|\bforsamtale|\bhele\s+forløbet|\bholdet\s+er\s+fuldt|\bmax\.?\s*\d+\s+deltagere"
    r"|\bmaks\.?\s*\d+\s+deltagere|\bbook\w*\s+(?:plads|billet)|\bbestil\w*\s+plads"
)
#: Invitations to just come.
_COME = re.compile(
    r"\bdrop[\s-]?in\b|\bmød\w*\s+(?:bare\s+)?op\b|\bbare\s+(?:mød\w*\s+op|kom|komme|møde|dukke)"
    r"|\bkom\s+bare\b|\bdukke\s+op\b|\bkom\s+når\b|\bnår\s+(?:du|man)\s+har\s+(?:tid|lyst)"
    r"|\bnår\s+det\s+passer\b|\bkom\s+og\s+gå\b|\bkig\s+(?:ind|forbi)\b|\bkom\s+forbi\b"
    r"|\buforpligtende\b|\båbent\s+hus\b|\bfri\s+adgang\b|\bdu\s+kan\s+bare\b"
)


def parse_drop_in(text: str | None) -> bool | None:
    """True: no sign-up, come when you like. False: sign-up, closed or members only."""
    if not text or not text.strip():
        return None
    low = re.sub(r"\s+", " ", text.casefold())
    said_no_signup = said_signup = said_come = False
    for clause in _CLAUSE.split(low):
        for m in _SIGNUP.finditer(clause):
            if _NEGATION.search(clause[: m.end()]) or _AFTER_NO.match(clause[m.end():]):
                if "medlem" not in m.group(0):  # "ikke medlem" is not about signing up
                    said_no_signup = True
            else:
                said_signup = True
        come = _COME.search(clause)
        if come and not re.search(r"\bikke\b", clause[: come.start()]):
            said_come = True
    if said_no_signup:
        return True
    if said_signup:
        return False
    return True if said_come else None
