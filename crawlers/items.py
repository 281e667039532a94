"""What spiders hand to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass

from core.schema import Activity, Organization, RawActivity


@dataclass
class ActivityItem:
    """One activity as extracted from one page, not yet interpreted."""

    raw: RawActivity
    #: The page it was found on, as the crawler asked for it (a feed, a listing, its own
    #: page); set by crawlers.evidence.EvidenceMiddleware.
    found_at: str | None = None


@dataclass
class OrganizationItem:
    """An association or organiser described on a page."""

    raw: RawActivity
    data: dict[str, object]


@dataclass
class NormalizedItem:
    """An activity after `normalize`, ready for the index."""

    activity: Activity
    found_at: str | None = None


@dataclass
class NormalizedOrganization:
    organization: Organization
