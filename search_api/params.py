"""Query parameters as people type them (Danish weekdays, "lat,lon") into a `SearchQuery`."""

from __future__ import annotations

from typing import Any

from index import SearchQuery, Sort
from normalize.geo import read_point

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

    def __init__(self, param: str, da: str, en: str) -> None:
        super().__init__(en)
        self.param, self.da, self.en = param, da, en


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
        if key.isdigit() and 0 <= int(key) <= 6:
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
    """>>> parse_time_of_day(["Aften", "formiddag,evening"])
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
    if found is None:
        raise ParamError(
            "near",
            "Vi kunne ikke finde stedet i near. Skriv en adresse med postnummer, et postnummer, "
            "en by eller et punkt som breddegrad,længdegrad (fx 56.36,8.62).",
            "near could not be found. Give an address with postcode, a postcode, a town or a "
            "point as lat,lon (e.g. 56.36,8.62).",
        )
    return found


def build_query(
    *,
    near: str | None,
    radius_km: float | None,
    q: str | None,
    age: int | None,
    max_price: float | None,
    free: bool | None,
    wheelchair: bool | None,
    step_free: bool | None,
    hearing_loop: bool | None,
    categories: list[str] | None,
    weekday: list[str] | None,
    drop_in: bool | None,
    municipality: str | None,
    strict: bool,
    sort: Sort | None,
    limit: int,
    offset: int,
    known_categories: set[str],
    geocoder: Any = None,
    time_of_day: list[str] | None = None,
) -> tuple[SearchQuery, Any]:
    """The query, and how its point was found (precision and provider; never the text)."""
    lat = lon = None
    origin = None
    if near is not None and near.strip():
        if geocoder is None or read_point(near) is not None:
            lat, lon = parse_point(near)
        else:
            origin = resolve_near(near, geocoder)
            lat, lon = origin.lat, origin.lon
    if radius_km is not None and lat is None:
        raise ParamError("radius_km", "radius_km kræver near (et punkt at måle fra).",
                         "radius_km needs near (a point to measure from).")
    cats = split_list(categories)
    unknown = [c for c in cats if c not in known_categories]
    if unknown:
        raise ParamError(
            "categories",
            "Ukendt kategori. Se /v1/categories for de gyldige.",
            "Unknown category. See /v1/categories for valid ones.",
        )
    query = SearchQuery(
        text=q.strip() if q and q.strip() else None,
        lat=lat, lon=lon, radius_km=radius_km, age=age, max_price=max_price, free=free,
        wheelchair=wheelchair, step_free=step_free, hearing_loop=hearing_loop,
        categories=cats, weekdays=parse_weekdays(weekday),
        time_of_day=parse_time_of_day(time_of_day), drop_in=drop_in,
        municipality=municipality.strip() if municipality and municipality.strip() else None,
        strict=strict, sort=sort, limit=limit, offset=offset,
    )
    return query, origin

