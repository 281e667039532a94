"""What one crawl run could vouch for: which pages it read, which the site said are gone, and
which it could not read. The stale sweep asks it, for each activity a run did not find,
whether the site said the activity is gone or the run merely failed to reach it.

Pages are keyed by the address the crawler asked for (before redirects), so that the same
page has the same key in every run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Problems that are the site's own word about an activity, not a failure to read its page:
#: the page was read, and what it says counts (a cancelled or past event, one only online,
#: one the site says was removed).
STATEMENTS = frozenset({"canceled_event", "past_event", "online_only", "removed"})

#: HTTP statuses with which a site says a page is gone.
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Verdict:
    """Whether the site vouched that an activity is gone, and on what evidence."""

    gone: bool
    #: page_gone, not_on_page, listing_gone, not_linked, not_reached; or, when not gone,
    #: the failure that kept the run from knowing (http_500, TimeoutError, robots_txt, ...).
    why: str
    #: The page the verdict rests on (the activity's own page or a listing above it).
    url: str


@dataclass
class RunEvidence:
    """Per-page outcomes of one run of one source."""

    #: Pages fetched and handed to the spider whose reading finished.
    read: set[str] = field(default_factory=set)
    #: Pages the site answered 404 or 410.
    gone: set[str] = field(default_factory=set)
    #: Pages that could not be fetched (after retries), with the reason: a page-level failure.
    failed: dict[str, str] = field(default_factory=dict)
    #: Pages fetched but not fully read (broken data, a login wall, an item dropped), with the
    #: reason.
    unread: dict[str, str] = field(default_factory=dict)
    #: Pages not fetched by choice (robots.txt), with the reason.
    skipped: dict[str, str] = field(default_factory=dict)
    #: Each page asked for in this run and the page that linked it (None: a start page).
    via: dict[str, str | None] = field(default_factory=dict)
    #: Each activity found in this run and the page it was found on.
    found_at: dict[str, str] = field(default_factory=dict)
    #: Addresses a page ended at after redirects, and the address first asked for.
    aliases: dict[str, str] = field(default_factory=dict)

    def key(self, url: str) -> str:
        return self.aliases.get(url, url)

    def note_problem(self, url: str, reason: str) -> None:
        """A problem with a page that was fetched: unless it is the site's own statement,
        the page was not fully read."""
        if reason not in STATEMENTS:
            # Both the address asked for and the one a redirect ended at: a problem on either
            # leaves what either held unverified.
            self.unread.setdefault(self.key(url), reason)
            self.unread.setdefault(url, reason)

    def outcome(self, url: str) -> str | None:
        """"read", "gone", a failure reason, or None when this run did not ask for the page."""
        for reasons in (self.failed, self.unread, self.skipped):
            if url in reasons:
                return reasons[url]
        if url in self.gone:
            return "gone"
        if url in self.read:
            return "read"
        return None

    def verdict(self, page: str, known_links: Mapping[str, str | None]) -> Verdict:
        """Whether the site vouched that an activity last found on `page` is gone.

        The page itself, read or answered 404/410 in this run, decides. A page not asked for
        is decided by the page that linked it last time (this run's link, else the one kept
        from earlier runs): read cleanly and no longer linking it, or gone, the site has
        spoken; not read, the run could not know, and the activity is kept.
        """
        url: str | None = page
        own = True
        visited: set[str] = set()
        while url is not None and url not in visited:
            visited.add(url)
            outcome = self.outcome(url)
            if outcome == "gone":
                return Verdict(True, "page_gone" if own else "listing_gone", url)
            if outcome == "read":
                return Verdict(True, "not_on_page" if own else "not_linked", url)
            if outcome is not None:
                return Verdict(False, outcome, url)
            own = False
            url = self.via.get(url) or known_links.get(url)
        # No page of this run leads to it (a start page dropped from the configuration, or
        # data from before pages were recorded): only a run without any failure may say.
        if self.failed or self.skipped:
            return Verdict(False, "not_reached", page)
        return Verdict(True, "not_reached", page)
