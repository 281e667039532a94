"""The search's answer as the API sends it: the JSON of `ActivitiesPublic`, byte for byte,
written from the index's activities without building an `ActivityPublic` per hit.

Building a hit's model cost more than the search itself on a page of 20 (pydantic checks
every part of the activity again, and runs its validators again, although the index has just
read them as valid records), and FastAPI then checked and dumped the whole answer once more.
Here each activity is dumped by `Activity`'s own serializer, and the fields a hit adds
(`HIT_FIELDS`, read from `ActivityPublic`, so the two cannot drift apart) by a serializer of
those fields only, joined where the model would have put them: the same bytes, in the same
order (tests/search_api/test_answer.py compares them with the model's own dump).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from core.schema import Activity
from index import SearchResult
from normalize.category import CATEGORY_LABELS
from search_api import formatting
from search_api.models import ActivitiesPublic, ActivityPublic, CategorySuggestion, NearPublic
from search_api.upcoming import UPCOMING

#: The fields a hit has beyond its activity's, in `ActivityPublic`'s order.
HIT_FIELDS = {name: field for name, field in ActivityPublic.model_fields.items()
              if name not in Activity.model_fields}
_ACTIVITY = Activity.__pydantic_serializer__
#: Dumps a dict of those fields by their types (a TypedDict: no model built, nothing checked).
_HIT = TypeAdapter(TypedDict(  # type: ignore[operator]
    "HitFields", {name: field.annotation for name, field in HIT_FIELDS.items()})).serializer
_ANSWER = ActivitiesPublic.__pydantic_serializer__
#: How the answer's JSON begins when its list of hits is empty; the hits go between.
_EMPTY_DATA = b'{"data":[]'


def hit_json(activity: Activity, fields: dict[str, Any]) -> bytes:
    """One hit's JSON: the activity's fields, then the hit's own (`HIT_FIELDS`, all given)."""
    own = _HIT.to_json(fields)
    # Both are objects with fields ({"id":...} and {"distance_km":...}): one object of both.
    return _ACTIVITY.to_json(activity)[:-1] + b"," + own[1:]


def search_json(result: SearchResult, now: datetime, origin_precision: str = "address",
                near: NearPublic | None = None, activities: list[Activity] | None = None
                ) -> bytes:
    """The answer to a search, as `ActivitiesPublic(...).model_dump_json()` would write it;
    `origin_precision` is the search point's (a point given as lat,lon is exact).
    `activities`, when given, are the hits' activities to show, in the hits' order (as
    `search_api.seen.last_seen` updates them), instead of the hits' own."""
    hits = []
    shown = activities if activities is not None else [h.activity for h in result.hits]
    for hit, activity in zip(result.hits, shown, strict=True):
        place = activity.location.precision.value
        known = hit.distance_km is not None
        hits.append(hit_json(activity, {
            "distance_km": None if hit.distance_km is None else round(hit.distance_km, 2),
            "distance_approximate": (place in formatting.APPROXIMATE
                                     or origin_precision in formatting.APPROXIMATE) if known
            else None,
            "same_town": formatting.same_town(hit.distance_km, place, origin_precision)
            if known else None,
            "next_occurrences": UPCOMING.starts(activity.schedule, now, 3),
            "matched": hit.matched,
        }))
    head = _ANSWER.to_json(ActivitiesPublic(
        data=[], near=near, count=result.total, count_exact=result.total_exact,
        facets=result.facets,
        not_found=result.not_found,
        suggested_categories=[CategorySuggestion(slug=s, label=CATEGORY_LABELS.get(s, s))
                              for s in result.suggested_categories]))
    if not head.startswith(_EMPTY_DATA):  # the model's first field is no longer `data`
        raise RuntimeError("ActivitiesPublic no longer begins with its hits")
    return b'{"data":[' + b",".join(hits) + b"]" + head[len(_EMPTY_DATA):]
