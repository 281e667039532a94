"""The search's parameters, declared once (`SearchParams`): the API's query parameters, the
page's form and `fkort search` are all made from it. And what people type there (Danish
weekdays, "lat,lon", an address) made into a `SearchQuery`."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from index import SearchQuery, Sort
from index.contract import MAX_RADIUS_KM, TOTAL_EXACT_UP_TO
from normalize.category import CATEGORY_LABELS
from normalize.geo import read_point
from normalize.geo.postcodes import bare_postcode

#: Weekday names and abbreviations, Danish and English, to 0 = Monday.
WEEKDAYS = {
    "mandag": 0, "man": 0, "monday": 0, "mon": 0, "mo": 0,
    "tirsdag": 1, "tir": 1, "tuesday": 1, "tue": 1, "tu": 1,
    "onsdag": 2, "ons": 2, "wednesday": 2, "wed": 2, "we": 2,
    "torsdag": 3, "tor": 3, "thursday": 3, "thu": 3, "th": 3,
    "fredag": 4, "fre": 4, "friday": 4, "fri": 4, "fr": 4,
    "lørdag": 5, "lør": 5, "saturday": 5, "sat": 5, "sa": 5,
    "søndag": 6, "søn": 6, "sunday": 6, "sun": 6, "su": 6,
}
#: Parts of the day as people write them (Danish and English), to the query's names. The hour
#: bands behind them are defined once, in `normalize.schedule.DAY_PARTS`.
TIMES_OF_DAY = {
    "formiddag": "formiddag", "morgen": "formiddag", "morning": "formiddag",
    "eftermiddag": "eftermiddag", "afternoon": "eftermiddag",
    "aften": "aften", "evening": "aften",
}


class ParamError(ValueError):
    """A parameter people can fix; carries a Danish and an English message (never the value)."""

    def __init__(self, param: str, da: str, en: str, key: str | None = None) -> None:
        super().__init__(en)
        self.param, self.da, self.en = param, da, en
        #: Which of the page's messages fits (`formatting.FORM_ERRORS`); default the param.
        self.key = key or param


def parse_point(near: str) -> tuple[float, float]:
    """"56.36,8.62" → (56.36, 8.62). Anything else is a ParamError that does not repeat it.

    >>> parse_point(" 56.36, 8.62")
    (56.36, 8.62)
    """
    point = read_point(near)
    if point is None:
        raise ParamError(
            "near",
            "near skal være et punkt skrevet som breddegrad,længdegrad (fx 56.36,8.62).",
            "near must be a point written as lat,lon (e.g. 56.36,8.62).",
        )
    lat, lon = point
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ParamError("near", "near ligger uden for jorden (breddegrad ±90, længdegrad ±180).",
                         "near is off the globe (lat ±90, lon ±180).")
    return lat, lon


def split_list(values: list[str] | None) -> list[str]:
    """Repeated and comma-separated values, as one list: ["a,b", "c"] → ["a", "b", "c"]."""
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def parse_weekdays(values: list[str] | None) -> list[int]:
    days: list[int] = []
    for v in split_list(values):
        key = v.casefold()
        if key.isascii() and key.isdigit() and len(key) <= 3 and int(key) <= 6:  # not "¹"
            days.append(int(key))
        elif key in WEEKDAYS:
            days.append(WEEKDAYS[key])
        else:
            raise ParamError(
                "weekday",
                "weekday skal være en ugedag, fx tirsdag eller 1 (0 = mandag).",
                "weekday must be a day name such as tirsdag/tuesday, or 0-6 (0 = Monday).",
            )
    return sorted(set(days))


def parse_time_of_day(values: list[str] | None) -> list[str]:
    """Parts of the day as people write them, as the query names them.

    >>> parse_time_of_day(["Aften", "formiddag,evening"])
    ['aften', 'formiddag']
    """
    parts: set[str] = set()
    for v in split_list(values):
        key = v.casefold()
        if key not in TIMES_OF_DAY:
            raise ParamError(
                "time_of_day",
                "time_of_day skal være formiddag, eftermiddag eller aften.",
                "time_of_day must be formiddag (morning), eftermiddag (afternoon) or aften "
                "(evening).",
            )
        parts.add(TIMES_OF_DAY[key])
    return sorted(parts)


def resolve_near(near: str, geocoder: Any) -> Any:
    """The point for a `near` text (an address, postcode, town or lat,lon), or a ParamError
    that does not repeat what was typed."""
    found = geocoder.resolve_query(near)
    if found is None and bare_postcode(near) is not None:
        raise ParamError(
            "near",
            "Postnummeret i near findes ikke. Skriv et dansk postnummer (fx 7500), en adresse "
            "med postnummer, en by eller et punkt som breddegrad,længdegrad (fx 56.36,8.62).",
            "The postcode in near does not exist. Give a Danish postcode (e.g. 7500), an "
            "address with postcode, a town or a point as lat,lon (e.g. 56.36,8.62).",
            key="near_postcode",
        )
    if found is None:
        raise ParamError(
            "near",
            "Vi kunne ikke finde stedet i near. Skriv en adresse med postnummer, et postnummer, "
            "en by eller et punkt som breddegrad,længdegrad (fx 56.36,8.62).",
            "near could not be found. Give an address with postcode, a postcode, a town or a "
            "point as lat,lon (e.g. 56.36,8.62).",
        )
    return found


class SearchParams(BaseModel):
    """One search as people ask for it. Soft filters (see `index.filters`) say what the
    citizen needs or wishes; a listing that does not say is kept, after the ones that fit."""

    near: str | None = Field(
        None, max_length=200,
        description="Where to search from: an address with postcode, a postcode, a town, or "
        "lat,lon (e.g. 56.36,8.62). Used for this search only; never stored or logged.")
    radius_km: float | None = Field(None, gt=0, le=MAX_RADIUS_KM,
                                    description="Within this distance.")
    q: str | None = Field(None, max_length=200, description="Free text, Danish.")
    age: int | None = Field(None, ge=0, le=120, description="The citizen's age.")
    max_price: float | None = Field(None, ge=0, le=100_000,
                                    description="At most this price, in kroner.")
    free: bool | None = Field(None, description="Only free activities.")
    wheelchair: bool | None = Field(None, description="Needs wheelchair access.")
    step_free: bool | None = Field(None, description="Needs step-free access.")
    hearing_loop: bool | None = Field(None, description="Needs a hearing loop.")
    categories: list[str] | None = Field(None, description="Category slugs (any of).")
    weekday: list[str] | None = Field(None, description="Weekdays: tirsdag, 1, ...")
    time_of_day: list[str] | None = Field(
        None,
        description="Parts of the day, by local start time (any of): formiddag (06-12), "
        "eftermiddag (12-17), aften (17-24). An activity whose clock time is not stated "
        "counts as unknown, not as a misfit.")
    drop_in: bool | None = Field(None, description="No sign-up needed.")
    municipality: str | None = Field(None, max_length=100,
                                     description="Only in this municipality.")
    strict: bool = Field(False, description="Keep only stated fits, not unknowns.")
    sort: Sort | None = Field(None, description="distance, relevance or next.")
    limit: int = Field(20, ge=1, le=100, description="Hits per page.")
    offset: int = Field(0, ge=0, le=10_000, description="Hits to skip.")
    facets: bool = Field(
        False, description="Also count the hits per category (under every filter but "
        "categories), in `facets`. Off unless asked: it costs a pass over every hit.")
    exact_count: bool = Field(
        False, description="Count every hit, however many. Without it `count` is exact up "
        f"to {TOTAL_EXACT_UP_TO} and `count_exact` says whether it is (counting thousands of "
        "hits near a big town costs more than the page itself). With `facets` the count is "
        "always exact.")

    def to_query(self, geocoder: Any = None, limit: int | None = None
                 ) -> tuple[SearchQuery, Any]:
        """The query, and how its point was found (precision and provider; never the text).
        `limit`, when given, is the page size instead of `self.limit`."""
        lat = lon = origin = None
        if self.near is not None and self.near.strip():
            if geocoder is None or read_point(self.near) is not None:
                lat, lon = parse_point(self.near)
            else:
                origin = resolve_near(self.near, geocoder)
                lat, lon = origin.lat, origin.lon
        if self.radius_km is not None and lat is None:
            raise ParamError("radius_km", "radius_km kræver near (et punkt at måle fra).",
                             "radius_km needs near (a point to measure from).")
        categories = split_list(self.categories)
        if any(c not in CATEGORY_LABELS for c in categories):
            raise ParamError(
                "categories",
                "Ukendt kategori. Se /v1/categories for de gyldige.",
                "Unknown category. See /v1/categories for valid ones.",
            )
        query = SearchQuery(
            **self.model_dump(exclude=_READ),
            text=_stripped(self.q), lat=lat, lon=lon, categories=categories,
            weekdays=parse_weekdays(self.weekday), time_of_day=parse_time_of_day(self.time_of_day),
            municipality=_stripped(self.municipality),
            limit=self.limit if limit is None else limit, exact_total=self.exact_count,
        )
        return query, origin


#: Parameters read into something else (the rest go to the `SearchQuery` as they are).
_READ = {"near", "q", "categories", "weekday", "time_of_day", "municipality", "limit",
         "exact_count"}


def _stripped(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def value_type(field: FieldInfo) -> Any:
    """A parameter's type without None: bool, int, float, str, an Enum, or list (of str)."""
    kinds = [k for k in get_args(field.annotation) if k is not type(None)]
    kind = kinds[0] if kinds else field.annotation
    return list if get_origin(kind) is list else kind


def max_length(field: FieldInfo) -> int | None:
    """A text parameter's longest value."""
    return next((m.max_length for m in field.metadata if hasattr(m, "max_length")), None)
