"""Listing pages with many activities, described in sources.toml: a bridge club's season of
100 rows without links, a sailing club's cards linking to their pages (what the card shows
fills what the page leaves unsaid), a concert calendar of microdata Events without urls,
lectures with a shared id, JSON in a `__NEXT_DATA__` script and in `data-*` attributes, and
an iCal feed full of room bookings. Parsed once under the frozen clock (their crawl through
the pipeline: test_pipeline_listing.py)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity, ScheduleKind
from crawlers.sources import SourceConfig
from crawlers.spiders.base import SourceSpider
from crawlers.spiders.ical import ICalSpider
from crawlers.spiders.municipal import MunicipalSpider
from crawlers.spiders.portal import PortalSpider
from tests.conftest import FILES
from tests.crawlers import pages

SITES = FILES / "listing"

SOURCES = """
[[source]]
name = "bridgeklub"
kind = "municipal"
spider = "municipal"
start_urls = ["{bridge}/program.html"]
[source.items]
item = "tr.program-raekke"
title = "td.titel"
when = "xpath:./td[@class='dato' or @class='tid']"
where = "td.sted"
price = "td.pris"
[source.defaults]
organizer = "Bridgeklubben Hjerter Dame"
municipality = "Holstebro"

[[source]]
name = "sejlklub"
kind = "municipal"
spider = "municipal"
start_urls = ["{sejl}/kalender.html"]
[source.items]
item = "article.arr-kort"
title = ".arr-kort__titel"
when = ".arr-kort__dato"
price = ".arr-kort__pris"
status = ".arr-kort__status"
link = "a.arr-kort__link"
follow_link = true
[source.selectors]
title = "main.arrangement h1"
when = ".arr-dato"
where = ".arr-sted"
price = ".arr-pris"
description = ".arr-tekst"
[source.defaults]
organizer = "Vinderup Sejlklub"
place = "Klubhuset, Havnevej 3, 7830 Vinderup"

[[source]]
name = "koncerter"
kind = "jsonld"
spider = "municipal"
start_urls = ["{koncert}/kalender.html"]

[[source]]
name = "foredrag"
kind = "municipal"
spider = "municipal"
start_urls = ["{koncert}/foredrag.html"]
[source.items]
item = "div.foredrag"
title = "h3"
when = ".tid"
id = "xpath:@data-arrangement-id"
[source.defaults]
place = "Kulturhuset Tonen, Vinderup"

[[source]]
name = "kirke"
kind = "municipal"
spider = "municipal"
start_urls = ["{kirke}/kalender.html"]
[source.script_data]
selector = "script#__NEXT_DATA__"
items = "props.pageProps.calendar.events"
[source.script_data.fields]
title = "title"
start = "startDate"
end = "endDate"
where = "location"
price = "price"
description = "summary"
link = "slug"
id = "id"

[[source]]
name = "spejder"
kind = "municipal"
spider = "municipal"
start_urls = ["{spejder}/aktiviteter.html"]
[source.script_data]
selector = "div.begivenhed-kort"
attribute = "data-begivenhed"
[source.script_data.fields]
title = "navn"
start = "start"
end = "slut"
where = "sted"
price = "pris"
age = "alder"
link = "link"
[source.defaults]
organizer = "Vinderup Spejderne"

[[source]]
name = "klubhus"
kind = "ical"
spider = "ical"
start_urls = ["{klubhus}/kalender.ics"]
[source.titles]
exclude = ["^udlejet", "optaget"]
[source.defaults]
organizer = "Vinderup Bådelaug"
place = "Bådehallen, Søvej 4, 7830 Vinderup"
"""

BASES = {"bridge": "https://bridge-hjerterdame.dk", "sejl": "https://vinderup-sejlklub.dk",
         "koncert": "https://musikforeningen-tonen.dk", "kirke": "https://sdrnissumsogn.dk",
         "spejder": "https://vinderup-spejder.dk", "klubhus": "https://klubhus-vinderup.dk"}
SOURCE = pages.sources(SOURCES, BASES)


def _read(name: str, page: str, *details: str,
          cls: type[SourceSpider] = MunicipalSpider) -> tuple[SourceSpider, list[Any]]:
    """A source's start page read by its spider, then the detail pages its listing asked
    for, each with the request (and so the listing's fields) the spider made for it."""
    spider = pages.spider(cls, SOURCE[name])
    folder = SITES / page.split("/")[0]
    url = spider.source.start_urls[0]
    first = pages.response(folder / page.split("/", 1)[1], url, fk_depth=0)
    out = pages.parse(spider.parse, first)
    asked = {r.url: r for r in pages.requests(out)}
    for detail in details:
        request = asked[url.rsplit("/", 1)[0] + "/" + detail]
        response = pages.response(folder / detail, request.url, **request.meta)
        out += pages.parse(spider.parse, response)
    return spider, out


SEEN = {
    "bridgeklub": _read("bridgeklub", "bridgeklub/program.html"),
    "sejlklub": _read("sejlklub", "sejlklub/kalender.html", "arrangement/vinterfoedrag.html",
                      "arrangement/knobkursus.html", "arrangement/julefrokost.html"),
    "koncerter": _read("koncerter", "koncerter/kalender.html"),
    "foredrag": _read("foredrag", "koncerter/foredrag.html"),
    "kirke": _read("kirke", "kirke/kalender.html"),
    "spejder": _read("spejder", "spejder/aktiviteter.html"),
    "klubhus": _read("klubhus", "klubhus/kalender.ics", cls=ICalSpider),
}
ACTS: dict[str, list[Activity]] = {k: pages.normalize(items) for k, (_, items) in SEEN.items()}
ALL = [(k, a) for k, acts in ACTS.items() for a in acts]


def _one(source: str, start: str) -> Activity:
    (match,) = [a for a in ACTS[source] if a.title.startswith(start)]
    return match


def _on(source: str, day: str) -> Activity:
    (match,) = [a for a in ACTS[source] if a.schedule.start is not None
                and a.schedule.start.date().isoformat() == day]
    return match


# -- a listing of many rows ------------------------------------------------------------------
def test_a_hundred_rows_without_links_are_a_hundred_activities() -> None:
    assert len(ACTS["bridgeklub"]) == 100
    assert len({a.id for a in ACTS["bridgeklub"]}) == 100


def test_each_row_has_its_own_date_and_time() -> None:
    first = _on("bridgeklub", "2026-12-01")
    assert first.title == "Parturnering, runde 1"
    assert first.schedule.start is not None
    assert first.schedule.start.isoformat() == "2026-12-01T19:00:00+01:00"
    assert first.schedule.time_known


def test_a_row_keeps_its_own_place() -> None:
    first = _on("bridgeklub", "2026-12-01")
    assert "Sønderbrogade 14" in (first.location.address or first.location.name or "")
    assert "mødelokale 2" in str(_on("bridgeklub", "2026-12-03").location)


def test_a_row_keeps_its_own_price() -> None:
    assert _on("bridgeklub", "2026-12-01").price.amount_dkk == 25.0


def test_a_row_without_a_place_stays_without_one() -> None:
    row = _on("bridgeklub", "2026-12-15")
    assert row.location.name is None and row.location.address is None


def test_the_default_organizer_and_municipality_reach_every_row() -> None:
    assert {a.organizer.name for a in ACTS["bridgeklub"]} == {"Bridgeklubben Hjerter Dame"}
    assert {a.location.municipality for a in ACTS["bridgeklub"]} == {"Holstebro"}


def test_a_row_is_found_on_its_listing() -> None:
    assert {a.source.url for a in ACTS["bridgeklub"]} == {BASES["bridge"] + "/program.html"}


# -- a listing linking to detail pages -------------------------------------------------------
def test_items_with_a_link_are_read_on_their_own_page() -> None:
    _, items = SEEN["sejlklub"]
    asked = sorted(r.url.rsplit("/", 1)[-1] for r in pages.requests(items)
                   if r.meta.get("fk_listing"))
    assert asked == ["julefrokost.html", "knobkursus.html", "vinterfoedrag.html"]


def test_the_detail_page_gives_the_time() -> None:
    talk = _one("sejlklub", "Vinterforedrag")
    assert talk.schedule.start is not None
    assert talk.schedule.start.isoformat() == "2026-12-10T19:30:00+01:00"


def test_the_listing_price_reaches_the_detail_item() -> None:
    assert _one("sejlklub", "Vinterforedrag").price.amount_dkk == 40.0


def test_the_detail_page_wins_where_it_states_a_field() -> None:
    # The listing shows 150 kr.; the page says 175 kr. for non-members (what a newcomer
    # pays) and 150 kr. for members.
    assert _one("sejlklub", "Julefrokost").price.amount_dkk == 175.0
    assert "175 kr." in (_one("sejlklub", "Julefrokost").price.text or "")


def test_the_listing_status_text_reaches_the_detail_item() -> None:
    _, items = SEEN["sejlklub"]
    (knob,) = [i for i in pages.activities(items)
              if i.raw.texts.get("title", "").startswith("Knob")]
    assert knob.raw.texts["status"] == "AFLYST"


def test_the_default_place_fills_a_page_without_one() -> None:
    assert "Havnevej 3" in (_one("sejlklub", "Vinterforedrag").location.address or "")


def test_a_page_with_its_own_place_keeps_it() -> None:
    assert "Havnevej 5" in (_one("sejlklub", "Knob").location.address or "")


def test_an_item_without_a_link_is_read_from_the_listing() -> None:
    party = _one("sejlklub", "Nytårstaffel")
    assert party.source.url == BASES["sejl"] + "/kalender.html"
    assert party.organizer.name == "Vinderup Sejlklub"


def test_an_item_without_a_title_is_skipped_and_named() -> None:
    spider, _ = SEEN["sejlklub"]
    assert pages.stat(spider, "fkort/skipped/item_without_title") == 1
    (named,) = pages.stat(spider, "fkort/skipped_items")
    assert named["reason"] == "item_without_title"


# -- one id per item -------------------------------------------------------------------------
def test_microdata_events_without_urls_are_each_an_activity() -> None:
    assert len(ACTS["koncerter"]) == 6
    assert len({a.id for a in ACTS["koncerter"]}) == 6


def test_the_same_title_at_another_place_is_another_activity() -> None:
    sang = [a for a in ACTS["koncerter"] if a.title.startswith("Fællessang")]
    assert len(sang) == 3


def test_the_ids_of_anonymous_events_are_the_same_in_every_run() -> None:
    again = pages.normalize(_read("koncerter", "koncerter/kalender.html")[1])
    assert sorted(a.id for a in again) == sorted(a.id for a in ACTS["koncerter"])


def test_two_items_with_one_id_are_reported_not_merged() -> None:
    spider, _ = SEEN["foredrag"]
    assert [t for t, _ in pages.problems(spider)] == ["duplicate_id"]
    (problem,) = pages.stat(spider, "fkort/problems")
    assert "Kvinderne bag salmerne" in problem["detail"]
    assert "Fra skillingsvise til slagersang" in problem["detail"]


def test_the_first_of_two_items_with_one_id_is_kept() -> None:
    assert sorted(a.title for a in ACTS["foredrag"]) == [
        "Carl Nielsen og det danske sind", "Kvinderne bag salmerne"]


def test_items_with_an_id_selector_are_known_by_it() -> None:
    _, items = SEEN["foredrag"]
    assert [i.raw.origin_id for i in pages.activities(items)] == ["3141", "3142"]


# -- dates without a time --------------------------------------------------------------------
def test_a_date_only_microdata_start_has_an_unknown_time() -> None:
    spring = _one("koncerter", "Forårskoncert")
    assert spring.schedule.kind is ScheduleKind.once
    assert spring.schedule.start is not None
    assert spring.schedule.start.date().isoformat() == "2027-04-18"
    assert not spring.schedule.time_known


def test_a_start_with_a_time_keeps_it_known() -> None:
    assert _one("koncerter", "Nytårskoncert").schedule.time_known


# -- script data -----------------------------------------------------------------------------
def test_next_data_events_are_each_an_activity() -> None:
    assert sorted(a.title for a in ACTS["kirke"]) == [
        "Julehjertefletning for alle aldre", "Luciaoptog i kirken",
        "Sogneeftermiddag: Rejse til Grønland"]


def test_next_data_start_and_end() -> None:
    talk = _one("kirke", "Sogneeftermiddag")
    assert talk.schedule.start is not None and talk.schedule.end is not None
    assert talk.schedule.start.isoformat() == "2026-12-02T14:00:00+01:00"
    assert talk.schedule.end.isoformat() == "2026-12-02T16:00:00+01:00"


def test_next_data_place_from_an_object() -> None:
    place = _one("kirke", "Sogneeftermiddag").location
    assert (place.name, place.postcode, place.city) == ("Sognehuset", "6950", "Ringkøbing")
    assert "Kirkevej 4" in (place.address or "")


def test_next_data_price_as_a_number() -> None:
    assert _one("kirke", "Sogneeftermiddag").price.amount_dkk == 30.0


def test_next_data_price_as_text() -> None:
    assert _one("kirke", "Luciaoptog").price.is_free is True


def test_next_data_link_and_id() -> None:
    assert _one("kirke", "Luciaoptog").source.url == BASES["kirke"] + "/kalender/88415-lucia"
    _, items = SEEN["kirke"]
    assert [i.raw.origin_id for i in pages.activities(items)] == ["88412", "88415", "88420"]


def test_next_data_date_only_start_has_an_unknown_time() -> None:
    assert not _one("kirke", "Luciaoptog").schedule.time_known


def test_next_data_missing_fields_stay_unknown() -> None:
    hearts = _one("kirke", "Julehjertefletning")
    assert hearts.price.amount_dkk is None and hearts.price.is_free is None
    assert hearts.description is None and hearts.location.name is None
    assert hearts.source.url == BASES["kirke"] + "/kalender.html"


def test_next_data_entry_without_a_title_is_skipped_and_named() -> None:
    spider, _ = SEEN["kirke"]
    assert pages.stat(spider, "fkort/skipped/item_without_title") == 1


def test_data_attribute_events_are_each_an_activity() -> None:
    assert sorted(a.title for a in ACTS["spejder"]) == [
        "Bålaften for hele familien", "Juletræssalg ved hytten"]


def test_data_attribute_fields() -> None:
    fire = _one("spejder", "Bålaften")
    assert fire.price.amount_dkk == 20.0
    assert fire.organizer.name == "Vinderup Spejderne"
    assert fire.source.url == BASES["spejder"] + "/aktiviteter/baalaften"
    assert "Ørnereden" in (fire.location.name or fire.location.address or "")


def test_broken_data_attribute_is_reported() -> None:
    spider, _ = SEEN["spejder"]
    assert [t for t, _ in pages.problems(spider)] == ["broken_script_data"]


# -- title filters ---------------------------------------------------------------------------
def test_ical_room_bookings_are_excluded() -> None:
    assert sorted(a.title for a in ACTS["klubhus"]) == ["Fællesspisning i klubhuset",
                                                        "Strik og snak"]


def test_ical_defaults_fill_an_event_without_a_place_or_organiser() -> None:
    knit = _one("klubhus", "Strik og snak")
    assert knit.location.address == "Søvej 4" and knit.location.postcode == "7830"
    assert knit.organizer.name == "Vinderup Bådelaug"


def test_ical_event_with_a_place_keeps_it() -> None:
    assert _one("klubhus", "Fællesspisning").location.address == "Søvej 2"


def test_excluded_titles_are_counted_and_named() -> None:
    spider, _ = SEEN["klubhus"]
    assert pages.stat(spider, "fkort/skipped/title_filter") == 3
    named = [s["detail"] for s in pages.stat(spider, "fkort/skipped_items")]
    assert any("Klubhuset optaget" in d for d in named)
    assert not pages.problems(spider)


@pytest.mark.parametrize(("title", "why"), [
    ("Udlejet", "excluded by '^udlejet'"),
    ("UDLEJET (konfirmation)", "excluded by '^udlejet'"),
    ("Strik og snak", None),
    ("Fællesspisning – ikke udlejet", None),
])
def test_exclude_patterns(title: str, why: str | None) -> None:
    assert SOURCE["klubhus"].titles.admits(title) == why


def test_include_patterns_keep_only_matching_titles() -> None:
    only = SOURCE["bridgeklub"].model_copy(update={"titles": SOURCE["klubhus"].titles
                                                   .model_copy(update={"exclude": [],
                                                                       "include": ["bridge"]})})
    spider = pages.spider(MunicipalSpider, only)
    url = only.start_urls[0]
    items = pages.parse(spider.parse, pages.response(SITES / "bridgeklub" / "program.html",
                                                     url, fk_depth=0))
    titles = {i.raw.texts["title"] for i in pages.activities(items)}
    assert titles and all("bridge" in t.casefold() for t in titles)
    kept = len(pages.activities(items))
    assert pages.stat(spider, "fkort/skipped/title_filter") == 100 - kept


# -- invariants ------------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "activity"), ALL, ids=[f"{k}-{a.title[:30]}" for k, a in ALL])
def test_every_activity_has_a_start(source: str, activity: Activity) -> None:
    assert activity.schedule.start is not None


@pytest.mark.parametrize("source", list(SOURCE))
def test_every_source_config_is_valid(source: str) -> None:
    assert isinstance(SOURCE[source], SourceConfig)


# -- the worked examples in docs/sources.md --------------------------------------------------
DOCS = Path(__file__).resolve().parents[2] / "docs" / "sources.md"


def _doc_sources() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    part = text[text.index("### Listing with items"):text.index("### Dates without a time")]
    return [block.split("```", 1)[0] for block in part.split("```toml")[1:]]


@pytest.mark.parametrize("block", _doc_sources())
def test_the_worked_examples_are_valid_sources(block: str) -> None:
    found = tomllib.loads(block)["source"]
    assert found and all(SourceConfig.model_validate(s) for s in found)


# -- portal posts without a link of their own ------------------------------------------------
PORTAL = pages.sources("""
[[source]]
name = "naboportal"
kind = "portal"
spider = "portal"
start_urls = ["https://naboportal.example/opslag.html"]
[source.selectors]
item = "li.opslag"
title = ".opslag__titel"
description = ".opslag__tekst"
city = ".opslag__by"
""", {})["naboportal"]


def test_portal_posts_without_links_are_each_an_activity() -> None:
    spider = pages.spider(PortalSpider, PORTAL)
    page = pages.response(SITES / "portal" / "opslag.html", PORTAL.start_urls[0], fk_depth=0)
    acts = pages.normalize(pages.parse(spider.parse, page))
    assert len({a.id for a in acts}) == len(acts) == 3
    assert not pages.problems(spider)


def test_the_defaults_municipality_is_the_options_one() -> None:
    """`[source.defaults] municipality` and `[source.options] municipality` are one value:
    either spelling reaches every spider, and two different values are refused."""
    base = {"name": "klub", "kind": "municipal", "start_urls": ["https://klub.example/"]}
    by_defaults = SourceConfig.model_validate({**base, "defaults": {"municipality": "Struer"}})
    assert by_defaults.options.municipality == "Struer"
    with pytest.raises(ValueError, match="differ"):
        SourceConfig.model_validate({**base, "defaults": {"municipality": "Struer"},
                                     "options": {"municipality": "Lemvig"}})


# -- script data: `*` and alternative paths, skip, status_if_set, paging in the URL ----------
FORENING = pages.sources("""
[[source]]
name = "foreningskalender"
kind = "municipal"
spider = "municipal"
start_urls = ["https://forening.example/kalender/side/1"]
[source.script_data]
selector = "script#data"
items = "kalender.begivenheder"
skip = { lukket = { "grupper.*.navn" = ["Bestyrelse"] } }
status_if_set = { aflyst_den = "aflyst" }
[source.script_data.fields]
title = "navn"
description = ["tekst.lang", "tekst.kort"]
start = "start"
category = "grupper.*.navn"
[source.script_data.paging]
in_url = "/side/(\\\\d+)"
page = "kalender.side"
last = "kalender.sider"
""", {})["foreningskalender"]


def _forening_page(tmp_path: Path, side: int, sider: int, events: list[dict[str, Any]]) -> Any:
    data = {"kalender": {"side": side, "sider": sider, "begivenheder": events}}
    page = tmp_path / f"side-{side}.html"
    page.write_text(f'<html><body><script id="data" type="application/json">{json.dumps(data)}'
                    '</script></body></html>', encoding="utf-8")
    return pages.response(page, f"https://forening.example/kalender/side/{side}")


def test_script_data_paths_skip_status_and_paging(tmp_path: Path) -> None:
    spider = pages.spider(MunicipalSpider, FORENING)
    out = pages.parse(spider.parse, _forening_page(tmp_path, 1, 2, [
        {"navn": "Petanque", "start": "2026-12-02T10:00", "tekst": {"kort": "Alle kan være med."},
         "grupper": [{"navn": "Motion"}, {"navn": "Udendørs"}]},
        {"navn": "Bestyrelsesmøde", "start": "2026-12-03T19:00",
         "grupper": [{"navn": "Bestyrelse"}]},
        {"navn": "Juletur til Lemvig", "start": "2026-12-12T09:00", "aflyst_den": "2026-11-20",
         "tekst": {"lang": "Bussen kører fra torvet.", "kort": "Tur."}},
    ]))
    assert [r.url for r in pages.requests(out)] == ["https://forening.example/kalender/side/2"]
    raws = [i.raw for i in pages.activities(out)]
    assert [(r.structured or {}).get("name") for r in raws] == ["Petanque", "Juletur til Lemvig"]
    assert [r.texts.get("category") for r in raws] == ["Motion, Udendørs", None]
    assert [r.texts.get("status") for r in raws] == [None, "aflyst"]
    assert [a.description for a in pages.normalize(pages.activities(out))] == [
        "Alle kan være med.", "Bussen kører fra torvet."]
    assert pages.stat(spider, "fkort/skipped/lukket") == 1
    # The last page asks for no further one.
    last = pages.parse(spider.parse, _forening_page(tmp_path, 2, 2, [
        {"navn": "Nytårskur", "start": "2027-01-02T14:00"}]))
    assert pages.requests(last) == []
