"""The same offer found by several sources: which records are one activity.

The walking group on the municipal calendar, on a community portal and as a public Facebook
event is one activity for the citizen. Pure functions, no index:

1. **Candidates** are pairs from *different* sources that are near each other (same place)
   and meet at the same time (an occurrence within half an hour of one of the other's).
2. **Confirmed** when what they are called (and what they say) is alike: rapidfuzz's
   token-set ratio over Danish index terms (stems and compound parts), with the words that
   only name the place (town, venue) and small words left out, so that "Strikkecafé på
   biblioteket" and "Lektiecafé på biblioteket" are told apart by *strik* and *lektie*.
3. **Clusters** are grown from the best pairs first; a cluster never holds two records of one
   source (a source lists its own activities once each), so the result does not depend on the
   order the records come in. Members are listed best source first (`preference`).

Every decision is kept as `PairEvidence`, for `fkort duplicates --explain`. Making one record
of a cluster is `normalize.merging`'s.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz

from core.schema import Activity, Precision, SourceKind, Status
from normalize.analysis import index_terms
from normalize.geo import distance_km
from normalize.schedule import next_occurrences

#: Same place: points this close (km). Points known only to the town are compared by town.
NEAR_KM = 0.6
#: Same time: occurrences whose starts are this close.
SAME_TIME = timedelta(minutes=30)
#: Occurrences compared, and how far ahead.
HORIZON = timedelta(days=120)
OCCURRENCES = 24
#: Text similarity (0–100) that confirms a candidate pair; higher when the time is unknown.
THRESHOLD = 70.0
THRESHOLD_TIME_UNKNOWN = 88.0
#: Descriptions shorter than this say too little to compare.
MIN_DESCRIPTION = 40

_SMALL_WORDS = frozenset(
    "i med for all alle og på til af en et den det de om fra hos ved kl din dit dig vi jer "
    "man der som er har kan vil nye ny".split())
#: Which kinds of source describe an activity most carefully, best first (a municipality's
#: own calendar and an association's site over a portal post and a Facebook event).
_KIND_RANK = {SourceKind.municipal: 0, SourceKind.jsonld: 0, SourceKind.ical: 1,
              SourceKind.portal: 2, SourceKind.facebook: 3}
#: Degrees of latitude and longitude per cell of `candidate_pairs`: 0.67 km north-south and,
#: south of 68°N (Denmark, the Faroes), over 0.62 km east-west, so that records within NEAR_KM
#: are in neighbouring cells (checked in tests/test_merge_step.py).
_PAIR_CELL = (0.006, 0.015)


@dataclass(frozen=True)
class PairEvidence:
    """Why two records are, or are not, the same activity."""

    a: str
    b: str
    distance_km: float | None
    place: str
    time: str
    title_score: float
    description_score: float | None
    score: float
    threshold: float
    same: bool

    def explain(self) -> str:
        desc = "–" if self.description_score is None else f"{self.description_score:.0f}"
        verdict = "same activity" if self.same else "different"
        return (f"{self.a} ~ {self.b}: {verdict} (place: {self.place}; time: {self.time}; "
                f"title {self.title_score:.0f}, description {desc}, score {self.score:.0f} "
                f"vs threshold {self.threshold:.0f})")


@dataclass
class Cluster:
    """Records of one activity, best source first, with the evidence that joined them."""

    members: list[Activity]
    evidence: list[PairEvidence] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]


@dataclass(frozen=True)
class Features:
    """What the comparisons need of one record, worked out once per merge step."""

    title: tuple[str, ...]
    #: The description when it is long enough to compare (its terms: `description`).
    description_text: str | None
    place: frozenset[str]
    occurrences: tuple[datetime, ...]
    #: (weekday, half hour of the day) of the meetings, for blocking; days: their weekdays.
    slots: frozenset[tuple[int, int]]
    days: frozenset[int]

    @functools.cached_property
    def description(self) -> tuple[str, ...] | None:
        """The description's terms, worked out only for a record that is compared (most
        records of a whole-index pass have no candidate, and descriptions are long)."""
        return None if self.description_text is None else _terms(self.description_text)


def _terms(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(w for w in index_terms(text).split() if w not in _SMALL_WORDS)


@functools.lru_cache(maxsize=1 << 16)
def _place_terms(city: str | None, name: str | None, municipality: str | None
                 ) -> frozenset[str]:
    """The words that name a place (many offers share a venue and a town: worked out once)."""
    return frozenset(_terms(" ".join(t for t in (city, name, municipality) if t)))


def features(a: Activity, now: datetime) -> Features:
    loc = a.location
    occ = tuple(d for d in next_occurrences(a.schedule, now, OCCURRENCES) if d <= now + HORIZON)
    slots = frozenset((d.weekday(), (d.hour * 60 + d.minute) // 30) for d in occ)
    desc = a.description or ""
    return Features(
        title=_terms(a.title),
        description_text=desc if len(desc) >= MIN_DESCRIPTION else None,
        place=_place_terms(loc.city, loc.name, loc.municipality),
        occurrences=occ,
        slots=slots if a.schedule.time_known else frozenset(),
        days=frozenset(d.weekday() for d in occ),
    )


def _place(a: Activity, b: Activity) -> tuple[bool, float | None, str]:
    la, lb = a.location, b.location
    if precise_point(a) and precise_point(b):
        assert la.lat is not None and la.lon is not None
        assert lb.lat is not None and lb.lon is not None
        d = distance_km(la.lat, la.lon, lb.lat, lb.lon)
        return d <= NEAR_KM, d, f"{d:.2f} km apart"
    if town_key(a) and town_key(a) == town_key(b):
        return True, None, f"same town ({la.city or la.municipality}), no exact point"
    return False, None, "not the same place"


def _time(a: Activity, b: Activity, fa: Features, fb: Features) -> tuple[bool | None, str]:
    """True: they meet at the same time; False: never; None: one of the times is unknown."""
    if not fa.occurrences or not fb.occurrences:
        return None, "unknown for one of them"
    timed = a.schedule.time_known and b.schedule.time_known
    for x in fa.occurrences:
        for y in fb.occurrences:
            if (abs(x - y) <= SAME_TIME) if timed else x.date() == y.date():
                when = x.strftime("%Y-%m-%d %H:%M") if timed else x.strftime("%Y-%m-%d")
                return True, f"both on {when}"
    return False, "no common occurrence"


def _text(terms: tuple[str, ...], drop: frozenset[str]) -> str:
    return " ".join(w for w in terms if w not in drop)


def compare(a: Activity, b: Activity, now: datetime,
            fa: Features | None = None, fb: Features | None = None) -> PairEvidence:
    """The evidence on one pair of records (of different sources)."""
    fa = fa or features(a, now)
    fb = fb or features(b, now)
    near, dist, place = _place(a, b)
    same_time, time = _time(a, b, fa, fb) if near else (False, "not compared")
    drop = fa.place | fb.place
    title = fuzz.token_set_ratio(_text(fa.title, drop), _text(fb.title, drop))
    desc: float | None = None
    score = title
    if fa.description is not None and fb.description is not None:
        desc = fuzz.token_set_ratio(_text(fa.description, drop), _text(fb.description, drop))
        score = 0.6 * title + 0.4 * desc
    threshold = THRESHOLD_TIME_UNKNOWN if near and same_time is None else THRESHOLD
    same = bool(near and same_time is not False and score >= threshold)
    return PairEvidence(a.id, b.id, dist, place, time, round(title, 1),
                        None if desc is None else round(desc, 1), round(score, 1), threshold,
                        same)


#: Points that stand for an area: offline, every place of one postcode shares its point, so
#: two such points say "same postcode", not "same door"; they match by town instead.
_COARSE = frozenset({Precision.postcode, Precision.town, Precision.municipality,
                     Precision.none})


def precise_point(a: Activity) -> bool:
    """Whether the record has a point finer than its town (compared by distance)."""
    loc = a.location
    return loc.lat is not None and loc.lon is not None and loc.precision not in _COARSE


def town_key(a: Activity) -> str:
    """The town a record is compared by when a point is not precise ("" when unknown)."""
    return (a.location.city or a.location.municipality or "").casefold()


def _cell(a: Activity) -> tuple[int, int] | None:
    if not precise_point(a):
        return None
    assert a.location.lat is not None and a.location.lon is not None
    return int(a.location.lat // _PAIR_CELL[0]), int(a.location.lon // _PAIR_CELL[1])


#: A blocking key: a place (("g", y, x) or ("town", name)) or a time key (see `_filed`).
_Key = tuple[object, ...]


def _filed(f: Features, timed: bool) -> list[_Key]:
    """The time keys a record is filed under: its weekday half hours and weekdays when it
    states a time, its weekdays when it does not ("u"), "?" when its meetings are unknown.
    (By weekday, not date: coarse, so that a weekly record has few keys; the comparison then
    checks the real dates.)"""
    if not f.occurrences:
        return [("?",)]
    if timed:
        return [*(("t", *slot) for slot in f.slots), *(("d", wd) for wd in f.days)]
    return [("u", wd) for wd in f.days]


def _wanted(f: Features, timed: bool) -> set[_Key]:
    """The time keys a record looks up: what it could share a meeting with."""
    if not f.occurrences:
        return {("any",)}
    out: set[_Key] = {("?",)}
    out.update(("u", wd) for wd in f.days)
    if timed:
        for wd, half in f.slots:
            out.update((("t", wd, half - 1), ("t", wd, half), ("t", wd, half + 1)))
    else:
        out.update(("d", wd) for wd in f.days)
    return out


def _home_places(a: Activity) -> list[_Key]:
    """The places a record is filed under: its grid cell, its town."""
    places: list[_Key] = []
    cell = _cell(a)
    if cell is not None:
        places.append(("g", *cell))
    if town_key(a):
        places.append(("town", town_key(a)))
    return places


def _nearby_places(a: Activity) -> list[_Key]:
    """The places a record looks in: the cells around its point, else its town, else none."""
    cell = _cell(a)
    if cell is not None:
        y, x = cell
        return [("g", y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    if town_key(a):
        return [("town", town_key(a))]
    return []


@dataclass
class _Blocks:
    """Records (by position) filed by place, then by title word, and by time key and title
    word: a record is found only by records that share a word with it, so a big town's many
    offers of other kinds are never looked at."""

    by_place: defaultdict[_Key, defaultdict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    by_key: defaultdict[_Key, defaultdict[tuple[_Key, str], list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def file(self, i: int, a: Activity, f: Features, words: Sequence[str]) -> None:
        keyed = [(key, w) for key in _filed(f, a.schedule.time_known) for w in words]
        for place in _home_places(a):
            by_word, by_key = self.by_place[place], self.by_key[place]
            for w in words:
                by_word[w].append(i)
            for k in keyed:
                by_key[k].append(i)

    def near(self, a: Activity, f: Features, words: Sequence[str]) -> set[int]:
        """The records at a place near `a` that could share a meeting with it and share one
        of `words`."""
        wanted = _wanted(f, a.schedule.time_known)
        # Meetings unknown: any record at the place with a shared word, whatever its time.
        table: dict[_Key, Any] = self.by_place if ("any",) in wanted else self.by_key
        tokens: list[Any] = (list(words) if ("any",) in wanted
                             else [(key, w) for key in wanted for w in words])
        seen: set[int] = set()
        for place in _nearby_places(a):
            filed = table.get(place)
            if filed:
                for token in tokens:
                    found = filed.get(token)
                    if found:
                        seen.update(found)
        return seen


def _title_words(a: Activity) -> set[str]:
    """The words of the title that do not name the place (as `candidate_pairs` compares)."""
    loc = a.location
    return set(_terms(a.title)) - _place_terms(loc.city, loc.name, loc.municipality)


def could_be_same(a: Activity, b: Activity) -> bool:
    """What a pair judged the same must meet, checked without working out any meetings: at
    the same place (`compare`), and sharing a title word that does not name the place
    (`candidate_pairs`). The merge step filters an index's neighbours with it first."""
    return _place(a, b)[0] and bool(_title_words(a) & _title_words(b))


@dataclass(frozen=True)
class Reach:
    """Where records that may pair with one record are (as `compare` judges a place, a little
    wider), for looking them up in an index: a point inside `box` (south, west, north, east),
    or the town `town` (`town_key`; only records without a precise point when
    `coarse_only`); and one of `words` among the index terms of the title."""

    words: tuple[str, ...]
    box: tuple[float, float, float, float] | None = None
    town: str | None = None
    coarse_only: bool = False


def reach(a: Activity, f: Features) -> Reach | None:
    """Where `a`'s candidate partners can be (None: it can have none). Every record that
    `candidate_pairs` could pair with `a` is inside: a precise point within NEAR_KM of `a`'s
    (a box a tenth wider), a record of its town known only to the town (or, for a record
    known only to its town, any record of that town), and a shared title word.

    >>> from datetime import datetime
    >>> from core.clock import TZ
    >>> a = Activity.model_validate({"id": "x:1", "title": "Strikkecafé i Hallen",
    ...     "location": {"name": "Hallen", "city": "Struer", "lat": 56.49, "lon": 8.59,
    ...                  "precision": "address"},
    ...     "source": {"name": "x", "kind": "municipal", "url": "https://x.example/1",
    ...                "fetched_at": "2026-11-22T12:00:00+01:00"},
    ...     "first_seen": "2026-11-22T12:00:00+01:00", "last_seen": "2026-11-22T12:00:00+01:00"})
    >>> r = reach(a, features(a, datetime(2026, 11, 22, tzinfo=TZ)))
    >>> r.town, r.coarse_only, "hall" in r.words, r.box[0] < 56.49 < r.box[2]
    ('struer', True, False, True)
    """
    words = tuple(sorted(set(f.title) - f.place))
    if not words:
        return None
    town = town_key(a) or None
    if not precise_point(a):
        return Reach(words, town=town) if town else None
    lat, lon = a.location.lat, a.location.lon
    assert lat is not None and lon is not None
    # A degree of latitude is over 110.5 km, one of longitude over 111.3 km × cos(latitude).
    dlat = 1.1 * NEAR_KM / 110.5
    dlon = 1.1 * NEAR_KM / (111.3 * math.cos(math.radians(min(abs(lat) + dlat, 89.0))))
    box = (lat - dlat, lon - dlon, lat + dlat, lon + dlon)
    return Reach(words, box=box, town=town, coarse_only=True)


def candidate_pairs(records: Sequence[Activity], now: datetime,
                    feats: dict[str, Features] | None = None
                    ) -> list[tuple[Activity, Activity]]:
    """Pairs of records of different sources that may be the same activity, in id order.

    Blocking keeps this near linear even where thousands of offers share a city: a pair must
    be at the same place as `compare` judges it (precise points within NEAR_KM, looked for in
    the ~0.7 km grid cell and the eight around it; the same town when one is known only to its
    town), meet in the same half hour (the same day when a time is not stated; any time when
    one's meetings are unknown), and share a word of their titles (not one naming the place).
    A pair that is not at the same place cannot be judged the same, so it is not a candidate
    and `find_clusters` keeps no evidence on it.
    """
    feats = feats if feats is not None else {r.id: features(r, now) for r in records}
    # Words that name the place say nothing about which activity it is.
    words = {r.id: sorted(set(feats[r.id].title) - feats[r.id].place) for r in records}
    blocks = _Blocks()
    for i, a in enumerate(records):
        blocks.file(i, a, feats[a.id], words[a.id])
    pairs: set[tuple[int, int]] = set()
    apart: set[tuple[int, int]] = set()
    for i, a in enumerate(records):
        source = a.source.name
        for j in blocks.near(a, feats[a.id], words[a.id]):
            pair = (i, j) if i < j else (j, i)
            if j == i or records[j].source.name == source or pair in pairs or pair in apart:
                continue
            # Only a pair at the same place can be judged the same (`compare`); in a dense
            # city the blocks hold many more that are not, and those are never compared.
            (pairs if _place(records[pair[0]], records[pair[1]])[0] else apart).add(pair)
    return [(records[i], records[j]) for i, j in sorted(
        pairs, key=lambda p: (records[p[0]].id, records[p[1]].id))]


def preference(a: Activity) -> tuple[int, str]:
    """The order members are listed and trusted in: best kind of source, then id."""
    return _KIND_RANK.get(a.source.kind, 9), a.id


def find_clusters(records: Iterable[Activity], now: datetime) -> tuple[list[Cluster],
                                                                       list[PairEvidence]]:
    """Clusters of two or more records of one activity, and the evidence on every pair
    compared. Merged records themselves are left out; their members are taken as records."""
    recs = sorted((r for r in records
                   if not r.merged_from and r.status in (Status.active, Status.merged)),
                  key=lambda r: r.id)
    feats = {r.id: features(r, now) for r in recs}
    evidence = [compare(a, b, now, feats[a.id], feats[b.id])
                for a, b in candidate_pairs(recs, now, feats)]
    by_id = {r.id: r for r in recs}
    parent = {r.id: r.id for r in recs}
    sources = {r.id: {r.source.name} for r in recs}
    joined: dict[str, list[PairEvidence]] = defaultdict(list)

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ev in sorted((e for e in evidence if e.same), key=lambda e: (-e.score, e.a, e.b)):
        ra, rb = root(ev.a), root(ev.b)
        if ra == rb or sources[ra] & sources[rb]:
            continue  # already one, or would hold two records of one source
        keep, gone = sorted((ra, rb))
        parent[gone] = keep
        sources[keep] |= sources.pop(gone)
        joined[keep].extend(joined.pop(gone, []))
        joined[keep].append(ev)
    groups: dict[str, list[Activity]] = defaultdict(list)
    for rid in parent:
        groups[root(rid)].append(by_id[rid])
    clusters = [Cluster(sorted(members, key=preference), joined[r])
                for r, members in groups.items() if len(members) > 1]
    clusters.sort(key=lambda c: c.ids[0])
    return clusters, evidence
