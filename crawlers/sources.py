"""The sources file (`sources.toml`): which sites to crawl and how, one table per source."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.schema import MERGED_PREFIX, SourceKind
from crawlers import platforms
from records import crawl_schedule


def _check_regexes(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
    return patterns


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
    #: Regular expressions of pages never kept in the HTTP cache: pages that name private
    #: persons (an association's volunteers with their phone numbers) are read, never stored.
    dont_cache: list[str] = Field(default_factory=list)
    sitemap_urls: list[str] = Field(default_factory=list)
    #: Fetch pages through a real browser (scrapy-playwright), for sites built by JavaScript.
    render: bool = False
    #: With `render`: a CSS selector to wait for before the page is read.
    render_wait: str | None = None
    #: Ignore robots.txt for this source. Only for sites whose owner agreed; written to the log.
    ignore_robots_txt: bool = False
    max_depth: Annotated[int, Field(ge=0, le=10)] = 3
    #: At least this many seconds between two requests to this source's site (the global
    #: DOWNLOAD_DELAY otherwise); a longer robots.txt Crawl-delay wins.
    download_delay: Annotated[float, Field(ge=0, le=120)] | None = None
    #: Default municipality for activities of this source (a municipality's own site).
    municipality: str | None = None
    #: Read `[source.selectors]` also on a page whose structured data gives its one activity:
    #: their texts fill what the structured data leaves unsaid ("Venteliste" in a sign-up box
    #: the JSON-LD does not state). A page with several structured activities is not filled.
    selectors_fill: bool = False

    _regexes = field_validator("follow", "deny", "detail", "dont_cache")(_check_regexes)


class ListingItems(BaseModel):
    """`[source.items]`: a listing page with many activities. `item` selects one activity;
    the other selectors (CSS, or "xpath:...") select inside it. `link` is the item's own page
    (its href); `id` the site's identifier for it (its text, or an attribute by XPath)."""

    model_config = ConfigDict(extra="forbid")

    item: str
    title: str
    when: str | None = None
    where: str | None = None
    price: str | None = None
    age: str | None = None
    description: str | None = None
    organizer: str | None = None
    category: str | None = None
    #: What the listing says of the item's state ("Aflyst", "Udsolgt"), kept as text.
    status: str | None = None
    link: str | None = None
    id: str | None = None
    #: Read the page each item links to; what the listing shows (a price, "Aflyst") fills
    #: what the page does not say.
    follow_link: bool = False
    #: Where the page says how many items it lists ("Vi har fundet 12 resultater"), selected
    #: from the page's root: fewer items on the page is reported (`listing_incomplete`).
    count: str | None = None

    def fields(self) -> dict[str, str]:
        """The text fields by name, as the normaliser reads them."""
        skip = {"item", "link", "id", "follow_link", "count"}
        return {k: v for k, v in self.model_dump().items() if k not in skip and v}


class ScriptPaging(BaseModel):
    """`[source.script_data.paging]`: a listing whose pages are numbered in their URL and whose
    JSON says which page it is and how many there are (a Next.js calendar widget's
    `pageNumber` and `totalPages`). The next page is this page's URL with the number that
    `in_url`'s group matches raised by one; it is asked while this page's number is below the
    last, and never after a page without items."""

    model_config = ConfigDict(extra="forbid")

    #: A regex whose one group matches the page number in the URL ("/event/[^/]+/(\\d+)").
    in_url: str
    #: Paths (in the JSON) of this page's number and of the last page's number.
    page: str
    last: str
    #: Pages read at most; a source that would need more is reported (page_limit).
    max_pages: Annotated[int, Field(ge=1, le=10_000)] = 100

    @field_validator("in_url")
    @classmethod
    def _one_group(cls, v: str) -> str:
        if re.compile(v).groups != 1:
            raise ValueError("in_url needs exactly one group: the page number")
        return v


class ScriptData(BaseModel):
    """`[source.script_data]`: activities in JSON inside the page: a `<script>` element
    (`__NEXT_DATA__`) or a `data-*` attribute. `selector` finds the element(s); `items` is
    the dotted path to the list of activities ("" when the JSON is the list); `fields` gives
    each field's dotted path inside one activity: a number picks from a list, `*` takes every
    element ("eventCategories.*.title"), and a field may list several paths (the first that
    gives a value wins)."""

    model_config = ConfigDict(extra="forbid")

    selector: str
    #: Read the JSON from this attribute of the element instead of its text.
    attribute: str | None = None
    items: str = ""
    #: title, start, end, all_day, end_hidden, when, where, place, street, postcode, city,
    #: price, age, description, organizer, category, status, link, id.
    fields: dict[str, str | list[str]]
    #: Entries left out, by reason, as `[source.json] skip`: `{reason = {path = [values]}}`;
    #: an entry whose value at a path (any of them, for a `*` path) is one of the values
    #: (compared as text, case-insensitively) is skipped and counted as `skipped/<reason>`.
    skip: dict[str, dict[str, list[Any]]] = Field(default_factory=dict)
    #: Paths of values never to store (a person's name): read only to be cut out of every
    #: text of the same entry.
    redact: list[str] = Field(default_factory=list)
    #: A state told by a value being set: `{path = "status word"}`; an entry whose value at
    #: the path is set (not null, false or empty) has that status ("cancelledAt" set: the
    #: event is cancelled, `{cancelledAt = "Cancelled"}`), when no `status` field gives one.
    status_if_set: dict[str, str] = Field(default_factory=dict)
    #: Pages numbered in their URL (ScriptPaging above); none: the page is read alone.
    paging: ScriptPaging | None = None

    @field_validator("fields")
    @classmethod
    def _known(cls, v: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        unknown = sorted(set(v) - SCRIPT_FIELDS)
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {sorted(SCRIPT_FIELDS)}")
        if "title" not in v:
            raise ValueError("a title path is required")
        return v


#: Fields a script-data source may give a path for.
SCRIPT_FIELDS = frozenset({"title", "start", "end", "all_day", "end_hidden", "when", "where",
                           "place", "street", "postcode", "city", "price", "age",
                           "description", "organizer", "category", "status", "link", "id"})


class SourceDefaults(BaseModel):
    """`[source.defaults]`: what holds for every activity of the source unless the activity
    says otherwise (a club's own site: its name as organiser, its clubhouse as place)."""

    model_config = ConfigDict(extra="forbid")

    organizer: str | None = None
    place: str | None = None
    municipality: str | None = None


class TitleFilter(BaseModel):
    """`[source.titles]`: regular expressions (case-insensitive) over activity titles. With
    `include`, only titles matching one are kept; titles matching an `exclude` pattern
    ("Udlejet", "optaget") are skipped. Both are counted and named in the run report."""

    model_config = ConfigDict(extra="forbid")

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    _regexes = field_validator("include", "exclude")(_check_regexes)

    def admits(self, title: str) -> str | None:
        """None when the title is kept, else why not ("excluded by 'Udlejet'")."""
        for pattern in self.exclude:
            if re.search(pattern, title, re.I):
                return f"excluded by {pattern!r}"
        if self.include and not any(re.search(p, title, re.I) for p in self.include):
            return "matches no include pattern"
        return None


#: The placeholder in a JSON body that `[source.options] municipality` replaces.
MUNICIPALITY = "{municipality}"

#: What a JSON API item may name a path for (`[source.json.fields]`).
JSON_FIELDS = ("title", "description", "start", "end", "all_day", "place", "street",
               "postcode", "city", "lat", "lon", "price", "status", "url", "id", "series",
               "category", "organizer", "email", "phone", "age", "signup")


def _known_json_fields(names: Any) -> None:
    unknown = sorted(set(names) - set(JSON_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; known: "
                         f"{', '.join(JSON_FIELDS)}")


class JsonApiConfig(BaseModel):
    """A JSON API (spider "jsonapi"): where the items are, where each field is, how to page.

    Paths are dotted ("address.zip_code"); a number picks from a list ("branches.0") and `*`
    takes every element ("ticket_categories.*.price.value"). A field may list several paths:
    the first that gives a value wins; a path of parts joined by " + "
    ("address.streetName + address.houseNumber") gives their texts joined by spaces.
    """

    model_config = ConfigDict(extra="forbid")

    #: Joined to each start URL (a platform's API below the site's base URL).
    endpoint: str | None = None
    #: Path of the list of items; "" when the answer is a bare array.
    items: str = ""
    fields: dict[str, str | list[str]] = Field(default_factory=dict)
    method: Literal["GET", "POST"] = "GET"
    #: The JSON body of a POST (paging parameters are added to it), or of a GET when set (an
    #: Elasticsearch search; paging parameters stay in the URL). `{municipality}` in a string
    #: of it is replaced by `[source.options] municipality` (which it then needs), or by
    #: `vars.municipality`; any other `{name}` by `vars.name`.
    body: dict[str, Any] = Field(default_factory=dict)
    #: Values for `{name}` in the body and the endpoint, where the API spells a value
    #: otherwise than the activities should (sogn.dk's "Københavns" for København).
    vars: dict[str, str] = Field(default_factory=dict)
    #: Records left out, by reason: `{reason = {path = [values]}}`; a record whose value at a
    #: path is one of its values (compared as text, case-insensitively) is skipped and counted
    #: as `skipped/<reason>` in the run report.
    skip: dict[str, dict[str, list[Any]]] = Field(default_factory=dict)
    #: Paths of values never to store (a person's name): read only to be cut out of every
    #: text field of the same record; its answers are not kept in the HTTP cache.
    redact: list[str] = Field(default_factory=list)
    #: Each item's own record, when the list gives little more than ids: a URL (relative to
    #: the list page) with `{path}` placeholders filled from the list's item ("/api/events/
    #: {id}"). The answer is the record; its values win, the list item's fill what it leaves
    #: unsaid. `skip` is checked on both.
    detail: str | None = None
    #: The item's own public page when no `url` field gives one: a URL with `{path}`
    #: placeholders filled from the record ("https://example.dk/arrangementer/{id}").
    link: str | None = None
    #: Texts a true flag states: `{path = {field = text}}`; when the record's value at the
    #: path is set (not null, false, 0 or empty), the field gets the text unless a path of
    #: its own (or an earlier flag) gave it one (`cancelledAt = {status = "Aflyst"}`).
    flags: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: Fields not read when a flag is set: `{path = [fields]}` (an address the platform hides
    #: from the public, `hideAddress = ["street", "postcode", "city"]`); its answers are not
    #: kept in the HTTP cache.
    withhold: dict[str, list[str]] = Field(default_factory=dict)
    #: none: one request. page: page numbers; offset: item offsets; cursor: the cursor the
    #: answer gives at `cursor`. Paging ends on an empty page, whatever the answer claims.
    paging: Literal["none", "page", "offset", "cursor"] = "none"
    #: The query (GET) or body (POST) parameter that carries the page, offset or cursor.
    page_param: str = "page"
    #: The first page number (page) or offset (offset).
    first: int = 1
    #: Items asked for per page, sent as `size_param` when that is set; the offset's step.
    page_size: Annotated[int, Field(ge=1, le=1000)] = 50
    size_param: str | None = None
    #: Path of the next cursor in an answer (paging = "cursor").
    cursor: str | None = None
    #: Path of the number of pages in an answer (paging = "page"): the page that number
    #: names is the last asked for (an API that answers a page past its last with an error,
    #: as The Events Calendar answers 404, is never asked). Never read to go further: an
    #: empty page still ends paging.
    total_pages: str | None = None
    #: Pages read at most; a source that would need more is reported (page_limit).
    max_pages: Annotated[int, Field(ge=1, le=10_000)] = 100
    #: What one unit of the price field is in kroner: 1 for kroner, 0.01 for øre.
    price_unit: float = 1.0

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, v: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        _known_json_fields(v)
        return v

    @field_validator("flags")
    @classmethod
    def _known_flag_fields(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for texts in v.values():
            _known_json_fields(texts)
        return v

    @field_validator("withhold")
    @classmethod
    def _known_withheld(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for names in v.values():
            _known_json_fields(names)
        return v

    @model_validator(mode="after")
    def _cursor_path(self) -> JsonApiConfig:
        if self.paging == "cursor" and not self.cursor:
            raise ValueError('paging = "cursor" needs `cursor`, the path of the next cursor')
        return self


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    #: A platform preset (crawlers.platforms): fills in kind, spider and its configuration.
    platform: str | None = None

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
    #: category, status.
    selectors: dict[str, str] = Field(default_factory=dict)
    #: Association directories: `item` selects one association; name, url, email, phone,
    #: address, description select inside it.
    organizations: dict[str, str] = Field(default_factory=dict)
    #: JSON endpoints (portals): where the list, the next page and each field are, as dotted
    #: paths ("area.postcode").
    api: dict[str, str] = Field(default_factory=dict)
    #: Listing pages with many activities, script data, defaults, title filters
    #: (ListingItems, ScriptData, SourceDefaults, TitleFilter above).
    items: ListingItems | None = None
    script_data: ScriptData | None = None
    defaults: SourceDefaults = Field(default_factory=SourceDefaults)
    titles: TitleFilter = Field(default_factory=TitleFilter)
    #: JSON APIs (spider "jsonapi"): `[source.json]`.
    json_api: JsonApiConfig | None = Field(default=None, alias="json")

    @model_validator(mode="before")
    @classmethod
    def _platform(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("platform") is not None:
            return platforms.apply(data)
        return data

    @model_validator(mode="after")
    def _one_municipality(self) -> SourceConfig:
        """`[source.defaults] municipality` is another spelling of `[source.options]
        municipality`: one value, kept in the options, which every spider reads."""
        given = self.options.municipality, self.defaults.municipality
        if all(given) and given[0] != given[1]:
            raise ValueError("[source.options] municipality and [source.defaults] "
                             "municipality differ: give one")
        if given[1] and not given[0]:
            self.options.municipality = given[1]
        return self

    @model_validator(mode="after")
    def _body_municipality(self) -> SourceConfig:
        api = self.json_api
        if (api and MUNICIPALITY in json.dumps(api.body) and not self.options.municipality
                and "municipality" not in api.vars):
            raise ValueError("the JSON body asks for the municipality: set "
                             "[source.options] municipality")
        return self

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

    def json_vars(self) -> dict[str, str]:
        """The values put into a JSON API's body (`[source.json] vars`, and the municipality
        of the options unless they name another)."""
        own = self.json_api.vars if self.json_api else {}
        return {"municipality": self.options.municipality or "", **own}

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
