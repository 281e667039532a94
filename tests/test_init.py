"""`fkort init --kommune NAME` and the shipped sources.toml it writes (all switched off)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawlers import catalogue
from crawlers.sources import load_sources
from tests.conftest import REPO, run_fkort

SEEDS = ("Holstebro", "Assens", "København")


def test_init_writes_every_known_source_with_schedule_and_politeness(tmp_path: Path) -> None:
    out = tmp_path / "sources.toml"
    proc = run_fkort("init", "--kommune", "Holstebro", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    sources = load_sources(out)
    wanted = catalogue.entries(catalogue.find("Holstebro"))
    assert [s.name for s in sources] == [e["name"] for e in wanted]
    assert {s.platform for s in sources} >= {"dpl-cms", "sogn", "aeldresagen", "dn"}
    to_check = {e["name"] for e in wanted if e.get("check")}
    text = out.read_text(encoding="utf-8")
    for s in sources:
        assert s.schedule and s.options.download_delay
        assert s.options.municipality == "Holstebro"
        assert s.name.startswith("holstebro-")
        # What is not confirmed is written switched off, saying what to check.
        assert s.enabled is (s.name not in to_check)
    assert text.count("# CHECK BEFORE ENABLING: ") == len(to_check) > 0
    on = len(sources) - len(to_check)
    assert (f"wrote {out}: {len(sources)} source(s) for Holstebro ({on} enabled; "
            f"{len(to_check)} switched off until checked") in proc.stderr


def test_names_are_found_however_they_are_written() -> None:
    kbh = catalogue.find("København")
    for spelling in ("københavn", "Kobenhavn", "Københavns Kommune", "KØBENHAVN"):
        assert catalogue.find(spelling) == kbh
    assert catalogue.find("Assens Kommune").code == "0420"


def test_the_parishes_are_asked_by_sogn_dks_spelling_but_stored_by_the_municipality(
        tmp_path: Path) -> None:
    out = tmp_path / "kbh.toml"
    assert run_fkort("init", "--kommune", "København", "--out", str(out)).returncode == 0
    (sogne,) = [s for s in load_sources(out) if s.platform == "sogn"]
    assert sogne.options.municipality == "København"
    assert sogne.json_vars()["municipality"] == "Københavns"


def test_an_unknown_municipality_names_the_known_ones(tmp_path: Path) -> None:
    out = tmp_path / "x.toml"
    proc = run_fkort("init", "--kommune", "Holsterbro", "--out", str(out))
    assert proc.returncode == 2 and not out.exists()
    assert "no municipality 'Holsterbro'; known: Assens, Holstebro, København" in proc.stderr


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "sources.toml"
    out.write_text("# mine\n", encoding="utf-8")
    proc = run_fkort("init", "--kommune", "Assens", "--out", str(out))
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "# mine\n"
    assert run_fkort("init", "--kommune", "Assens", "--out", str(out),
                     "--force").returncode == 0
    assert load_sources(out)


def test_the_shipped_sources_file_is_init_for_the_seeds_switched_off() -> None:
    """The shipped file is exactly what init writes for the seeds' municipalities, so the
    two cannot drift; every source in it is off until an operator switches it on."""
    args = [a for name in SEEDS for a in ("--kommune", name)]
    proc = run_fkort("init", *args, "--disabled", "--out", "-")
    assert proc.returncode == 0, proc.stderr
    shipped = (REPO / "sources.toml").read_text(encoding="utf-8")
    assert shipped == proc.stdout, "regenerate: fkort init " + " ".join(args) + \
        " --disabled --out sources.toml --force"
    sources = load_sources(REPO / "sources.toml")
    assert sources and not any(s.enabled for s in sources)
    assert {s.options.municipality for s in sources} == set(SEEDS)
    assert len({s.name for s in sources}) == len(sources)
    assert all(e["enabled"] is False for e in tomllib.loads(shipped)["source"])


@pytest.mark.parametrize("named", [True, False])
def test_a_crawl_of_a_disabled_source_says_how_to_enable_it(tmp_path: Path,
                                                           named: bool) -> None:
    pick = ["--source", "holstebro-bibliotek"] if named else []
    proc = run_fkort("crawl", "--sources", str(REPO / "sources.toml"), *pick,
                     env={"FKORT_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2
    if named:
        assert "holstebro-bibliotek is disabled; to crawl it, set `enabled = true` in its " \
               "[[source]]" in proc.stderr
    else:
        assert "disabled source(s) not crawled (holstebro-bibliotek, " in proc.stderr
    assert "no sources to crawl" in proc.stderr
