"""Ældre Sagen's local departments (lokalafdelinger) on aeldresagen.dk: each department's
list of activities and one page per activity, read by the `municipal` spider as a listing
(`[source.items]`, each card followed to its page) and the page's labelled facts.

What the platform looks like was learnt from public source, not from the site itself: the
Ærø calendar github LeoWattenberg/aeroevents, `scripts/sources/aeldresagen.ts` (its parser),
`tests/sources/aeldresagen.test.ts` and `docs/source-candidates.md` (its inventory of sources);
and, for the `/lokalafdelinger/<department>/` layout, stored copies of department pages (e.g.
https://www.aeldresagen.dk/lokalafdelinger/herlev/om-lokalafdelingen):

- a department's list: `/lokalafdelinger/<department>/aktiviteter-og-kurser` (the notes add
  `?sortering=dato`, a sort order only), one `section.common-list.js-activity-list` with
  "Vi har fundet <span class="js-activity-result-amount">N</span> resultater", and
  `ul.js-activity-result-list > li.o-list-cards__item > a.o-list-card[href]` holding
  `.o-list-card__heading`; no paging is documented, so a list with fewer cards than its
  stated number is reported (`listing_incomplete`), as the parser there checks too;
- an activity: `/aktiviteter-og-kurser/kommune/<municipality>/<department>/<id>-<slug>`
  (a stable numeric id), title in `.page-headline h1`, the facts as
  `section.activity .deals-view__details__item`, each an `h2` label ("Hvem", "Hvornår")
  followed by its text (`<br>` between lines: "Alle uger / Ugedag: / Mandag kl. 10:00 -
  11:00 / Næste forekomst: / Mandag d. 21.09.2026 / kl. 10:00 - 11:00" for a weekly one,
  "28.10.2026 kl.15.00-17.00" for a one-off), and `.deals-view__article__content` with
  `h2` sections "Mødested" and "Beskrivelse" (price and sign-up as lines of it, "Pris: ...",
  "Bindende tilmelding ..."); cancelled/postponed in the title or a badge or alert in the
  headline ("Aflyst"), full in a badge or the text ("Udsolgt", "Fuldt booket", "Venteliste").

Facts the same pages may label on their own ("Pris", "Tilmelding") are read from either
place. Contact persons (volunteers, private persons) are never read: the description stops
at the next heading, so a "Kontaktperson" section is not part of it, and the activities'
pages are not kept in the HTTP cache (`dont_cache`). Board meetings are no
offer to citizens and are left out by title (counted as `skipped.title_filter`).

Assumed, not documented: the department's name on its list page, read from the headline's
topic (`.page-headline__topic`) as each activity's organiser; when a page has none the
organiser is "Ældre Sagen" (the `[source.defaults]`), never a guessed department name.
"""

from __future__ import annotations

from typing import Any

#: The preset (see crawlers.platforms).
NAME = "aeldresagen"

#: One CSS class among an element's classes, in XPath.
_ACTIVITY = "//section[contains(concat(' ', normalize-space(@class), ' '), ' activity ')]"
_FACT = _ACTIVITY + "//div[contains(@class, 'deals-view__details__item')]"
_ARTICLE = "//article[contains(@class, 'deals-view__article__content')]"
_HEADLINE = "//div[contains(@class, 'page-headline')]"


def _fact(label: str) -> str:
    """A labelled fact of the details box: what follows its heading."""
    return f"{_FACT}[h2[normalize-space()='{label}']]/node()[not(self::h2)]"


def _section(label: str) -> str:
    """A section of the article: the elements after its heading, up to the next heading."""
    return (f"{_ARTICLE}/h2[normalize-space()='{label}']/following-sibling::*"
            f"[not(self::h2)][preceding-sibling::h2[1][normalize-space()='{label}']]")


PRESET: dict[str, Any] = {
    "kind": "municipal",
    "spider": "municipal",
    "items": {
        "item": "ul.js-activity-result-list > li.o-list-cards__item",
        "title": ".o-list-card__heading",
        "link": "a.o-list-card",
        # The list page's department, for every card on it (an XPath from the page's root).
        "organizer": f"xpath:{_HEADLINE}//*[contains(@class, 'page-headline__topic')]",
        "follow_link": True,
        # "Vi har fundet 7 resultater": a list that shows fewer cards is reported.
        "count": ".js-activity-result-amount",
    },
    "selectors": {
        "title": f"xpath:{_HEADLINE}//h1",
        "when": f"xpath:{_fact('Hvornår')}",
        "age": f"xpath:{_fact('Hvem')}",
        "where": f"xpath:{_section('Mødested')} | {_fact('Mødested')}",
        "price": (f"xpath:{_fact('Pris')} | {_section('Pris')}"
                  f" | {_section('Beskrivelse')}[starts-with(normalize-space(), 'Pris')]"),
        "signup": f"xpath:{_fact('Tilmelding')} | {_section('Tilmelding')}",
        "description": (f"xpath:{_HEADLINE}//*[contains(@class, 'a-manchet')]"
                        f" | {_section('Beskrivelse')}"),
        "status": (f"xpath:{_ACTIVITY}//*[contains(@class, 'badge')]"
                   f" | {_HEADLINE}//*[contains(@class, 'alert-notification')]"
                   "[not(contains(@class, 'page-headline__topic'))]"),
    },
    # An activity's page may name its contact person (a volunteer, with a mobile number):
    # read without that section, and never kept in the HTTP cache.
    "options": {"dont_cache": ["/aktiviteter-og-kurser/kommune/"]},
    "defaults": {"organizer": "Ældre Sagen"},
    "titles": {"exclude": ["bestyrelsesm[øo]de"]},
}
