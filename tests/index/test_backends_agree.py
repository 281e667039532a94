"""The same corpus and the same queries give the same activities in the same order on every
backend; and the engine's index swaps are atomic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from index import SearchQuery, Sort
from tests.conftest import open_test_backend
from tests.index.corpus import TZ, make

NOW = datetime(2026, 11, 22, 12, tzinfo=TZ)
TOWNS = {"Holstebro": (56.36, 8.62), "Struer": (56.49, 8.59), "Lemvig": (56.55, 8.31),
         "Assens": (55.27, 9.90), "København": (55.676, 12.568)}
TITLES = ["Brætspilsaften", "Kortspil og kaffe", "Strikkeklub", "Fællessang", "Gåtur",
          "Fællesspisning", "Mandeklub", "Sorggruppe", "IT-hjælp", "Petanque"]
DAYS = ["MO", "TU", "WE", "TH", "FR"]


def corpus() -> list[Activity]:
    out = []
    for i in range(60):
        town, (lat, lon) = list(TOWNS.items())[i % 5]
        title = TITLES[i % 10]
        out.append(make(
            f"a{i}", f"{title} i {town} {i:02d}",
            description="Vi strikker og spiller kort" if i % 3 == 0 else "Hyggeligt samvær",
            at=(lat + (i % 7) * 0.004, lon + (i % 11) * 0.003),
            categories=[["spil"], ["kreativ"], ["musik_sang"], ["motion"], ["mad"]][i % 5],
            age={"min": [None, 60, 18, None, 65][i % 5],
                 "max": [None, None, 30, None, None][i % 5]},
            price={"amount_dkk": [None, 20, 0, 150, None][i % 5],
                   "is_free": [None, False, True, False, None][i % 5]},
            accessibility={"wheelchair": [None, True, False][i % 3],
                           "hearing_loop": [None, None, True, False][i % 4]},
            drop_in=[None, True, False][i % 3],
            schedule={"rrule": f"FREQ=WEEKLY;BYDAY={DAYS[i % 5]}", "end": None,
                      "start": datetime(2026, 9, 1, [9, 14, 19, 3][i % 4], tzinfo=TZ),
                      "time_known": i % 7 != 0},
            location={"municipality": town},
        ))
    return out


QUERIES: list[dict[str, Any]] = [
    {"lat": 56.36, "lon": 8.62, "radius_km": 30},
    {"lat": 56.36, "lon": 8.62, "radius_km": 30, "age": 70},
    {"lat": 56.36, "lon": 8.62, "radius_km": 30, "age": 70, "strict": True},
    {"lat": 55.676, "lon": 12.568, "radius_km": 5, "free": True},
    {"lat": 56.36, "lon": 8.62, "radius_km": 50, "categories": ["spil", "mad"]},
    {"lat": 56.36, "lon": 8.62, "radius_km": 50, "wheelchair": True, "hearing_loop": True},
    {"lat": 56.36, "lon": 8.62, "radius_km": 50, "text": "strik"},
    {"lat": 56.36, "lon": 8.62, "radius_km": 50, "text": "kort", "sort": "distance"},
    {"weekdays": [1, 3], "sort": "next"},
    {"time_of_day": ["aften"], "sort": "next"},
    {"lat": 56.36, "lon": 8.62, "radius_km": 30, "time_of_day": ["formiddag", "eftermiddag"],
     "strict": True},
    {"municipality": "Assens", "max_price": 50},
    {"drop_in": True, "lat": 55.27, "lon": 9.90, "limit": 5, "offset": 2},
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    if not os.environ.get("FKORT_TEST_OPENSEARCH_URL"):
        pytest.skip("set FKORT_TEST_OPENSEARCH_URL to a running OpenSearch node")
    tmp = tmp_path_factory.mktemp("agree")
    sqlite = open_test_backend("sqlite", tmp)
    engine = open_test_backend("opensearch", tmp)
    items = corpus()
    sqlite.upsert(items)
    engine.upsert(items)
    yield sqlite, engine
    engine.client.indices.delete(index=f"{engine.alias}*", ignore_unavailable=True)
    sqlite.close()
    engine.close()


@pytest.mark.parametrize("params", QUERIES, ids=[str(i) for i in range(len(QUERIES))])
def test_same_results_same_order(pair: tuple[Any, Any], params: dict[str, Any]) -> None:
    sqlite, engine = pair
    q = SearchQuery(now=NOW, limit=params.pop("limit", 100), **params)
    a, b = sqlite.search(q), engine.search(q)
    assert [h.activity.id for h in a.hits] == [h.activity.id for h in b.hits]
    assert a.total == b.total
    assert a.facets == b.facets
    assert [h.matched for h in a.hits] == [h.matched for h in b.hits]
    assert [h.distance_km for h in a.hits] == [h.distance_km for h in b.hits]


def test_rebuild_swaps_the_alias_in_one_step(tmp_path: Path) -> None:
    engine = open_test_backend("opensearch", tmp_path)
    try:
        engine.upsert(corpus()[:10])
        first = engine.current_index()
        engine.rebuild(corpus()[:20])
        second = engine.current_index()
        assert first != second and engine.count() == 20
        assert not engine.client.indices.exists(index=first)  # the old one is gone

        def failing() -> Iterator[Activity]:
            yield from corpus()[:5]
            raise ConnectionError("the crawl broke off")

        with pytest.raises(ConnectionError):
            engine.rebuild(failing())
        # A rebuild that broke off leaves the last complete index serving, whole.
        assert engine.current_index() == second and engine.count() == 20
        assert len(engine.client.indices.get(index=f"{engine.alias}-*")) == 1
    finally:
        engine.client.indices.delete(index=f"{engine.alias}*", ignore_unavailable=True)
        engine.close()


def test_serve_and_rebuild_command_on_opensearch(tmp_path: Path) -> None:
    """`fkort index --backend opensearch --rebuild` copies the store; the API serves it."""
    import httpx

    from core.settings import Settings
    from index.backends.sqlite import SQLiteBackend
    from tests.conftest import LiveServer, run_fkort

    url = os.environ.get("FKORT_TEST_OPENSEARCH_URL")
    if not url:
        pytest.skip("set FKORT_TEST_OPENSEARCH_URL to a running OpenSearch node")
    db = tmp_path / "store.db"
    store = SQLiteBackend(db)
    store.upsert(corpus())
    store.close()
    alias = f"t-serve-{os.getpid()}"
    env = {"FKORT_SEARCH_URL": url, "FKORT_SEARCH_ALIAS": alias}
    proc = run_fkort("index", "--backend", "opensearch", "--rebuild", "--from-db", str(db),
                     env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Indekseret 60 aktiviteter" in proc.stdout
    settings = Settings(backend="opensearch", search_url=url, search_alias=alias,
                        db_path=tmp_path / "unused.db")
    from search_api.main import create_app

    try:
        with LiveServer(app=create_app(settings)) as server:
            body = httpx.get(f"{server.url}/v1/activities",
                             params={"near": "56.36,8.62", "radius_km": 30, "q": "strik"}).json()
            page = httpx.post(f"{server.url}/", data={"q": "strik"})
            health = httpx.get(f"{server.url}/health").json()
    finally:
        from index import open_backend

        b = open_backend("opensearch", url=url, alias=alias)
        b.client.indices.delete(index=f"{alias}*", ignore_unavailable=True)
        b.close()
    assert health == {"status": "ok", "backend": "opensearch", "activities": 60}
    assert body["count"] > 0 and all("Strikkeklub" in a["title"] or "strik" in
                                     (a["description"] or "") for a in body["data"])
    assert page.status_code == 200 and "Strikkeklub" in page.text


class _DyingProxy:
    """Passes requests to the node until `lives` have gone through; then it is gone."""

    def __init__(self, target: str, lives: int) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import httpx

        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                proxy.lives -= 1
                if proxy.lives < 0:
                    self.close_connection = True
                    self.connection.close()  # the engine went away mid-run
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                resp = httpx.request(self.command, target + self.path, content=body,
                                     headers={"Content-Type": self.headers.get(
                                         "Content-Type", "application/json")}, timeout=30)
                self.send_response(resp.status_code)
                self.send_header("Content-Type", resp.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(resp.content)))
                self.end_headers()
                self.wfile.write(resp.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward  # noqa: N815

        self.lives = lives
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_engine_gone_mid_rebuild_leaves_the_last_complete_index(tmp_path: Path) -> None:
    from index import open_backend

    url = os.environ.get("FKORT_TEST_OPENSEARCH_URL")
    if not url:
        pytest.skip("set FKORT_TEST_OPENSEARCH_URL to a running OpenSearch node")
    alias = f"t-dying-{os.getpid()}"
    direct = open_backend("opensearch", url=url, alias=alias)
    direct.rebuild(corpus()[:30])
    serving = direct.current_index()
    many = [make(f"m{i}", f"Aktivitet {i}", at=(56.0 + i * 1e-4, 9.0)) for i in range(1200)]
    proxy = _DyingProxy(url, lives=6)  # enough to start, not enough to finish
    try:
        through = open_backend("opensearch", url=proxy.url, alias=alias)
        with pytest.raises(Exception):  # noqa: B017 - whatever the client raises
            through.rebuild(many)
        assert direct.current_index() == serving
        assert direct.count() == 30
        # And the command line says so, with an exit code cron can act on.
        from tests.conftest import run_fkort

        db = tmp_path / "store.db"
        from index.backends.sqlite import SQLiteBackend

        store = SQLiteBackend(db)
        store.upsert(many[:10])
        store.close()
        proc = run_fkort("index", "--backend", "opensearch", "--rebuild", "--from-db", str(db),
                         env={"FKORT_SEARCH_URL": proxy.url, "FKORT_SEARCH_ALIAS": alias})
        assert proc.returncode == 1
        assert "still serving" in proc.stderr
        assert direct.current_index() == serving
    finally:
        proxy.close()
        direct.client.indices.delete(index=f"{alias}*", ignore_unavailable=True)
        direct.close()


@pytest.mark.parametrize("params", QUERIES, ids=[str(i) for i in range(len(QUERIES))])
def test_engine_matched_agrees_with_sqlite_without_an_engine(tmp_path: Path,
                                                             params: dict[str, Any]) -> None:
    """The engine's per-hit `matched` is computed in Python; it must say what the embedded
    backend's SQL says, for every hit (runs without a search engine)."""
    from index.backends.engine.mapping import to_document
    from index.filters import matched

    sqlite = open_test_backend("sqlite", tmp_path)
    items = corpus()
    sqlite.upsert(items)
    q = SearchQuery(now=NOW, limit=100, **{k: v for k, v in params.items() if k != "limit"})
    hits = sqlite.search(q).hits
    sqlite.close()
    for h in hits:
        assert matched(h.activity, q) == h.matched
    docs = {a.id: to_document(a, NOW) for a in items}
    assert any("day_parts" in d for d in docs.values())
    assert all("day_parts" not in d for a, d in zip(items, docs.values(), strict=True)
               if not a.schedule.time_known)


# -- totals counted up to the contract's bound ------------------------------------------------

def many() -> list[Activity]:
    """More activities near Holstebro than a total is counted exactly up to: two thirds
    knitting, half of them games."""
    from index.contract import TOTAL_EXACT_UP_TO

    n = TOTAL_EXACT_UP_TO * 2 + 30
    return [make(f"m{i}", f"{'Strikkeklub' if i % 3 else 'Fællessang'} {i:03d}",
                 at=(56.36 + (i % 17) * 0.002, 8.62 + (i % 13) * 0.003),
                 categories=["spil"] if i % 2 else ["musik_sang"],
                 age={"min": 60} if i % 5 == 0 else {},
                 schedule={"rrule": f"FREQ=WEEKLY;BYDAY={DAYS[i % 5]}", "end": None,
                           "start": datetime(2026, 9, 1, 10 + i % 9, tzinfo=TZ)})
            for i in range(n)]


CAPPED: list[dict[str, Any]] = [
    {"lat": 56.37, "lon": 8.63, "radius_km": 10},
    {"lat": 56.37, "lon": 8.63, "radius_km": 10, "text": "strik"},
    {"lat": 56.37, "lon": 8.63, "radius_km": 10, "categories": ["spil"]},
    {"lat": 56.37, "lon": 8.63, "radius_km": 10, "age": 50},
    {"lat": 56.37, "lon": 8.63, "radius_km": 10, "text": "fællessang"},  # under the bound
    {"sort": "next"},
    {"text": "strik", "sort": "relevance"},
    {"lat": 56.37, "lon": 8.63, "radius_km": 10, "offset": 110, "limit": 30},
]


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    """Both backends when OpenSearch is there; the embedded one always."""
    tmp = tmp_path_factory.mktemp("capped")
    backends = [open_test_backend("sqlite", tmp)]
    if os.environ.get("FKORT_TEST_OPENSEARCH_URL"):
        backends.append(open_test_backend("opensearch", tmp))
    for b in backends:
        b.upsert(many())
    yield tuple(backends)
    for b in backends:
        if hasattr(b, "alias"):
            b.client.indices.delete(index=f"{b.alias}*", ignore_unavailable=True)
        b.close()


@pytest.mark.parametrize("params", CAPPED, ids=[str(i) for i in range(len(CAPPED))])
def test_a_total_is_exact_up_to_the_bound_and_the_hits_do_not_change(
        crowded: tuple[Any, ...], params: dict[str, Any]) -> None:
    from index.contract import TOTAL_EXACT_UP_TO

    for backend in crowded:
        q = SearchQuery(now=NOW, **params)
        capped = backend.search(q)
        exact = backend.search(q.model_copy(update={"exact_total": True}))
        faceted = backend.search(q.model_copy(update={"facets": True}))
        assert exact.total_exact and faceted.total_exact and faceted.total == exact.total
        if exact.total > TOTAL_EXACT_UP_TO:
            assert (capped.total, capped.total_exact) == (TOTAL_EXACT_UP_TO, False)
        else:
            assert (capped.total, capped.total_exact) == (exact.total, True)
        # Counting less never changes which hits a page holds, nor their order.
        assert [h.activity.id for h in capped.hits] == [h.activity.id for h in exact.hits]
        assert capped.hits, backend.name
    if len(crowded) == 2:
        q = SearchQuery(now=NOW, **params)
        a, b = (backend.search(q) for backend in crowded)
        assert (a.total, a.total_exact) == (b.total, b.total_exact)
        if q.effective_sort() is not Sort.relevance:  # the engines' bm25 differ in detail
            assert [h.activity.id for h in a.hits] == [h.activity.id for h in b.hits]


def test_the_bound_is_met_by_some_queries_and_not_others(crowded: tuple[Any, ...]) -> None:
    """The cases above are worth something only if some totals pass the bound."""
    sqlite = crowded[0]
    totals = [sqlite.search(SearchQuery(now=NOW, exact_total=True, **p)).total for p in CAPPED]
    from index.contract import TOTAL_EXACT_UP_TO

    assert sum(t > TOTAL_EXACT_UP_TO for t in totals) >= 4
    assert sum(t <= TOTAL_EXACT_UP_TO for t in totals) >= 1
