"""Danish addresses as pages write them, into their parts.

"Aktivitetshuset, Vestergade 12A, 1. th., 7500 Holstebro" → name, street, number, letter,
floor, door, postcode, city; also "c/o", rooms ("Lokale 3"), lines, "DK-7500", ", Danmark".

>>> a = parse_address("Aktivitetshuset, Vestergade 12A, 1. th., 7500 Holstebro")
>>> (a.name, a.street, a.number, a.letter, a.floor, a.door, a.postcode, a.city)
('Aktivitetshuset', 'Vestergade', '12', 'A', '1', 'th', '7500', 'Holstebro')
>>> parse_address("Medborgerhuset, Holstebro").city
'Holstebro'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SEGMENT_BREAK = re.compile(r"[\n,]")
_POSTCODE = re.compile(r"\d{4}")
_COUNTRY = re.compile(r",?\s*(?:danmark|denmark|dk)\s*$", re.I)
#: "7500 Holstebro", "DK-7500 Holstebro", "1620 København V"
_POSTTOWN = re.compile(r"(?:\bDK-?\s*)?\b(\d{4})\s+([A-ZÆØÅa-zæøå][\wæøåÆØÅ.\- ]*?)\s*$")
_CO = re.compile(r"^c/o\s+(.+)$", re.I)
_CO_INSIDE = re.compile(r"^(.+?)\s+(c/o\s+.+)$", re.I)
_LABEL = re.compile(r"^\s*(?:sted|adresse|hvor|mødested|adr\.)\s*:\s*", re.I)
_PAREN_ROOM = re.compile(r"\s*\(((?:mødelokale|lokale|sal|rum)\s+\w+)\)", re.I)
_DOOR_ONLY = re.compile(r"^(?:dør\s*(\d+)|(th|tv|mf)\.?)$", re.I)
_ROOM = re.compile(r"^(?:mødelokale|lokale|sal|rum|værelse)\s+\w+$", re.I)
#: Street, number, letter; then floor and door in any common writing.
_STREET = re.compile(
    r"^(?P<street>[^\d,]*?[A-Za-zÆØÅæøå.][^\d,]*?)\s+(?P<number>\d{1,4})\s*(?P<letter>[A-Za-z])?"
    r"(?:\s*-\s*\d{1,4}[A-Za-z]?)?(?![\d])"
    r"(?:[\s,]+(?P<rest>.*))?$"
)
_FLOOR = re.compile(
    r"^(?:(?P<st>st\.?|stuen)|(?P<kl>kl\.?|kælder(?:en)?)|(?P<n>\d{1,2})\.?(?:\s*(?:sal|etage))?)"
    r"(?:[\s,.]*(?P<door>th\.?|tv\.?|mf\.?|til\s+højre|til\s+venstre|dør\s*\d+|\d{1,3}))?\s*$",
    re.I,
)
_DOOR = {"th": "th", "tv": "tv", "mf": "mf", "til højre": "th", "til venstre": "tv"}


@dataclass
class Address:
    name: str | None = None
    street: str | None = None
    number: str | None = None
    letter: str | None = None
    floor: str | None = None
    door: str | None = None
    postcode: str | None = None
    city: str | None = None
    co: str | None = None
    room: str | None = None

    @property
    def street_line(self) -> str | None:
        """"Vestergade 12A", without floor and door (what geocoders want)."""
        if not self.street:
            return None
        number = f" {self.number}{self.letter or ''}" if self.number else ""
        return f"{self.street}{number}"

    def as_dict(self) -> dict[str, str | None]:
        return dict(self.__dict__)


def _door(raw: str | None) -> str | None:
    if not raw:
        return None
    key = raw.casefold().rstrip(".").strip()
    if key in _DOOR:
        return _DOOR[key]
    digits = re.sub(r"\D", "", key)
    return digits or None


def _floor_door(text: str) -> tuple[str | None, str | None] | None:
    m = _FLOOR.match(text.strip())
    if not m:
        return None
    floor = "st" if m.group("st") else "kl" if m.group("kl") else m.group("n")
    return floor, _door(m.group("door"))


def _flatten(text: str, out: Address) -> str:
    """One line of plain spaces and dashes, without a label; a room in brackets goes to `out`."""
    flat = _SPACE.sub(" ", text.replace("\r", "\n"))
    flat = _DASHES.sub("-", _LABEL.sub("", flat))
    if m := _PAREN_ROOM.search(flat):
        out.room = m.group(1)
        flat = flat[: m.start()] + flat[m.end():]
    return flat


def _segments(flat: str) -> list[str]:
    """The parts between commas and line breaks, without a closing country."""
    segments = [s.strip(" ,;") for s in _SEGMENT_BREAK.split(flat)]
    segments = [s for s in segments if s]
    if segments:
        segments[-1] = _COUNTRY.sub("", segments[-1]).strip(" ,")
        if not segments[-1]:
            segments.pop()
        elif segments[-1].casefold() in ("danmark", "denmark"):
            segments.pop()
    return segments


def _take_postcode(segments: list[str], out: Address) -> list[str]:
    """The first postcode (with its town) goes to `out`; the other segments are returned."""
    rest: list[str] = []
    for seg in segments:
        if out.postcode is None and _POSTCODE.fullmatch(seg):
            out.postcode = seg  # a postcode without its town
            continue
        if out.postcode is None and (m := _POSTTOWN.search(seg)):
            out.postcode, out.city = m.group(1), m.group(2).strip(" .") or None
            before = seg[: m.start()].strip(" ,")
            if before:
                rest.append(before)
            continue
        rest.append(seg)
    return rest


def _split_co(segments: list[str]) -> list[str]:
    """"Huset c/o Lene" as two segments: "Huset" and "c/o Lene"."""
    split: list[str] = []
    for seg in segments:
        m = _CO_INSIDE.match(seg)
        split.extend([m.group(1), m.group(2)] if m and not _CO.match(seg) else [seg])
    return split


# What one segment can be; each reader takes it (True) or leaves it to the next.
def _door_after_floor(seg: str, out: Address) -> bool:
    if out.floor is not None and out.door is None and (d := _DOOR_ONLY.match(seg)):
        out.door = d.group(1) or d.group(2).casefold()
        return True
    return False


def _care_of(seg: str, out: Address) -> bool:
    if (m := _CO.match(seg)) is not None:
        out.co = m.group(1).strip()
        return True
    return False


def _room(seg: str, out: Address) -> bool:
    if _ROOM.match(seg):
        out.room = seg
        return True
    return False


def _street(seg: str, out: Address) -> bool:
    if out.street is None and (m := _STREET.match(seg)):
        out.street = m.group("street").strip()
        out.number = m.group("number")
        out.letter = m.group("letter").upper() if m.group("letter") else None
        if m.group("rest") and (fd := _floor_door(m.group("rest"))):
            out.floor, out.door = fd
        return True
    return False


def _floor_after_street(seg: str, out: Address) -> bool:
    if out.street is not None and out.floor is None and (fd := _floor_door(seg)):
        out.floor, out.door = fd
        return True
    return False


def _name_or_town(seg: str, out: Address) -> bool:
    if out.name is None and out.street is None:
        out.name = seg
    elif out.city is None and out.street is not None:
        out.city = seg  # "Vestergade 12, Holstebro": a town without postcode
    elif out.name is None:
        out.name = seg
    return True


#: Order matters: c/o lines and rooms before streets, which "Lokale 3" would also match; the
#: name or town takes what is left.
_READERS: tuple[Callable[[str, Address], bool], ...] = (
    _door_after_floor, _care_of, _room, _street, _floor_after_street, _name_or_town)


def parse_address(text: str | None) -> Address:
    """The parts of a Danish address; parts that are not there stay None."""
    out = Address()
    if not text:
        return out
    rest = _take_postcode(_segments(_flatten(text, out)), out)
    for seg in _split_co(rest):
        for read in _READERS:
            if read(seg, out):
                break
    if out.city is None and out.street is None and out.name and out.postcode is None \
            and len(rest) >= 2:
        out.city = rest[-1] if rest[-1] != out.name else None
    return out
