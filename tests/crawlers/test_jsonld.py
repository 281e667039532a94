"""The generic JSON-LD/microdata spider: field by field on saved pages, then a real crawl."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from core.schema import Activity
from crawlers.items import ActivityItem, OrganizationItem
from crawlers.sources import SourceConfig
from crawlers.spiders.jsonld import JsonLdSpider
from normalize.activity import build_activity
from tests.conftest import FILES, LiveServer, crawl_site

SITE = FILES / "jsonld" / "struer"
BASE = "https://www.struer.example"


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = int(self.values.get(key, 0)) + count  # type: ignore[arg-type]

    def get_value(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)

    def set_value(self, key: str, value: object) -> None:
        self.values[key] = value


class _Crawler:
    def __init__(self) -> None:
        self.stats = _Stats()


def _spider() -> JsonLdSpider:
    source = SourceConfig(name="struer", kind="municipal", start_urls=[BASE + "/"],
                          options={"follow": ["/aktivitet/", r"/side-\d+"]})
    spider = JsonLdSpider(source=source)
    spider.crawler = _Crawler()  # type: ignore[assignment]
    return spider


def _parse(page: str) -> tuple[list[object], JsonLdSpider]:
    spider = _spider()
    url = f"{BASE}/{page}"
    response = HtmlResponse(url=url, body=(SITE / page).read_bytes(), encoding="utf-8",
                            request=Request(url, meta={"fk_depth": 1}))
    return list(spider.parse(response)), spider


def _activities(page: str) -> list[Activity]:
    out, _ = _parse(page)
    return [build_activity(i.raw) for i in out if isinstance(i, ActivityItem)]


@pytest.fixture(scope="module", autouse=True)
def _pin(request: pytest.FixtureRequest) -> None:  # parse under the frozen clock
    mp = pytest.MonkeyPatch()
    mp.setenv("FKORT_NOW", "2026-11-22T12:00:00+01:00")
    request.addfinalizer(mp.undo)


@pytest.fixture(scope="module")
def kortklub() -> Activity:
    (activity,) = _activities("aktivitet/kortklub.html")
    return activity


def test_title_is_tidied(kortklub: Activity) -> None:
    assert kortklub.title == "Kortklubben i Aktivitetshuset"


def test_id_is_namespaced_by_source_and_stable(kortklub: Activity) -> None:
    assert kortklub.id.startswith("struer:")
    assert kortklub.id == _activities("aktivitet/kortklub.html")[0].id


def test_recurring_schedule(kortklub: Activity) -> None:
    assert kortklub.schedule.kind.value == "recurring"
    assert kortklub.schedule.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    assert kortklub.schedule.start.isoformat() == "2026-09-01T13:30:00+02:00"
    assert kortklub.schedule.end.isoformat() == "2026-09-01T16:00:00+02:00"


def test_coordinates_with_decimal_comma(kortklub: Activity) -> None:
    loc = kortklub.location
    assert (loc.lat, loc.lon, loc.precision.value) == (56.4912, 8.5937, "address")
    assert (loc.address, loc.postcode, loc.city) == ("Smedegade 12", "7600", "Struer")


def test_accessibility_yes_and_stated_no(kortklub: Activity) -> None:
    acc = kortklub.accessibility
    assert acc.wheelchair is True
    assert acc.hearing_loop is False  # "value": "false" is a stated no
    assert acc.step_free is None  # not mentioned: unknown
    assert "Teleslynge" in (acc.text or "")


def test_price_age_drop_in(kortklub: Activity) -> None:
    assert (kortklub.price.amount_dkk, kortklub.price.period.value) == (10.0, "per_time")
    assert kortklub.price.text == "10 kr. pr. gang inkl. kaffe"
    assert (kortklub.age.min, kortklub.age.max, kortklub.age.text) == (60, None, "60-")
    assert kortklub.drop_in is True
    assert "spil" in kortklub.categories


def test_organizer(kortklub: Activity) -> None:
    assert kortklub.organizer.name == "Kortklubben Struer"
    assert kortklub.organizer.email == "kortklubben@struer-foreninger.dk"
    assert kortklub.organization_id and kortklub.organization_id.startswith("org:")


def test_graph_one_off_free() -> None:
    (walk,) = _activities("aktivitet/gaatur.html")
    assert walk.schedule.kind.value == "once"
    assert walk.schedule.start.isoformat() == "2026-12-05T10:00:00+01:00"
    assert walk.price.is_free is True and walk.price.amount_dkk == 0
    assert walk.id.startswith("struer:")


def test_microdata_event() -> None:
    (club,) = _activities("aktivitet/mandeklub.html")
    assert club.title == "Mandeklubben"
    assert (club.location.lat, club.location.lon) == (56.4801, 8.5755)
    assert (club.price.amount_dkk, club.price.period.value) == (150.0, "half_year")
    assert club.organizer.phone == "97 85 00 00"
    assert "maend" in club.categories


def test_events_inside_an_organization() -> None:
    out, _ = _parse("aktivitet/syklub.html")
    orgs = [i for i in out if isinstance(i, OrganizationItem)]
    assert [o.data["name"] for o in orgs] == ["Syklubben Nålen"]
    (sy,) = [build_activity(i.raw) for i in out if isinstance(i, ActivityItem)]
    assert sy.organizer.name == "Syklubben Nålen"
    assert sy.schedule.rrule.startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20270428T")
    assert sy.drop_in is False
    assert sy.location.lat is None and sy.location.precision.value == "none"


def test_broken_jsonld_is_reported_not_raised() -> None:
    out, spider = _parse("aktivitet/oedelagt.html")
    assert not [i for i in out if isinstance(i, ActivityItem)]
    problems = spider.crawler.stats.get_value("fkort/problems")
    assert problems and problems[0]["reason"] == "broken_jsonld"
    assert problems[0]["url"].endswith("/aktivitet/oedelagt.html")


def test_listing_follows_only_wanted_links() -> None:
    out, _ = _parse("index.html")
    urls = sorted(r.url for r in out if isinstance(r, Request))
    assert f"{BASE}/aktivitet/kortklub.html" in urls
    assert f"{BASE}/side-2.html" in urls
    assert not any(u.endswith(".pdf") for u in urls)  # documents are not pages
    assert not any("/intern/" in u for u in urls)  # follow patterns do not match it


# -- a real crawl of the fixture site, through the pipeline into the index -----------------

SOURCES = """
[[source]]
name = "struer"
kind = "municipal"
start_urls = ["{BASE}/"]
[source.options]
follow = ["/aktivitet/", "/side-\\\\d+\\\\.html$", "/index.html$", "/intern/"]
sitemap_urls = ["{BASE}/sitemap.xml"]
municipality = "Struer"
"""


@pytest.fixture(scope="module")
def crawled(struer_site, tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("crawl")
    proc, report, db = crawl_site(struer_site, tmp, "struer", SOURCES)
    return proc, report, db, list(struer_site.requests)


def test_crawl_indexes_every_activity(crawled) -> None:  # type: ignore[no-untyped-def]
    proc, report, db, _ = crawled
    assert proc.returncode == 3, proc.stderr  # partial: the planted faults are reported
    (r,) = report
    assert r["status"] == "ok"
    assert r["new"] == 5  # kortklub, gåtur, mandeklub, syklub, and the sitemap-only læsekreds
    from index.backends.sqlite import SQLiteBackend

    titles = sorted(a.activity.title for a in SQLiteBackend(db).search(
        __import__("index").SearchQuery(limit=50)).hits)
    assert titles == ["Gå-tur langs fjorden", "Kortklubben i Aktivitetshuset",
                      "Læsekreds på biblioteket", "Mandeklubben",
                      "Syklubben Nålen – syning og snak"]


def test_crawl_reports_exactly_the_planted_faults(crawled) -> None:  # type: ignore[no-untyped-def]
    _, (r,), _, _ = crawled
    assert r["errors"] == {"broken_jsonld": 1}
    assert [p["url"].rsplit("/", 1)[-1] for p in r["problems"]] == ["oedelagt.html"]
    assert r["dropped"] == 1
    assert r["dropped_items"][0]["reason"] == "no title"
    assert r["dropped_items"][0]["url"].endswith("/aktivitet/uden-navn.html")


def test_crawl_obeys_robots_txt(crawled) -> None:  # type: ignore[no-untyped-def]
    proc, (r,), db, requests = crawled
    from index import SearchQuery
    from index.backends.sqlite import SQLiteBackend

    hits = SQLiteBackend(db).search(SearchQuery(text="medarbejderdag")).hits
    assert hits == []
    assert r["skipped"] == {"robots_txt": 1}
    paths = [p for p, _ in requests]
    assert paths[0] == "/robots.txt"
    assert not any(p.startswith("/intern/") for p in paths)


def test_crawl_says_who_it_is_and_fetches_each_page_once(crawled) -> None:  # type: ignore[no-untyped-def]
    _, _, _, requests = crawled
    agents = {ua for _, ua in requests}
    (agent,) = agents
    assert agent.startswith("Faellesskabskort/") and "(+http" in agent
    paths = [p for p, _ in requests]
    assert len(paths) == len(set(paths))
    assert "/aktivitet/kun-i-sitemap.html" in paths  # found through the sitemap only
    assert "/om-kommunen.html" not in paths  # in the sitemap, but not a followed pattern


def test_crawl_then_api_returns_the_activity(crawled) -> None:  # type: ignore[no-untyped-def]
    import httpx

    _, _, db, _ = crawled
    with LiveServer(Path(db)) as server:
        resp = httpx.get(f"{server.url}/v1/activities",
                         params={"near": "56.49,8.59", "radius_km": 5, "q": "whist"})
    assert resp.status_code == 200
    body = resp.json()
    assert [a["title"] for a in body["data"]] == ["Kortklubben i Aktivitetshuset"]
    assert body["data"][0]["location"]["municipality"] == "Struer"
    assert body["data"][0]["distance_km"] == pytest.approx(0.24, abs=0.05)


def test_crawl_of_a_down_source_fails_cleanly(tmp_path: Path) -> None:
    from tests.conftest import free_port, run_fkort

    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES.replace("{BASE}", f"http://127.0.0.1:{free_port()}"),
                       encoding="utf-8")
    proc = run_fkort("crawl", "--sources", str(sources), "--db", str(tmp_path / "x.db"),
                     "--settings", "crawlers.settings.local", "--json", "--log-level", "ERROR",
                     env={"FKORT_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 1
    import json

    (r,) = json.loads(proc.stdout)
    assert r["status"] == "failed" and r["pages"] == 0
    assert sum(r["errors"].values()) >= 1
