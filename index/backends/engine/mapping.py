"""The search engines' index: its settings, the mapping (the soft filters' fields made from
`index.filters`) and the document written for each activity.

Documents carry the same Danish index terms as the embedded backend (`normalize.analysis`),
so free text matches the same activities on every backend; the `danish`-analysed text
fields add relevance.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from core.schema import Activity, ScheduleKind
from core.text import fold
from index.contract import content_hash
from index.filters import STORED_RULES, AnyOf, AtMost, Flag, Span
from normalize import analysis, schedule
from normalize.matching import precise_point, town_key

#: Stated yes/no fields stored beside the soft filters' own (not filters yet).
ALSO_STORED = ("accessible_toilet", "parking")
#: Occurrences stored per activity, for "next" (re-computed at each write).
OCCURRENCES = 30
#: Settings of an index while a rebuild fills it (nobody searches it yet): no periodic
#: refresh, the translog flushed in the background. `LIVE_SETTINGS` puts them back.
BULK_LOAD_SETTINGS: dict[str, Any] = {"refresh_interval": "-1",
                                      "translog.durability": "async"}
LIVE_SETTINGS: dict[str, Any] = {"refresh_interval": None, "translog.durability": "request"}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {"analyzer": {"terms": {"type": "custom", "tokenizer": "whitespace"}}},
}


def known_field(span: Span) -> str:
    """A `Span`'s "either end is stated" field (range fields have no values for scripts)."""
    return f"{span.field}_known"


def _filter_mapping() -> dict[str, Any]:
    """The soft filters' fields, as `index.filters` declares them."""
    fields: dict[str, Any] = {}
    for rule in STORED_RULES:
        match rule:
            case Flag():
                fields[rule.field] = {"type": "boolean"}
            case Span():
                fields[rule.field] = {"type": "integer_range"}
                fields[known_field(rule)] = {"type": "boolean"}
            case AtMost():  # kroner and øre
                fields[rule.field] = {"type": "scaled_float", "scaling_factor": 100}
            case AnyOf():
                numbers = all(isinstance(c, int) for c in rule.choices)
                fields[rule.field] = {"type": "integer" if numbers else "keyword"}
    return fields


MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        "doc": {"type": "object", "enabled": False},
        "title": {"type": "text", "analyzer": "danish",
                  "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
        "body": {"type": "text", "analyzer": "danish"},
        "terms_title": {"type": "text", "analyzer": "terms", "index_prefixes": {}},
        "terms_body": {"type": "text", "analyzer": "terms", "index_prefixes": {}},
        "location": {"type": "geo_point"},
        **{flag: {"type": "boolean"} for flag in ALSO_STORED},
        "organizer_fold": {"type": "keyword"},
        # Written by older versions (indexed dates); read only where `starts` is missing.
        "occurrences": {"type": "date"},
        # The next starts as epoch milliseconds, for the "next" sort script only: doc values,
        # not indexed (indexing 30 dates a document was a third of the engine's bulk work).
        "starts": {"type": "long", "index": False},
        "last_start": {"type": "date"},
        "categories": {"type": "keyword"},
        "municipality": {"type": "keyword"},
        "source_kind": {"type": "keyword"},
        "source_name": {"type": "keyword"},
        "organization_id": {"type": "keyword"},
        # For the merge step's neighbours (`records_near`, `merged_with`).
        "town": {"type": "keyword"},
        "precise": {"type": "boolean"},
        "merged_from": {"type": "keyword"},
        "status": {"type": "keyword"},
        "event_status": {"type": "keyword"},
        "content_hash": {"type": "keyword"},
        **_filter_mapping(),
    },
}
ORG_MAPPING: dict[str, Any] = {"dynamic": False, "properties": {
    "id": {"type": "keyword"}, "name": {"type": "text", "analyzer": "danish"},
    "name_fold": {"type": "keyword"},
    "doc": {"type": "object", "enabled": False}}}


def utc(dt: datetime | None) -> str | None:
    """A time as the engine gets it: UTC, ISO, to the second."""
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _filter_values(a: Activity) -> dict[str, Any]:
    """An activity's soft-filter fields; None (left out) where the listing does not say."""
    values: dict[str, Any] = {}
    for rule in STORED_RULES:
        match rule:
            case Flag() | AtMost():
                values[rule.field] = rule.read(a)
            case Span():
                low, high = rule.read(a)
                ends = {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}
                values[rule.field] = ends or None
                values[known_field(rule)] = bool(ends)
            case AnyOf():
                values[rule.field] = sorted(rule.read(a)) or None
    return values


def to_document(a: Activity, now: datetime, digest: str | None = None) -> dict[str, Any]:
    """The engine's document for an activity (`digest`: its `content_hash`, when the caller
    has it already)."""
    return {**indexed_fields(a, now, digest), "doc": a.model_dump(mode="json")}


def document_json(a: Activity, now: datetime, digest: str | None = None) -> str:
    """`to_document` as JSON, the stored record written by pydantic's own serializer (the
    bulk path: a third cheaper than building the nested dictionary and dumping it again)."""
    head = json.dumps(indexed_fields(a, now, digest), ensure_ascii=False)
    return f'{head[:-1]}, "doc": {a.model_dump_json()}}}'


def indexed_fields(a: Activity, now: datetime, digest: str | None = None) -> dict[str, Any]:
    """Every field of the document but the stored record itself (`doc`)."""
    loc, sch = a.location, a.schedule
    body = " ".join(t for t in (a.description, a.organizer.name, loc.name, loc.city,
                                " ".join(a.categories)) if t)
    # From the first meeting of any rule (a further rule may start before the first one).
    after = now if sch.start is None else min(now, sch.start, *(
        r.start for r in sch.rules if sch.kind is ScheduleKind.recurring and sch.rrule))
    starts = schedule.next_start_millis(sch, after, OCCURRENCES)
    doc: dict[str, Any] = {
        "id": a.id,
        "title": a.title,
        "body": body,
        "terms_title": analysis.index_terms(a.title),
        "terms_body": analysis.index_terms(body),
        "location": {"lat": loc.lat, "lon": loc.lon} if loc.lat is not None else None,
        **{flag: getattr(a.accessibility, flag) for flag in ALSO_STORED},
        "organizer_fold": fold(a.organizer.name) if a.organizer.name else None,
        "starts": starts or None,
        "last_start": utc(schedule.last_start(sch)),
        "categories": a.categories,
        "municipality": loc.municipality.casefold() if loc.municipality else None,
        "source_kind": a.source.kind.value,
        "source_name": a.source.name,
        "organization_id": a.organization_id,
        "town": town_key(a) or None,
        "precise": precise_point(a),
        "merged_from": a.merged_from or None,
        "status": a.status.value,
        "event_status": a.event_status.value,
        "content_hash": digest or content_hash(a),
        **_filter_values(a),
    }
    return {k: v for k, v in doc.items() if v is not None}
