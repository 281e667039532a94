"""The brobygger's search form: what was typed, checked field by field, into a search.

Its fields are the search's parameters (`SearchParams`), less paging and municipality: text
and numbers as typed, lists, and checkboxes. The form is posted (never sent as GET), so the
citizen's address stays out of URLs, browser history and logs. Messages name the field and
say how to fix it (`formatting.FORM_ERRORS`), and never repeat the value.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from index import SearchQuery
from search_api.formatting import FORM_ERRORS
from search_api.params import ParamError, SearchParams, max_length, value_type

#: Parameters the page does not ask for.
_NOT_ON_PAGE = ("municipality", "limit", "offset", "facets", "exact_count")
#: The form's fields: the search's parameters as the page asks for them.
FIELDS: dict[str, FieldInfo] = {name: field for name, field in SearchParams.model_fields.items()
                                if name not in _NOT_ON_PAGE}
#: Fields that only shape a search (how far, in which order, how strictly): filled in
#: alone, they ask for nothing.
_SHAPING = ("radius_km", "sort", "strict")
#: Longest number or choice kept as typed (text fields keep their parameter's longest).
_TYPED_MAX = 12
SORTS = {"": "Automatisk (afstand, når der er en adresse)", "distance": "Afstand",
         "relevance": "Bedst match på fritekst", "next": "Næste dato"}
DEFAULT_RADIUS = "10"
#: The page shows at most this many hits.
PAGE_SIZE = 30


def _blank(field: FieldInfo) -> Any:
    kind = value_type(field)
    return False if kind is bool else [] if kind is list else ""


class SearchForm:
    """The form's values as typed (text as strings, lists, checkboxes as booleans), one per
    field of `FIELDS`, so the page can show them back unchanged: `form.near`."""

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise TypeError(f"not fields of the form: {sorted(unknown)}")
        self.values: dict[str, Any] = {name: _blank(f) for name, f in FIELDS.items()}
        self.values["radius_km"] = DEFAULT_RADIUS
        self.values.update(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def from_form(cls, data: Any) -> SearchForm:
        """From posted form data (a starlette FormData or any mapping with getlist)."""
        values: dict[str, Any] = {}
        for name, field in FIELDS.items():
            kind = value_type(field)
            if kind is bool:
                values[name] = data.get(name) == "true"
            elif kind is list:
                values[name] = [v[:40] for v in data.getlist(name) if isinstance(v, str)][:20]
            else:
                value = data.get(name)
                longest = max_length(field) or _TYPED_MAX
                values[name] = value.strip()[:longest] if isinstance(value, str) else ""
        values["radius_km"] = values["radius_km"] or DEFAULT_RADIUS
        return cls(**values)

    @property
    def asks_anything(self) -> bool:
        """Whether anything beyond the defaults was filled in (else: just show the form)."""
        return any(value for name, value in self.values.items() if name not in _SHAPING)


class FormErrors(Exception):
    """One Danish message per field that needs fixing."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _message(name: str) -> str:
    return FORM_ERRORS.get(name, "Ret venligst feltet.")


def _number(value: str) -> float:
    return float(value.replace(" ", "").replace(",", "."))


def _read(field: FieldInfo, typed: Any) -> Any:
    """A field's value for `SearchParams`: numbers read as people write them ("2,5"); what
    was left empty or unticked is None (a checkbox that defaults to no stays a bool)."""
    kind = value_type(field)
    if kind is bool:
        return typed if field.default is not None else (typed or None)
    if kind is list or not typed:
        return typed or None
    if kind is int:
        return int(typed)
    if kind is float:
        return _number(typed)
    return typed


def to_query(form: SearchForm, geocoder: Any) -> tuple[SearchQuery, Any]:
    """The search for this form and how its point was found; FormErrors when fields are off."""
    errors: dict[str, str] = {}
    given: dict[str, Any] = {}
    for name, field in FIELDS.items():
        if name == "radius_km" and not form.near:
            continue  # a distance counts only from a place
        try:
            given[name] = _read(field, form.values[name])
        except ValueError:
            errors[name] = _message(name)
    try:
        params = SearchParams.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        errors.update({str(e["loc"][0]): _message(str(e["loc"][0])) for e in exc.errors()})
    if errors:
        raise FormErrors(errors)
    try:
        query, origin = params.to_query(geocoder, limit=PAGE_SIZE)
    except ParamError as exc:
        raise FormErrors({exc.param: FORM_ERRORS.get(exc.key, exc.da)}) from None
    # The page shows how many hits each interest would give: it asks for the facets.
    return query.model_copy(update={"facets": True}), origin
