"""When a free-text search finds nothing: which of the citizen's words no activity holds, and
the interest categories those words stand for that do have activities (the same answer on
every backend: it asks only through the search contract)."""

from __future__ import annotations

from index.contract import IndexBackend, SearchQuery, SearchResult
from normalize import question
from normalize.category import parse_categories


def explain_empty(index: IndexBackend, q: SearchQuery, result: SearchResult) -> SearchResult:
    """The result with `not_found` and `suggested_categories` filled in when a search with
    free text found nothing; any other result unchanged.

    A word is not found when it alone (or its concept, "mistet min mand" as one) finds nothing
    under the search's other filters; when every word finds something and only together they
    do not, none is named. The categories offered are those of the words not found (or of all
    words, when none is named), by the concept map and the category phrases, each only when a
    search for it under the same filters finds something.
    """
    if result.total or not q.text:
        return result
    plan = question.plan(q.text)
    if plan is None:
        return result
    lone = q.model_copy(update={"limit": 1, "offset": 0})
    missing = [g for g in plan.groups
               if index.search(lone.model_copy(update={"text": " ".join(g.words)})).total == 0]
    about = missing or list(plan.groups)
    slugs: dict[str, None] = {}
    for g in about:
        for slug in question.TextPlan((g,), 1, ()).categories():
            slugs.setdefault(slug, None)
        for slug in parse_categories(" ".join(g.words)):
            slugs.setdefault(slug, None)
    offered = [s for s in slugs
               if index.search(lone.model_copy(update={"text": None, "categories": [s]})).total]
    return result.model_copy(update={
        "not_found": [w for g in missing for w in g.words],
        "suggested_categories": offered})
