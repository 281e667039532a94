"""An interrupted rebuild on a real OpenSearch node: the alias keeps serving the last complete
index throughout, and the next rebuild removes the half-built index it left (only that one:
never the serving index, never another alias's indices)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.schema import Activity
from index import SearchQuery
from tests.conftest import REPO
from tests.index.corpus import make

URL = os.environ.get("FKORT_TEST_OPENSEARCH_URL")
pytestmark = pytest.mark.skipif(not URL, reason="set FKORT_TEST_OPENSEARCH_URL to a node")


def _items(prefix: str, n: int) -> list[Activity]:
    return [make(f"{prefix}{i}", f"Aktivitet {prefix} {i}", at=(56.0 + i * 1e-4, 9.0))
            for i in range(n)]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Any]:
    from index import open_backend

    alias = f"t-rebuild-{tmp_path.name.casefold().replace('_', '-')}-{os.getpid()}"[:60]
    b: Any = open_backend("opensearch", url=URL, alias=alias)
    yield b
    b.client.indices.delete(index=f"{alias}*", ignore_unavailable=True)
    b.close()


def _serves(engine: Any, title_word: str, count: int) -> bool:
    """The alias answers a search, with `count` activities, all of the expected build."""
    result = engine.search(SearchQuery(limit=5))
    return (engine.count() == count and result.total == count
            and all(title_word in h.activity.title for h in result.hits))


def _indices(engine: Any, pattern: str) -> dict[str, Any]:
    return dict(engine.client.indices.get_alias(index=pattern))


#: The interrupted rebuild: a child process fills the new index with one batch, says so, then
#: waits to be killed with SIGKILL (nothing in it gets to clean up).
CHILD = textwrap.dedent("""
    import sys, time
    from index import open_backend
    from tests.index.corpus import make

    def items():
        for i in range(1500):
            yield make(f"half{i}", f"Halvbygget {i}", at=(56.0, 9.0))
            if i == 1200:  # the first 1000 are written by now
                print("half-built", flush=True)
                time.sleep(600)

    open_backend("opensearch", url=sys.argv[1], alias=sys.argv[2]).rebuild(items())
""")


def _killed_mid_rebuild(engine: Any) -> str:
    """Run a rebuild in a child process and kill -9 it midway; returns the index it left."""
    before = set(_indices(engine, f"{engine.alias}-*"))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(URL), engine.alias], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "half-built", child.stderr.read() if child.stderr else ""
        # Mid-rebuild, the alias still serves the last complete index.
        assert _serves(engine, "Hel", 30)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    (left,) = set(_indices(engine, f"{engine.alias}-*")) - before
    return left


def test_an_interrupted_rebuild_leaves_no_orphan_after_the_next(engine: Any) -> None:
    engine.rebuild(_items("Hel", 30))
    serving = engine.current_index()
    # Neighbours that are not ours to remove: another alias whose name starts with ours
    # (with its own versioned index, which it does not even point to), and an index of
    # ours by name but not of the versioned form.
    other_alias = f"{engine.alias}-b"
    other_index = f"{other_alias}-20260101000000-1"
    plain = f"{engine.alias}-keep"
    for name in (other_index, plain):
        engine.client.indices.create(index=name)

    left = _killed_mid_rebuild(engine)
    assert engine.versioned(left) and left != serving
    assert not _indices(engine, left)[left]["aliases"]  # half-built, and nobody's
    assert _serves(engine, "Hel", 30)  # after the kill, too

    seen_during: list[bool] = []

    def good() -> Iterator[Activity]:
        for i, a in enumerate(_items("Ny", 40)):
            if i == 20:  # the next rebuild, midway: the old index still answers, whole
                seen_during.append(_serves(engine, "Hel", 30))
            yield a

    engine.rebuild(good())
    assert seen_during == [True]
    assert _serves(engine, "Ny", 40)
    ours = _indices(engine, f"{engine.alias}-*")
    assert left not in ours and serving not in ours  # the orphan and the replaced index
    assert set(ours) == {engine.current_index(), other_index, plain}
    assert [n for n in ours if engine.versioned(n)] == [engine.current_index()]


def test_a_rebuild_interrupted_in_process_cleans_up_after_itself(engine: Any) -> None:
    """An error, or Ctrl-C, in the middle: the new index is deleted at once; the alias still
    serves the last complete one; nothing is left for the next rebuild to find."""
    engine.rebuild(_items("Hel", 30))
    serving = engine.current_index()
    for interruption in (RuntimeError("the store broke off"), KeyboardInterrupt()):

        def broken(exc: BaseException = interruption) -> Iterator[Activity]:
            yield from _items("Halv", 1500)[:1200]
            raise exc

        with pytest.raises(type(interruption)):
            engine.rebuild(broken())
        assert engine.current_index() == serving and _serves(engine, "Hel", 30)
        assert list(_indices(engine, f"{engine.alias}-*")) == [serving]
    assert engine.remove_orphans() == []
