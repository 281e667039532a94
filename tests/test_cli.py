"""The `fkort` command as operators run it."""

from __future__ import annotations

import json
from pathlib import Path

from index.backends.sqlite import SQLiteBackend
from tests.conftest import run_fkort
from tests.index.corpus import make


def test_schema_exports_both_types() -> None:
    proc = run_fkort("schema")
    assert proc.returncode == 0, proc.stderr
    schemas = json.loads(proc.stdout)
    assert set(schemas) == {"Activity", "Organization"}
    props = schemas["Activity"]["properties"]
    for field in ("id", "title", "organizer", "categories", "location", "schedule", "age",
                  "price", "accessibility", "drop_in", "language", "source", "first_seen",
                  "last_seen", "status"):
        assert field in props
    assert "municipality" in schemas["Organization"]["properties"]


def test_search_prints_hits_nearest_first(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    b = SQLiteBackend(db)
    b.upsert([make("near", "Strikkeklub", at=(56.361, 8.62)),
              make("far", "Strikkecafé", at=(56.40, 8.62))])
    b.close()
    proc = run_fkort("search", "strik", "--near", "56.36,8.62", "--radius-km", "10",
                     "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("- ")]
    assert lines[0].startswith("- Strikkeklub") and lines[1].startswith("- Strikkecafé")
    assert "2 fundet" in proc.stdout


def test_search_that_finds_nothing_names_the_words_and_a_category(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    b = SQLiteBackend(db)
    b.upsert([make("gym", "Stolegymnastik", at=(56.361, 8.62), categories=["motion"])])
    b.close()
    proc = run_fkort("search", "yoga", "--near", "56.36,8.62", "--radius-km", "10",
                     "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "0 fundet", "Ingen aktiviteter med »yoga«.",
        "Prøv kategorien Motion og bevægelse (--categories motion)."]


def test_search_bad_point_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_fkort("search", "--near", "Nørregade 3, Ukendtby", "--db",
                     str(tmp_path / "x.db"))
    assert proc.returncode == 2
    assert "lat,lon" in proc.stderr and "Ukendtby" not in proc.stderr


def test_crawl_with_a_broken_sources_file_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nname = "X Y"\nkind = "municipal"\nstart_urls = []\n')
    proc = run_fkort("crawl", "--sources", str(bad), "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2
    assert "source X Y" in proc.stderr


def test_crawl_unknown_source_name(tmp_path: Path) -> None:
    ok = tmp_path / "sources.toml"
    ok.write_text('[[source]]\nname = "a"\nkind = "municipal"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    proc = run_fkort("crawl", "--sources", str(ok), "--source", "b", "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2 and "unknown source" in proc.stderr
