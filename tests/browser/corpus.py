"""A small Holstebro corpus for the browser tests and the README's screenshots: varied enough
to show every kind of value on the page (stated yes, stated no, not stated; a place known
exactly, only by town, or not at all)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from core.schema import Activity, organization_id
from index.backends.sqlite import SQLiteBackend
from records.runlog import Run, RunLog
from tests.index.corpus import SEEN, TZ, make

#: Near the middle of Holstebro (the offline gazetteer puts "7500 Holstebro" here too).
HOLSTEBRO = (56.36009, 8.61607)
#: The association of the association page's tests: known only as the organiser named on two
#: listings, one read well but placed only by town, one whose time and place could not be read.
ASSOCIATION = "Seniorforeningen Holstebro"
_SENIOR = {"organization_id": organization_id(ASSOCIATION), "organizer": {"name": ASSOCIATION}}

ACTIVITIES: list[Activity] = [
    make("braet", "Brætspilsaften i Medborgerhuset", at=(56.3601, 8.6155),
         description="Vi spiller brætspil og kortspil, drikker kaffe og hygger. Nye er "
                     "velkomne, og vi lærer dig spillene. Lokalet har teleslynge.",
         location={"name": "Medborgerhuset", "address": "Kirkestræde 11", "postcode": "7500"},
         schedule={"kind": "recurring", "start": datetime(2026, 9, 1, 19, tzinfo=TZ),
                   "end": datetime(2026, 9, 1, 21, 30, tzinfo=TZ),
                   "rrule": "FREQ=WEEKLY;BYDAY=TU"},
         categories=["spil"], drop_in=True, age={"min": 60},
         price={"amount_dkk": 20, "is_free": False, "period": "per_time"},
         accessibility={"hearing_loop": True, "wheelchair": True, "step_free": True},
         organizer={"name": "Medborgerhuset Holstebro", "phone": "97 11 22 33",
                    "email": "spil@medborgerhuset.example", "url": "https://medborgerhuset.example"}),
    make("strik", "Strikkeklubben Maskerne", at=(56.3700, 8.6300),
         description="Vi strikker, hækler og snakker hver tirsdag eftermiddag.",
         location={"address": "Skolegade 4", "postcode": "7500"},
         categories=["kreativ"], drop_in=False, price={"is_free": True},
         accessibility={"wheelchair": False},
         organizer={"name": "Strikkeklubben Maskerne"}),
    make("sang", "Fællessang på biblioteket", at=(56.3582, 8.6120),
         description="Vi synger fra Højskolesangbogen med pianist. Kaffe kan købes.",
         location={"name": "Holstebro Bibliotek", "address": "Batum Allé 1", "postcode": "7500"},
         schedule={"kind": "recurring", "start": datetime(2026, 9, 3, 10, tzinfo=TZ),
                   "end": datetime(2026, 9, 3, 11, 30, tzinfo=TZ),
                   "rrule": "FREQ=WEEKLY;BYDAY=TH"},
         categories=["musik_sang"], accessibility={"step_free": True},
         organizer={"name": "Holstebro Bibliotek"}),
    make("maend", "Mændenes Værksted", categories=["maend", "kreativ"],
         location={"city": "Holstebro", "lat": HOLSTEBRO[0], "lon": HOLSTEBRO[1],
                   "precision": "town"},
         description="Træarbejde og en kop kaffe for mænd i alle aldre.", **_SENIOR),
    make("gaa", "Gå-gruppen i plantagen", categories=["motion", "natur_have"],
         location={"city": "Holstebro"},
         schedule={"kind": "unknown", "start": None, "end": None, "rrule": None,
                   "text": "Hver onsdag formiddag"},
         description="Vi går en tur i plantagen og snakker undervejs.", **_SENIOR),
    make("assens", "Mænds Mødested Assens", at=(55.2700, 9.9000), categories=["maend"],
         location={"city": "Assens", "municipality": "Assens"}),
]


for _a in ACTIVITIES:  # a source name as a real listing would show it
    _a.source.name = "assens.dk" if _a.location.city == "Assens" else "holstebro.dk"


def build_index(path: Path, activities: list[Activity] | None = None) -> Path:
    """A real SQLite index at `path` holding the corpus (or the activities given)."""
    backend = SQLiteBackend(path)
    backend.upsert(ACTIVITIES if activities is None else activities)
    backend.close()
    return path


def record_crawls(data_dir: Path) -> Path:
    """A crawl log in `data_dir` (crawls.db) with one good run of each of the corpus's sources,
    finishing when the corpus was last seen: the association page shows when each was crawled."""
    log = RunLog(data_dir / "crawls.db")
    try:
        for name in sorted({a.source.name for a in ACTIVITIES}):
            items = sum(1 for a in ACTIVITIES if a.source.name == name)
            log.record(Run(name, SEEN - timedelta(minutes=4), SEEN, "ok", items, items, 0, 0,
                           items, 0, 0, {}))
    finally:
        log.close()
    return data_dir
