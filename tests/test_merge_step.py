"""The incremental merge step: only the clusters around what a crawl changed, with the same
result as the whole-index pass; and the look-ups it needs from the search contract, on every
backend."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.clock import TZ
from core.schema import Activity, Status, activity_id
from index.contract import IndexBackend
from normalize.matching import Reach, features, reach
from records.merging import merge_changed, merge_duplicates
from tests.conftest import open_test_backend

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
SEEN = datetime(2026, 11, 20, 3, tzinfo=TZ)
#: Town, centre; offers are spread some hundred metres around it.
TOWNS = [("Struer", 56.4907, 8.5895), ("Holstebro", 56.3601, 8.6161),
         ("Nørre Nebel", 55.7847, 8.2950)]
WORDS = ["Strikkecafé", "Gåtur", "Fællesspisning", "Brætspil", "Sangaften", "Mandeklub"]
PLACES = ["Medborgerhuset", "Biblioteket", "Kirkens sal", "Aktivitetscentret"]
SOURCES = [("kommune", "municipal"), ("forening", "jsonld"), ("portal", "portal"),
           ("facebook", "facebook")]


def offer(source: int, key: str, title: str, town: int, dlat: float, dlon: float,
          day: str = "TU", hour: int = 14, precise: bool = True, **more: Any) -> Activity:
    name, kind = SOURCES[source]
    city, lat, lon = TOWNS[town]
    location: dict[str, Any] = {"name": "Medborgerhuset", "city": city,
                                "lat": lat + dlat, "lon": lon + dlon,
                                "precision": "address" if precise else "town"}
    return Activity.model_validate({
        "id": activity_id(name, key), "title": title,
        "description": more.pop("description", f"{title}. Alle er velkomne, også nye.  "
                                               "Tag en ven med, vi giver kaffe."),
        "location": location,
        "schedule": {"kind": "recurring", "start": datetime(2026, 9, 1, hour, tzinfo=TZ),
                     "rrule": f"FREQ=WEEKLY;BYDAY={day}"},
        "source": {"name": name, "kind": kind, "url": f"https://{name}.example/{key}",
                   "fetched_at": SEEN},
        "first_seen": SEEN, "last_seen": SEEN, **more})


def corpus(seed: int = 7) -> list[Activity]:
    """Offers in three towns from four sources; a third of them published again by another
    source with a reworded title (some known only to their town), and look-alikes: the same
    words at another hour or another day."""
    rng = random.Random(seed)
    out: list[Activity] = []
    for i in range(36):
        town = i % len(TOWNS)
        word, place = rng.choice(WORDS), rng.choice(PLACES)
        day, hour = rng.choice(["MO", "TU", "TH"]), rng.choice([10, 14, 19])
        dlat, dlon = rng.uniform(-0.02, 0.02), rng.uniform(-0.03, 0.03)
        first = rng.randrange(2)
        out.append(offer(first, f"o{i}", f"{word} i {place}", town, dlat, dlon, day, hour))
        if i % 3 == 0:  # the same offer on a portal or Facebook, a little off the point
            out.append(offer(2 + i % 2, f"c{i}", f"{word} – {place} ({TOWNS[town][0]})",
                             town, dlat + 0.0004, dlon - 0.0005, day, hour,
                             precise=i % 9 != 0))
        if i % 4 == 1:  # a look-alike: the same words an hour later
            out.append(offer(1 - first, f"l{i}", f"{word} i {place}", town, dlat, dlon,
                             day, hour + 1))
    return out


def state(index: IndexBackend) -> dict[str, str]:
    """Every stored record, whole."""
    return {a.id: a.model_dump_json() for a in index.all_activities()}


@pytest.fixture
def second(backend: Any, tmp_path: Path) -> Iterator[Any]:
    """Another index of the same backend as `backend`."""
    (tmp_path / "full").mkdir()
    other = open_test_backend(backend.name, tmp_path / "full")
    yield other
    if backend.name != "sqlite":
        other.client.indices.delete(index=f"{other.alias}*", ignore_unavailable=True)
    other.close()


def _edit(a: Activity, **update: Any) -> Activity:
    return a.model_copy(update=update)


def _location(a: Activity, **update: Any) -> Activity:
    return a.model_copy(update={"location": a.location.model_copy(update=update)})


def test_incremental_equals_whole_index_after_a_series_of_changes(backend: Any,
                                                                   second: Any) -> None:
    """Each step changes the same records in two indices; one is merged around the changes,
    the other over the whole index; both must then hold exactly the same records."""
    inc, full = backend, second
    records = {a.id: a for a in corpus()}
    merged_counts = []

    def step(changed: list[str], write: Sequence[Activity] = (), stale: Sequence[str] = (),
             delete: Sequence[str] = ()) -> int:
        for index in (inc, full):
            if write:
                index.upsert(write)
            if stale:
                index.set_status(stale, Status.stale)
            if delete:
                index.delete(delete)
        report = merge_changed(inc, changed, NOW)
        merge_duplicates(full, NOW)
        assert state(inc) == state(full)
        merged_counts.append(sum(1 for a in inc.all_activities()
                                 if a.merged_from and a.status is Status.active))
        return report.looked_at

    ids = sorted(records)
    step(ids, write=list(records.values()))
    assert merged_counts[-1] >= 5  # the corpus has duplicates to merge
    total = len(records) + merged_counts[-1]
    merged = [a for a in inc.all_activities() if a.merged_from and a.status is Status.active]
    three = sorted(merged, key=lambda m: m.id)

    # A member retitled so that it no longer matches: its cluster dissolves.
    member = records[three[0].merged_from[-1]]
    retitled = _edit(member, title="Foredrag om lokalhistorie", description=None)
    looked = step([member.id], write=[retitled])
    assert looked < total / 2  # only the neighbourhood was read
    assert merged_counts[-1] == merged_counts[-2] - 1

    # A new copy from another source of an offer that had none: a new cluster.
    single = next(a for _, a in sorted(records.items()) if a.source.name == "kommune"
                  and not any(a.id in m.merged_from for m in merged))
    copy = offer(3, "new1", f"{single.title} ({single.location.city})", 0, 0, 0)
    copy = _edit(_location(copy, **single.location.model_dump(exclude={"name"})),
                 schedule=single.schedule)
    step([copy.id], write=[copy])
    assert [m.merged_from for m in inc.merged_with([copy.id])] == [[single.id, copy.id]]

    # A member gone stale, another member deleted, one moved to another town.
    second_cluster = three[1]
    step([second_cluster.merged_from[0]], stale=[second_cluster.merged_from[0]])
    step([three[2].merged_from[-1]], delete=[three[2].merged_from[-1]])
    moved = records[three[3].merged_from[0]]
    step([moved.id], write=[_location(moved, city="Nørre Nebel", lat=55.7847, lon=8.2950)])

    # The stale one seen again; and the retitled member back as it was.
    back = records[second_cluster.merged_from[0]]
    step([back.id, member.id], write=[_edit(back, last_seen=SEEN + timedelta(days=1)),
                                      member])
    assert len(set(merged_counts)) > 1  # the series did change what was merged


def test_merge_step_around_an_unchanged_index_writes_nothing(backend: Any) -> None:
    records = corpus()
    backend.upsert(records)
    merge_duplicates(backend, NOW)
    before = state(backend)
    report = merge_changed(backend, [r.id for r in records[:10]], NOW)
    assert report.written == 0
    assert state(backend) == before


# -- the search contract's look-ups for the merge step --------------------------------------

def test_get_many_returns_the_stored_ones(backend: Any) -> None:
    records = corpus()[:5]
    backend.upsert(records)
    found = backend.get_many([records[0].id, records[3].id, "nowhere:1"])
    assert sorted(found) == sorted([records[0].id, records[3].id])
    assert found[records[3].id].title == records[3].title


def test_merged_with_finds_merged_records_by_member(backend: Any) -> None:
    records = corpus()
    backend.upsert(records)
    merge_duplicates(backend, NOW)
    merged = sorted((a for a in backend.all_activities() if a.merged_from),
                    key=lambda a: a.id)
    assert merged
    target = merged[0]
    assert [m.id for m in backend.merged_with([target.merged_from[-1], "nowhere:1"])] == [
        target.id]
    assert backend.merged_with(["nowhere:1"]) == []
    # Any status: a retired merged record is still found by its members.
    backend.set_status([target.id], Status.stale)
    assert [m.id for m in backend.merged_with(target.merged_from)] == [target.id]


def _reach(a: Activity) -> Reach:
    r = reach(a, features(a, NOW))
    assert r is not None
    return r


def test_records_near_by_box_town_and_title_word(backend: Any) -> None:
    here = offer(0, "a", "Strikkecafé i Medborgerhuset", 0, 0, 0)
    near = offer(1, "b", "Strikkecafé for alle", 0, 0.004, 0.006)  # 0.56 km
    other_word = offer(1, "c", "Gåtur fra Medborgerhuset", 0, 0.001, 0.001)
    far = offer(1, "d", "Strikkecafé i Medborgerhuset", 1, 0, 0)
    coarse = offer(2, "e", "Strikkecafé", 0, 0.3, 0.3, precise=False)
    precise_far = offer(2, "f", "Strikkecafé", 0, 0.3, 0.3)  # Struer by name, 30 km off
    backend.upsert([here, near, other_word, far, coarse, precise_far])
    got = {a.id for a in backend.records_near(_reach(here))}
    assert got == {here.id, near.id, coarse.id}
    # A record known only to its town reaches every record of the town with the word.
    got = {a.id for a in backend.records_near(_reach(coarse))}
    assert got == {here.id, near.id, coarse.id, precise_far.id}
    assert backend.records_near(Reach(words=("strik",), box=None, town=None)) == []


def test_fkort_duplicates_merge_around_ids_or_all(tmp_path: Path) -> None:
    from index.backends.sqlite import SQLiteBackend
    from tests.conftest import run_fkort

    db = tmp_path / "fkort.db"
    index = SQLiteBackend(db)
    records = corpus()
    index.upsert(records)
    index.close()
    env = {"FKORT_DATA_DIR": str(tmp_path / "data")}

    def merged() -> list[Activity]:
        b = SQLiteBackend(db)
        try:
            return [a for a in b.all_activities() if a.merged_from]
        finally:
            b.close()

    proc = run_fkort("duplicates", "merge", "--db", str(db), env=env)
    assert proc.returncode == 2 and "--all" in proc.stderr
    assert merged() == []
    # Around one copy: its cluster only.
    copy = next(a for a in records if a.source.name in ("portal", "facebook"))
    proc = run_fkort("duplicates", "merge", copy.id, "--db", str(db), env=env)
    assert proc.returncode == 0, proc.stderr
    (one,) = merged()
    assert copy.id in one.merged_from
    proc = run_fkort("duplicates", "merge", "--all", "--db", str(db), env=env)
    assert proc.returncode == 0, proc.stderr
    assert len(merged()) > 1
    assert f"{len(merged())} aktiviteter fundet i flere kilder" in proc.stdout


def test_an_older_sqlite_file_gets_the_merge_look_ups(tmp_path: Path) -> None:
    import sqlite3

    from index.backends.sqlite import SQLiteBackend

    index = SQLiteBackend(tmp_path / "old.db")
    index.upsert(corpus())
    merge_duplicates(index, NOW)
    target = min((a for a in index.all_activities() if a.merged_from), key=lambda a: a.id)
    index.close()
    con = sqlite3.connect(tmp_path / "old.db")
    con.executescript("DROP TABLE activity_members; DROP TABLE activity_towns;")
    con.close()
    index = SQLiteBackend(tmp_path / "old.db")  # as a file written before the tables
    try:
        assert [m.id for m in index.merged_with([target.merged_from[0]])] == [target.id]
        member = index.get(target.merged_from[0])
        assert member is not None and member.location.precision.value == "address"
        assert member.id in {a.id for a in index.records_near(_reach(member))}
    finally:
        index.close()


def test_an_older_engine_index_gets_the_merge_look_ups(tmp_path: Path) -> None:
    """An index written before the merge step's fields: its documents are written again from
    their stored records when the backend first opens it."""
    import copy

    from index.backends.engine.mapping import MAPPING, SETTINGS, to_document

    engine = open_test_backend("opensearch", tmp_path)
    try:
        records = corpus()
        sqlite_like = open_test_backend("sqlite", tmp_path)
        sqlite_like.upsert(records)
        merge_duplicates(sqlite_like, NOW)
        stored = list(sqlite_like.all_activities())
        sqlite_like.close()
        old = copy.deepcopy(MAPPING)
        new_fields = ("town", "precise", "merged_from", "starts")
        for name in new_fields:
            del old["properties"][name]
        name = f"{engine.alias}-20260101000000-1"
        engine.client.indices.create(index=name, body={"settings": SETTINGS, "mappings": old})
        lines: list[Any] = []
        for a in stored:
            doc = {k: v for k, v in to_document(a, NOW).items() if k not in new_fields}
            lines += [{"index": {"_index": name, "_id": a.id}}, doc]
        engine.client.bulk(body=lines, refresh=True)
        engine.client.indices.put_alias(index=name, name=engine.alias)
        target = min((a for a in stored if a.merged_from), key=lambda a: a.id)
        assert [m.id for m in engine.merged_with([target.merged_from[0]])] == [target.id]
    finally:
        engine.client.indices.delete(index=f"{engine.alias}*", ignore_unavailable=True)
        engine.close()


#: Centres at the edges of where the blocking cells are claimed wide enough: Copenhagen,
#: Skagen and 67.9°N (the cells' longitude is narrowest in the north).
_DENSE = [("København", 55.6761, 12.5683), ("Skagen", 57.7209, 10.5839),
          ("Nordpå", 67.9, 15.0)]


def _look_alikes(seed: int) -> list[Activity]:
    """Many look-alikes close together: a few titles sharing words, points scattered a
    kilometre around three centres (so that many pairs are just inside or outside NEAR_KM),
    from four sources, at few hours (some without a stated time, some with no meetings),
    some known only to their postcode or town."""
    rng = random.Random(seed)
    titles = ["Strikkecafé", "Strikkeklub", "Gåtur", "Gåtur for mænd", "Brætspil og kaffe",
              "Kaffe og kage"]
    out: list[Activity] = []
    for i in range(150):
        city, lat, lon = rng.choice(_DENSE)
        name, kind = rng.choice(SOURCES)
        precision = rng.choices(["address", "postcode", "town"], [8, 1, 1])[0]
        hour, minute = rng.choice([(10, 0), (10, 20), (14, 0), (19, 0)])
        kind_of = rng.choices(["timed", "dated", "unknown"], [8, 1, 1])[0]
        if kind_of == "timed":
            schedule: dict[str, Any] = {
                "kind": "recurring", "rrule": f"FREQ=WEEKLY;BYDAY={rng.choice(['TU', 'WE'])}",
                "start": datetime(2026, 9, 1, hour, minute, tzinfo=TZ)}
        elif kind_of == "dated":
            schedule = {"kind": "once", "start": datetime(2026, 12, 2, tzinfo=TZ),
                        "time_known": False}
        else:
            schedule = {"kind": "unknown"}
        out.append(Activity.model_validate({
            "id": activity_id(name, f"x{i}"),
            "title": f"{rng.choice(titles)} i {rng.choice(PLACES)}",
            "location": {"name": rng.choice(PLACES), "city": city,
                         "lat": lat + rng.uniform(-0.009, 0.009),
                         "lon": lon + rng.uniform(-0.016, 0.016), "precision": precision},
            "schedule": schedule,
            "source": {"name": name, "kind": kind, "url": f"https://{name}.example/x{i}",
                       "fetched_at": SEEN},
            "first_seen": SEEN, "last_seen": SEEN}))
    return out + _just_near(rng)


def _just_near(rng: random.Random) -> list[Activity]:
    """Pairs of one offer from two sources 0.59 km apart, due east or due north, anywhere
    in a cell: a blocking cell narrower than NEAR_KM loses some of them."""
    from normalize.geo import distance_km

    out: list[Activity] = []
    for city, lat, lon in _DENSE:
        for k in range(16):
            a_lat, a_lon = lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.02, 0.02)
            east = 0.01 * 0.59 / distance_km(a_lat, a_lon, a_lat, a_lon + 0.01)
            north = 0.01 * 0.59 / distance_km(a_lat, a_lon, a_lat + 0.01, a_lon)
            b_lat, b_lon = (a_lat, a_lon + east) if k % 2 else (a_lat + north, a_lon)
            for n, (src, y, x) in enumerate([(0, a_lat, a_lon), (2, b_lat, b_lon)]):
                name, kind = SOURCES[src]
                out.append(Activity.model_validate({
                    "id": activity_id(name, f"n{city}{k}-{n}"), "title": "Sangaften",
                    "location": {"city": city, "lat": y, "lon": x, "precision": "address"},
                    "schedule": {"kind": "once", "start": datetime(2026, 12, 3, 19, tzinfo=TZ)},
                    "source": {"name": name, "kind": kind, "url": f"https://{name}.example/n",
                               "fetched_at": SEEN},
                    "first_seen": SEEN, "last_seen": SEEN}))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_blocked_pairs_judged_the_same_are_every_pair_judged_the_same(seed: int) -> None:
    """The pass compares only the pairs its blocking finds (place cells, time keys, title
    words): every pair of the corpus compared one by one (no blocking at all) judges the same
    pairs the same, with the same scores, so the clusters cannot differ."""
    from normalize.matching import compare, find_clusters

    records = _look_alikes(seed)
    feats = {a.id: features(a, NOW) for a in records}
    every = {(e.a, e.b, e.score) for e in (
        compare(a, b, NOW, feats[a.id], feats[b.id])
        for i, a in enumerate(sorted(records, key=lambda r: r.id))
        for b in sorted(records, key=lambda r: r.id)[i + 1:]
        if a.source.name != b.source.name) if e.same}
    _, evidence = find_clusters(records, NOW)
    blocked = {(e.a, e.b, e.score) for e in evidence if e.same}
    assert blocked == every
    # The corpus is a hard case: many pairs judged the same, some of them by town alone and
    # some just inside NEAR_KM.
    # And the incremental step's look-up around each record (`reach`) holds its partners.
    for e in evidence:
        if e.same:
            a, b = (next(r for r in records if r.id == i) for i in (e.a, e.b))
            assert _within(reach(a, feats[a.id]), b) and _within(reach(b, feats[b.id]), a)
    assert len(every) > 30
    assert any(e.distance_km is None for e in evidence if e.same)
    assert any(e.distance_km is not None and e.distance_km > 0.45 for e in evidence if e.same)


def _within(where: Reach | None, b: Activity) -> bool:
    """Whether a look-up `where` finds `b` (as the backends' `records_near` does)."""
    from normalize.matching import precise_point, town_key

    if where is None or not set(where.words) & set(features(b, NOW).title):
        return False
    lat, lon = b.location.lat, b.location.lon
    if where.box and precise_point(b) and lat is not None and lon is not None:
        south, west, north, east = where.box
        if south <= lat <= north and west <= lon <= east:
            return True
    return bool(where.town and town_key(b) == where.town
                and not (where.coarse_only and precise_point(b)))


def test_merged_records_keep_their_ids_as_comparing_with_every_one_would() -> None:
    """Each cluster keeps the id of the stored merged record sharing the most members with it
    (ties: the smallest id; each id once, clusters in order): the pass looks up the merged
    records by member, and gives what trying every merged record for every cluster gives,
    with merged records that overlap several clusters and each other."""
    from records.merging import plan

    records = _look_alikes(3)
    clusters = plan(records, NOW)[0].clusters
    rng = random.Random(5)
    stored: list[Activity] = []
    for k in range(3 * len(clusters)):
        picked = rng.sample(clusters, rng.choice([1, 1, 2]))
        members = {m for c in picked for m in rng.sample(c.ids, rng.randint(1, len(c.ids)))}
        stored.append(records[0].model_copy(update={
            "id": f"merged:{rng.randrange(40):02d}{k:03d}", "merged_from": sorted(members)}))
    report, status = plan(records + stored, NOW)
    assert [c.ids for c in report.clusters] == [c.ids for c in clusters]
    used: set[str] = set()
    expected: list[str] = []
    for c in clusters:
        overlap = sorted((-len(set(c.ids) & set(m.merged_from)), m.id) for m in stored
                         if m.id not in used and set(c.ids) & set(m.merged_from))
        rid = overlap[0][1] if overlap else None
        expected.append(rid or "new")
        if rid:
            used.add(rid)
    got = [rid if rid in {m.id for m in stored} else "new" for rid in report.records]
    assert got == expected
    assert sum(r != "new" for r in got) > len(clusters) // 2 and "new" in got
    assert {i for i, s in status.items() if s is Status.stale} == {
        m.id for m in stored} - used
