"""The brobygger's search form: what was typed, checked field by field, into a search.

The form is posted (never sent as GET), so the citizen's address stays out of URLs, browser
history and logs. Messages name the field and say how to fix it, and never repeat the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index import SearchQuery, Sort
from normalize.category import CATEGORY_LABELS
from search_api.params import ParamError, build_query

#: Longest value kept per text field; the rest is cut before anything else sees it.
_MAX = {"near": 200, "q": 200, "radius_km": 10, "age": 5, "max_price": 10, "sort": 12}
FLAGS = ("free", "wheelchair", "step_free", "hearing_loop", "drop_in", "strict")
SORTS = {"": "Automatisk (afstand, når der er en adresse)", "distance": "Afstand",
         "relevance": "Bedst match på fritekst", "next": "Næste dato"}
DEFAULT_RADIUS = "10"
#: The page shows at most this many hits.
PAGE_SIZE = 30


@dataclass
class SearchForm:
    """The form's values as typed (strings), so the page can show them back unchanged."""

    near: str = ""
    radius_km: str = DEFAULT_RADIUS
    q: str = ""
    age: str = ""
    max_price: str = ""
    sort: str = ""
    categories: list[str] = field(default_factory=list)
    weekday: list[str] = field(default_factory=list)
    time_of_day: list[str] = field(default_factory=list)
    free: bool = False
    wheelchair: bool = False
    step_free: bool = False
    hearing_loop: bool = False
    drop_in: bool = False
    strict: bool = False

    @classmethod
    def from_form(cls, data: Any) -> SearchForm:
        """From posted form data (a starlette FormData or any mapping with getlist)."""

        def text(key: str) -> str:
            value = data.get(key)
            return value.strip()[: _MAX[key]] if isinstance(value, str) else ""

        def many(key: str) -> list[str]:
            return [v[:40] for v in data.getlist(key) if isinstance(v, str)][:20]

        return cls(
            near=text("near"), radius_km=text("radius_km") or DEFAULT_RADIUS, q=text("q"),
            age=text("age"), max_price=text("max_price"), sort=text("sort"),
            categories=many("categories"), weekday=many("weekday"),
            time_of_day=many("time_of_day"),
            **{f: data.get(f) == "true" for f in FLAGS},
        )

    @property
    def asks_anything(self) -> bool:
        """Whether anything beyond the defaults was filled in (else: just show the form)."""
        return any((self.near, self.q, self.age, self.max_price, self.categories, self.weekday,
                    self.time_of_day, *(getattr(self, f) for f in FLAGS if f != "strict")))


class FormErrors(Exception):
    """One Danish message per field that needs fixing."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _number(value: str) -> float:
    return float(value.replace(" ", "").replace(",", "."))


def to_query(form: SearchForm, geocoder: Any, max_radius_km: float) -> tuple[SearchQuery, Any]:
    """The search for this form and how its point was found; FormErrors when fields are off."""
    errors: dict[str, str] = {}
    radius = age = price = None
    if form.near:
        try:
            radius = _number(form.radius_km)
            if not 0 < radius <= max_radius_km:
                raise ValueError
        except ValueError:
            errors["radius_km"] = (f"Afstanden skal være et tal i km, over 0 og højst "
                                   f"{max_radius_km:g}.")
    if form.age:
        try:
            age = int(form.age)
            if not 0 <= age <= 120:
                raise ValueError
        except ValueError:
            errors["age"] = "Alderen skal være et helt tal fra 0 til 120."
    if form.max_price:
        try:
            price = _number(form.max_price)
            if not 0 <= price <= 100_000:
                raise ValueError
        except ValueError:
            errors["max_price"] = "Højst-prisen skal være et beløb i kroner, 0 eller mere."
    if form.sort not in SORTS:
        errors["sort"] = "Vælg en af sorteringerne på listen."
    if errors:
        raise FormErrors(errors)
    try:
        return build_query(
            near=form.near or None, radius_km=radius, q=form.q or None, age=age,
            max_price=price, free=form.free or None, wheelchair=form.wheelchair or None,
            step_free=form.step_free or None, hearing_loop=form.hearing_loop or None,
            categories=form.categories, weekday=form.weekday, drop_in=form.drop_in or None,
            municipality=None, strict=form.strict, sort=Sort(form.sort) if form.sort else None,
            limit=PAGE_SIZE, offset=0, known_categories=set(CATEGORY_LABELS), geocoder=geocoder,
            time_of_day=form.time_of_day or None,
        )
    except ParamError as exc:
        raise FormErrors({exc.param: _PAGE_MESSAGES.get(exc.param, exc.da)}) from None


#: The page's own words for the API's parameter errors (they name API parameters).
_PAGE_MESSAGES = {
    "near": "Vi kunne ikke finde stedet. Skriv en adresse med postnummer (fx Nørregade 3, "
            "7500 Holstebro), et postnummer, en by eller et punkt (fx 56.36,8.62).",
    "categories": "Vælg interesserne på listen.",
    "weekday": "Vælg dagene på listen.",
    "time_of_day": "Vælg tid på dagen på listen.",
}
