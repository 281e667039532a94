"""The search contract every index backend fulfils: what can be stored, asked and answered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.schema import Activity, Organization, Status
from core.text import fold
from index.filters import Match, used
from normalize.matching import Reach

#: The widest search, in km: the API, the page and the command line refuse more.
MAX_RADIUS_KM = 500
#: A search counts its hits exactly up to this many; beyond it the total says "at least
#: this many" (`SearchResult.total_exact` False) unless the query asks for `exact_total` (or
#: for facets, which visit every hit anyway). Counting every hit grows with the index: 7,000
#: places within 15 km of Copenhagen at 100k activities, 35,000 at 500k, each read to be
#: counted, while a reader looks at the first pages and narrows the search long before a
#: hundred. Search engines do the same (OpenSearch's `track_total_hits`); the pages count
#: exactly, and the API says which (`count_exact`). Measured in docs/sqlite-search.md.
TOTAL_EXACT_UP_TO = 100
#: Parts of the day a search may ask for; the hour bands are in `normalize.schedule.DAY_PARTS`.
TimeOfDay = Literal["formiddag", "eftermiddag", "aften"]


class Sort(StrEnum):
    distance = "distance"
    relevance = "relevance"
    next = "next"


class SearchQuery(BaseModel):
    """One search. Hard filters (text, place, categories, municipality) always exclude; soft
    filters (`index.filters`) exclude what is stated not to fit, rank stated fits before
    unknowns, and keep only stated fits when `strict`."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    radius_km: Annotated[float, Field(gt=0, le=MAX_RADIUS_KM)] | None = None
    age: Annotated[int, Field(ge=0, le=120)] | None = None
    max_price: Annotated[float, Field(ge=0)] | None = None
    free: bool | None = None
    wheelchair: bool | None = None
    step_free: bool | None = None
    hearing_loop: bool | None = None
    categories: list[str] = Field(default_factory=list)
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=list)
    #: Any of these parts of the day, by local start time (unknown time is "unknown").
    time_of_day: list[TimeOfDay] = Field(default_factory=list)
    drop_in: bool | None = None
    municipality: str | None = None
    strict: bool = False
    sort: Sort | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0
    #: Reference time: activities whose last meeting is before it are hidden.
    now: datetime | None = None
    #: Count the hits per category (under every filter but the category one). Asked for by
    #: the page; the API leaves it off unless asked, as it costs a pass over every hit.
    facets: bool = False
    #: Count every hit, however many (by default exactly only up to `TOTAL_EXACT_UP_TO`).
    #: Facets count every hit anyway, so with them the total is always exact.
    exact_total: bool = False

    @model_validator(mode="after")
    def _point(self) -> SearchQuery:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if self.radius_km is not None and self.lat is None:
            raise ValueError("radius_km needs a point (near)")
        return self

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def effective_sort(self) -> Sort:
        if self.sort is not None:
            if self.sort is Sort.distance and not self.has_point:
                return Sort.relevance if self.text else Sort.next
            return self.sort
        if self.has_point:
            return Sort.distance
        return Sort.relevance if self.text else Sort.next

    def counts_exactly(self) -> bool:
        """Whether the total is counted however large it is (see `TOTAL_EXACT_UP_TO`)."""
        return self.exact_total or self.facets

    def soft_filters(self) -> list[str]:
        """The soft filters this query uses (wheelchair=False etc. ask for nothing)."""
        return [f.name for f, _ in used(self)]


class Hit(BaseModel):
    activity: Activity
    distance_km: float | None = None
    score: float | None = None
    matched: dict[str, Match] = Field(default_factory=dict)


class SearchResult(BaseModel):
    #: How many hits in all; when `total_exact` is False, at least this many (the count
    #: stopped at `TOTAL_EXACT_UP_TO`).
    total: int
    total_exact: bool = True
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = Field(default_factory=dict)
    #: When free text found nothing: the typed words no activity holds under the other
    #: filters, and category slugs they stand for that do have activities (`index.empty`).
    not_found: list[str] = Field(default_factory=list)
    suggested_categories: list[str] = Field(default_factory=list)


def capped_total(counted: int, q: SearchQuery) -> tuple[int, bool]:
    """The total a search reports from what it counted (at most one past the cap when the
    query does not ask for an exact total), and whether it is exact.

    >>> capped_total(101, SearchQuery()), capped_total(100, SearchQuery())
    ((100, False), (100, True))
    >>> capped_total(5000, SearchQuery(exact_total=True))
    (5000, True)
    """
    if q.counts_exactly() or counted <= TOTAL_EXACT_UP_TO:
        return counted, True
    return TOTAL_EXACT_UP_TO, False


class OrganizationResult(BaseModel):
    """A page of associations found by name, and how many there are in all."""

    total: int
    organizations: list[Organization]


def name_matches(query: str, name: str) -> bool:
    """Every word typed is part of the name (folded), in any order.

    >>> name_matches("mødested assens", "Mænds Mødested Assens")
    True
    >>> name_matches("strik", "Mænds Mødested")
    False
    """
    folded = fold(name)
    words = fold(query).split()
    return bool(words) and all(w in folded for w in words)


@dataclass
class WriteStats:
    """What one batch of writes did, for the crawl report."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)
    #: The ids written (new or changed): what the merge step looks at after a crawl.
    written: list[str] = field(default_factory=list)

    def __iadd__(self, other: WriteStats) -> WriteStats:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)
        self.written.extend(other.written)
        return self


#: Fields that change on every crawl without the activity changing.
_VOLATILE: dict[str, Any] = {"first_seen": True, "last_seen": True, "source": {"fetched_at"},
                             "sources": {"__all__": {"fetched_at"}}}


def content_hash(activity: Activity) -> str:
    """What an activity says, hashed: equal when a re-crawl found nothing new."""
    import hashlib

    return hashlib.sha1(activity.model_dump_json(exclude=_VOLATILE).encode()).hexdigest()


def merge_organization(stored: Organization, found: Organization) -> Organization | None:
    """The stored association with what a source now says of it (what an earlier source knew
    and this one does not is kept); None when that changes nothing but the fetch time."""
    merged = stored.model_copy(update={k: v for k, v in found.model_dump().items()
                                       if v is not None})
    volatile: Any = {"source": {"fetched_at"}}
    return None if merged.model_dump(exclude=volatile) == stored.model_dump(
        exclude=volatile) else merged


#: Statuses a crawl does not undo: merged (only the merge step changes it) and removed (an
#: approved removal request; only an operator undoes it).
_KEPT = frozenset({Status.merged, Status.removed})


def carry_over(old: Activity, new: Activity) -> Activity:
    """What a re-crawled record keeps of the stored one: its history (first_seen) and a
    status the crawl does not decide (merged, removed). A stale record seen again is active
    again."""
    update: dict[str, Any] = {"first_seen": min(old.first_seen, new.first_seen)}
    if old.status in _KEPT and new.status is Status.active:
        update["status"] = old.status
    return new.model_copy(update=update)


class IndexBackend(Protocol):
    """One index: SQLite embedded by default, a search engine at scale."""

    name: str

    def upsert(self, activities: Iterable[Activity]) -> WriteStats: ...
    def upsert_organizations(self, organizations: Iterable[Organization]) -> WriteStats: ...
    def delete(self, ids: Iterable[str]) -> int: ...
    def get(self, activity_id: str) -> Activity | None: ...
    def get_organization(self, org_id: str) -> Organization | None: ...
    def organization_activities(self, org_id: str) -> list[Activity]: ...
    def search_organizations(self, text: str, limit: int = 20, offset: int = 0
                             ) -> OrganizationResult:
        """Associations whose name holds every typed word (`name_matches`), by name; also
        those known only as the organiser named on activities."""
        ...
    def search(self, query: SearchQuery) -> SearchResult: ...
    def refresh_next_starts(self, now: datetime, limit: int | None = None) -> int:
        """Bring stored next starts up to `now` (the sweep calls it after every run);
        how many were recomputed. A backend that computes them at search time does
        nothing."""
        ...
    def count(self) -> int: ...
    def set_status(self, ids: Iterable[str], status: Status) -> int: ...
    def source_last_seen(self, source_name: str) -> dict[str, tuple[datetime, Status]]: ...
    def all_activities(self) -> Iterator[Activity]: ...
    def close(self) -> None: ...

    # The merge step's look-ups (`records.merging.merge_changed`): the records around the
    # ones a crawl changed, without reading the whole index.
    def get_many(self, ids: Iterable[str]) -> dict[str, Activity]:
        """The stored activities with these ids, by id (ids not stored are left out)."""
        ...
    def records_near(self, reach: Reach) -> list[Activity]:
        """Every activity (any status) with a point inside `reach.box` or of the town
        `reach.town` (`normalize.matching.town_key`; only those without a precise point when
        `reach.coarse_only`), whose title's index terms hold one of `reach.words`. May hold
        more, never less: the merge step compares them itself."""
        ...
    def merged_with(self, member_ids: Iterable[str]) -> list[Activity]:
        """The merged records (any status) listing any of these ids among their members."""
        ...
