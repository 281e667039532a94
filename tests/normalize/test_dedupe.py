"""Duplicate detection and merging on hand-made records: what is one activity, what is two."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.schema import Activity, SourceKind, activity_id
from normalize.matching import Cluster, compare, find_clusters
from normalize.merging import merge
from tests.index.corpus import TZ, make

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
LIBRARY = (56.4906, 8.5887)
HARBOUR = (56.4919, 8.5963)


def rec(source: str, kind: str, key: str, title: str, **fields: Any) -> Activity:
    a = make(key, title, **fields)
    return a.model_copy(update={
        "id": activity_id(source, key),
        "source": a.source.model_copy(update={"name": source, "kind": SourceKind(kind)}),
        "location": a.location.model_copy(update={"city": "Struer", "municipality": "Struer"}),
    })


def walk(source: str, kind: str, title: str, **fields: Any) -> Activity:
    return rec(source, kind, "walk", title, at=HARBOUR, **fields)


def test_look_alikes_at_the_same_place_and_time_are_different() -> None:
    strik = rec("kommune", "municipal", "s", "Strikkecafé på biblioteket", at=LIBRARY,
                description="Tag dit strikketøj med og strik sammen med andre i caféen.")
    lektie = rec("portal", "portal", "l", "Lektiecafé på biblioteket", at=LIBRARY,
                 description="Frivillige hjælper skoleelever med lektierne hver uge.")
    ev = compare(strik, lektie, NOW)
    assert ev.place.endswith("km apart") and ev.time.startswith("both on")
    assert not ev.same, ev.explain()


def test_the_same_name_on_another_day_or_in_another_town_is_different() -> None:
    a = walk("kommune", "municipal", "Gåtur langs fjorden")
    thursday = walk("portal", "portal", "Gåtur langs fjorden",
                    schedule={"rrule": "FREQ=WEEKLY;BYDAY=TH"})
    assert compare(a, thursday, NOW).time == "no common occurrence"
    assert not compare(a, thursday, NOW).same
    far = rec("portal", "portal", "w", "Gåtur langs fjorden", at=(56.36, 8.62))
    assert not compare(a, far, NOW).same
    assert compare(a, walk("portal", "portal", "Gåtur langs fjorden"), NOW).same


def test_an_unknown_time_needs_near_identical_words() -> None:
    a = walk("kommune", "municipal", "Gå-klubben ved Limfjorden")
    unknown = {"kind": "unknown", "start": None, "end": None, "rrule": None}
    same = walk("portal", "portal", "Gå-klubben ved Limfjorden", schedule=unknown)
    other = walk("portal", "portal", "Gåtur for alle", schedule=unknown)
    assert compare(a, same, NOW).same and compare(a, same, NOW).threshold == 88
    assert not compare(a, other, NOW).same


def test_a_cluster_never_holds_two_records_of_one_source() -> None:
    # The municipality lists the walk twice (two pages); the portal once.
    one = walk("kommune", "municipal", "Gåtur langs fjorden")
    two = rec("kommune", "municipal", "walk2", "Gåtur langs fjorden", at=HARBOUR)
    portal = walk("portal", "portal", "Gåtur langs fjorden")
    clusters, _ = find_clusters([one, two, portal], NOW)
    assert len(clusters) == 1 and len(clusters[0].members) == 2
    assert {m.source.name for m in clusters[0].members} == {"kommune", "portal"}


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_clusters_do_not_depend_on_the_order_of_the_records(rnd: random.Random) -> None:
    records = [
        walk("kommune", "municipal", "Gå-klubben ved Limfjorden"),
        walk("portal", "portal", "Gåtur langs Limfjorden – hver tirsdag"),
        walk("facebook", "facebook", "Gå-klub ved Limfjorden"),
        rec("kommune", "municipal", "s", "Strikkecafé", at=LIBRARY),
        rec("portal", "portal", "s2", "Strikkecafé på biblioteket", at=LIBRARY),
        rec("facebook", "facebook", "l", "Lektiecafé", at=LIBRARY),
    ]
    expected = [c.ids for c in find_clusters(records, NOW)[0]]
    rnd.shuffle(records)
    assert [c.ids for c in find_clusters(records, NOW)[0]] == expected
    assert len(expected) == 2


def test_the_merged_record_takes_the_most_precise_value_of_each_field() -> None:
    kommune = walk("kommune", "municipal", "Gå-klubben ved Limfjorden",
                   price={"is_free": None, "amount_dkk": None})
    portal = rec("portal", "portal", "walk", "Gåtur langs Limfjorden",
                 price={"is_free": True, "text": "Gratis"},
                 accessibility={"wheelchair": True, "text": "Ruten er flad og asfalteret"},
                 description="En længere beskrivelse af turen, ruten og kaffen bagefter.")
    portal = portal.model_copy(update={"location": portal.location.model_copy(
        update={"precision": "town", "lat": 56.49, "lon": 8.59})})
    m = merge(Cluster([kommune, portal]), "merged:x", NOW)
    assert m.title == kommune.title and m.source == kommune.source
    assert m.location == kommune.location and m.provenance["location"] == kommune.id
    assert m.price.is_free is True and m.provenance["price"] == portal.id
    assert m.accessibility.wheelchair is True
    assert m.provenance["accessibility.wheelchair"] == portal.id
    assert m.description == portal.description
    assert m.merged_from == [kommune.id, portal.id] and len(m.sources) == 2


def test_a_place_at_its_postcodes_point_matches_by_town() -> None:
    """Offline, a listing without coordinates stands at its postcode's point (7600's, 2 km from
    the harbour): the same walk there is the same walk, as it was at the town's centre."""
    a = walk("kommune", "municipal", "Gåtur langs fjorden")
    b = rec("portal", "portal", "w", "Gåtur langs fjorden")
    b = b.model_copy(update={"location": b.location.model_copy(
        update={"precision": "postcode", "lat": 56.4925, "lon": 8.5722, "postcode": "7600"})})
    ev = compare(a, b, NOW)
    assert ev.place.startswith("same town") and ev.same, ev.explain()
