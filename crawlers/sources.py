"""The sources file (`sources.toml`): which sites to crawl and how, one table per source."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.schema import MERGED_PREFIX, SourceKind
from records import crawl_schedule


class SourceOptions(BaseModel):
    """How the generic spider walks a site."""

    model_config = ConfigDict(extra="forbid")

    #: Regular expressions; links whose URL matches one are followed (listing → detail pages).
    follow: list[str] = Field(default_factory=list)
    #: CSS selector of the links from a listing to its detail pages; every page reached by one
    #: must give an item, or it is reported.
    detail_links: str | None = None
    #: CSS selector of the link to a listing's next page.
    next_page: str | None = None
    #: Regular expressions of URLs never followed.
    deny: list[str] = Field(default_factory=list)
    #: Regular expressions of detail pages: each must yield an item, or it is reported.
    detail: list[str] = Field(default_factory=list)
    sitemap_urls: list[str] = Field(default_factory=list)
    #: Fetch pages through a real browser (scrapy-playwright), for sites built by JavaScript.
    render: bool = False
    #: With `render`: a CSS selector to wait for before the page is read.
    render_wait: str | None = None
    #: Ignore robots.txt for this source. Only for sites whose owner agreed; written to the log.
    ignore_robots_txt: bool = False
    max_depth: Annotated[int, Field(ge=0, le=10)] = 3
    #: Default municipality for activities of this source (a municipality's own site).
    municipality: str | None = None

    @field_validator("follow", "deny", "detail")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
        return v


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    kind: SourceKind
    spider: str = "jsonld"
    start_urls: Annotated[list[str], Field(min_length=1)]
    allowed_domains: list[str] = Field(default_factory=list)
    schedule: str = "daily"
    enabled: bool = True
    options: SourceOptions = Field(default_factory=SourceOptions)
    #: Per-field CSS selectors (or "xpath:..."), for pages without structured data:
    #: title, description, when, where, price, age, accessibility, signup, organizer, contact,
    #: category.
    selectors: dict[str, str] = Field(default_factory=dict)
    #: Association directories: `item` selects one association; name, url, email, phone,
    #: address, description select inside it.
    organizations: dict[str, str] = Field(default_factory=dict)
    #: JSON endpoints (portals): where the list, the next page and each field are, as dotted
    #: paths ("area.postcode").
    api: dict[str, str] = Field(default_factory=dict)

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str) -> str:
        crawl_schedule.parse(v)  # raises with the accepted forms
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v == MERGED_PREFIX:
            raise ValueError(f"the name {v!r} is reserved for merged records")
        return v

    @property
    def timing(self) -> crawl_schedule.CrawlSchedule:
        return crawl_schedule.parse(self.schedule)


class SourcesError(ValueError):
    """The sources file cannot be used; the message says where and why."""


def load_sources(path: Path, *, substitute: dict[str, str] | None = None) -> list[SourceConfig]:
    """Read and check a sources file. `{key}` placeholders are replaced from `substitute`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc.strerror}") from exc
    for key, value in (substitute or {}).items():
        text = text.replace("{" + key + "}", value)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: expected [[source]] tables")
    sources: list[SourceConfig] = []
    for i, entry in enumerate(entries, 1):
        try:
            sources.append(SourceConfig.model_validate(entry))
        except ValidationError as exc:
            name = entry.get("name", f"#{i}") if isinstance(entry, dict) else f"#{i}"
            raise SourcesError(f"{path}: source {name}: {exc}") from exc
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourcesError(f"{path}: source names must be unique: {', '.join(dupes)}")
    return sources
