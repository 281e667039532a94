"""Correction and removal requests from associations, and the overrides approved ones become.

Kept beside the index in one SQLite file (`data/requests.db`), whichever index backend serves
the searches: an approved correction must outlive every re-crawl and index rebuild, so it is
stored here and applied again wherever crawled records enter the index
(`crawlers.pipelines.IndexPipeline`). Nothing a requester sends changes anything until an
operator approves it.

The requester's contact details are personal data: they are stored here for the operator to
answer, shown only to operators (`fkort requests`, the admin API), and never logged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from fkort import clock
from fkort.schema import Activity, Organization, Status

TargetType = Literal["activity", "organization"]
Kind = Literal["correction", "removal"]
RequestStatus = Literal["pending", "approved", "rejected"]
logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    created TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT,
    proposed_value TEXT,
    requester_name TEXT NOT NULL,
    requester_contact TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    decided TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS requests_status ON requests(status, id);
CREATE TABLE IF NOT EXISTS overrides (
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    field TEXT NOT NULL,           -- a dotted path into the record, or "status"
    value TEXT NOT NULL,           -- JSON
    request_id INTEGER NOT NULL REFERENCES requests(id),
    approved TEXT NOT NULL,
    PRIMARY KEY (target_type, target_id, field)
);
"""


class RequestError(ValueError):
    """A request that cannot be taken or approved, said in Danish and English (never
    repeating what was sent)."""

    def __init__(self, code: str, da: str, en: str, param: str | None = None) -> None:
        super().__init__(en)
        self.code, self.da, self.en, self.param = code, da, en, param


# -- what may be corrected, and how a proposed value is read --------------------------------

def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("empty")
    return value.strip()


_YES = {"ja", "yes", "true", "1", "j"}
_NO = {"nej", "no", "false", "0", "n"}
_UNKNOWN = {"ikke oplyst", "ved ikke", "unknown", ""}


def _flag(value: str) -> bool | None:
    """>>> [_flag(v) for v in ("Ja", "nej", "ikke oplyst")]
    [True, False, None]
    """
    key = value.strip().casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    if key in _UNKNOWN:
        return None
    raise ValueError("not ja/nej")


def _schedule(value: str) -> dict[str, Any]:
    from normalize.schedule_text import parse_schedule

    sched = parse_schedule(value, clock.now())
    if sched.start is None:
        raise ValueError("no time read")
    return sched.model_dump(mode="json")


def _price(value: str) -> dict[str, Any]:
    from normalize.price import parse_price

    price = parse_price(value)
    if price.amount_dkk is None and price.is_free is None:
        raise ValueError("no price read")
    return price.model_dump(mode="json")


def _age(value: str) -> dict[str, Any]:
    from normalize.age import parse_age

    age = parse_age(value)
    if age.min is None and age.max is None:
        raise ValueError("no age read")
    return age.model_dump(mode="json")


#: Fields a correction may name, per target, with how the proposed text is read. Schedules,
#: prices and ages are written as the association would write them ("hver tirsdag kl. 14-16",
#: "20 kr.", "60+") and read by the same normalisers the crawl uses.
FIELDS: dict[str, dict[str, Callable[[str], Any]]] = {
    "activity": {
        "title": _text, "description": _text, "schedule": _schedule, "price": _price,
        "age": _age, "organizer.name": _text, "organizer.url": _text,
        "organizer.email": _text, "organizer.phone": _text, "location.name": _text,
        "accessibility.wheelchair": _flag, "accessibility.step_free": _flag,
        "accessibility.accessible_toilet": _flag, "accessibility.hearing_loop": _flag,
        "accessibility.parking": _flag, "drop_in": _flag,
    },
    "organization": {
        "name": _text, "description": _text, "address": _text, "url": _text,
        "email": _text, "phone": _text,
    },
}
#: Danish names of the fields, for the association's page.
FIELD_LABELS = {
    "title": "Titel", "description": "Beskrivelse", "schedule": "Tidspunkt", "price": "Pris",
    "age": "Alder", "organizer.name": "Arrangør", "organizer.url": "Arrangørens hjemmeside",
    "organizer.email": "Arrangørens e-mail", "organizer.phone": "Arrangørens telefon",
    "location.name": "Stedets navn", "accessibility.wheelchair": "Kørestol",
    "accessibility.step_free": "Trinfri adgang",
    "accessibility.accessible_toilet": "Handicaptoilet",
    "accessibility.hearing_loop": "Teleslynge", "accessibility.parking": "Parkering",
    "drop_in": "Drop-in (ingen tilmelding)", "name": "Navn", "address": "Adresse",
    "url": "Hjemmeside", "email": "E-mail", "phone": "Telefon",
}


def read_value(target_type: str, field_name: str, text: str) -> Any:
    """The proposed text as the value the field takes, or a RequestError."""
    reader = FIELDS.get(target_type, {}).get(field_name)
    if reader is None:
        raise RequestError(
            "invalid_field", "Feltet kan ikke rettes automatisk. Vælg et af felterne i listen, "
            "eller skriv rettelsen i beskeden.",
            "This field cannot be corrected automatically. Choose one of the listed fields, "
            "or describe the correction in the message.", "field")
    try:
        return reader(text)
    except ValueError:
        raise RequestError(
            "invalid_value", "Vi kunne ikke læse det foreslåede. Skriv det, som det står på "
            "jeres side, fx \"hver tirsdag kl. 14-16\", \"20 kr.\", \"60+\" eller ja/nej.",
            "The proposed value could not be read. Write it as on your page, e.g. \"hver "
            "tirsdag kl. 14-16\", \"20 kr.\", \"60+\" or ja/nej.", "proposed_value") from None


# -- requests --------------------------------------------------------------------------------

@dataclass
class ChangeRequest:
    target_type: TargetType
    target_id: str
    kind: Kind
    requester_name: str
    requester_contact: str
    message: str
    field: str | None = None
    proposed_value: str | None = None
    id: int | None = None
    created: datetime | None = None
    status: RequestStatus = "pending"
    decided: datetime | None = None
    reason: str | None = None

    def public(self) -> dict[str, Any]:
        """What the requester gets back: no contact details."""
        return {"id": self.id, "status": self.status, "target_type": self.target_type,
                "target_id": self.target_id, "kind": self.kind}


@dataclass
class Overrides:
    """Approved corrections and removals, applied to records as they enter the index."""

    #: (target type, target id) → {field: value}
    by_target: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_target)

    def removed_organizations(self) -> set[str]:
        return {tid for (tt, tid), f in self.by_target.items()
                if tt == "organization" and f.get("status") == Status.removed.value}

    def apply(self, activity: Activity) -> Activity:
        """The activity with its approved corrections; removed if it, or its association,
        was taken down. A correction that no longer fits the record is left out (and the
        record kept as crawled) rather than failing the crawl."""
        fields = dict(self.by_target.get(("activity", activity.id), {}))
        org = self.by_target.get(("organization", activity.organization_id or ""), {})
        if org.get("status") == Status.removed.value:
            fields["status"] = Status.removed.value
        if not fields:
            return activity
        return _apply(activity, fields, activity.id)

    def apply_organization(self, org: Organization) -> Organization:
        fields = {k: v for k, v in self.by_target.get(("organization", org.id), {}).items()
                  if k != "status"}
        return _apply(org, fields, org.id) if fields else org


_Record = TypeVar("_Record", Activity, Organization)


def _apply(record: _Record, fields: dict[str, Any], record_id: str) -> _Record:
    out = record
    for path, value in sorted(fields.items()):
        data = out.model_dump(mode="json")
        node = data
        *parents, leaf = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
        try:
            out = type(record).model_validate(data)
        except ValueError:
            # Only ids and field names are logged: never what a requester wrote.
            logger.warning("Override of %s on %s no longer fits the record; left out",
                           path, record_id)
    return out


class RequestStore:
    """The requests file. One connection per store; open one per request or command."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.executescript(_SCHEMA)

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> RequestStore:
        return cls(data_dir / "requests.db")

    def add(self, req: ChangeRequest) -> ChangeRequest:
        created = clock.now()
        cur = self.con.execute(
            "INSERT INTO requests (created, target_type, target_id, kind, field, "
            "proposed_value, requester_name, requester_contact, message) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (created.isoformat(), req.target_type, req.target_id, req.kind, req.field,
             req.proposed_value, req.requester_name, req.requester_contact, req.message))
        req.id, req.created, req.status = cur.lastrowid, created, "pending"
        return req

    def _rows(self, where: str, params: tuple[Any, ...]) -> list[ChangeRequest]:
        rows = self.con.execute(
            "SELECT id, created, target_type, target_id, kind, field, proposed_value, "
            "requester_name, requester_contact, message, status, decided, reason "
            f"FROM requests WHERE {where} ORDER BY id", params).fetchall()
        return [ChangeRequest(
            id=r[0], created=datetime.fromisoformat(r[1]), target_type=r[2], target_id=r[3],
            kind=r[4], field=r[5], proposed_value=r[6], requester_name=r[7],
            requester_contact=r[8], message=r[9], status=r[10],
            decided=datetime.fromisoformat(r[11]) if r[11] else None, reason=r[12],
        ) for r in rows]

    def get(self, request_id: int) -> ChangeRequest | None:
        found = self._rows("id = ?", (request_id,))
        return found[0] if found else None

    def find(self, status: str | None = None) -> list[ChangeRequest]:
        if status:
            return self._rows("status = ?", (status,))
        return self._rows("1", ())

    def pending_for(self, target_ids: Iterable[str]) -> int:
        ids = list(target_ids)
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        return int(self.con.execute(
            f"SELECT count(*) FROM requests WHERE status = 'pending' AND target_id IN ({marks})",
            ids).fetchone()[0])

    def _decide(self, request_id: int, status: str, reason: str | None) -> None:
        self.con.execute("UPDATE requests SET status = ?, decided = ?, reason = ? WHERE id = ?",
                         (status, clock.now().isoformat(), reason, request_id))

    def overrides(self) -> Overrides:
        out = Overrides()
        for tt, tid, fname, value in self.con.execute(
            "SELECT target_type, target_id, field, value FROM overrides ORDER BY approved"
        ):
            out.by_target.setdefault((tt, tid), {})[fname] = json.loads(value)
        return out

    def approve(self, request_id: int, index: Any) -> ChangeRequest:
        """Approve a pending request: store its override and apply it to the stored record at
        once. A correction without a field changes nothing by itself (the operator edits the
        source or asks the association to); it is only marked approved."""
        req = self._pending(request_id)
        override: tuple[str, Any] | None = None
        if req.kind == "removal":
            override = ("status", Status.removed.value)
        elif req.field:
            override = (req.field, read_value(req.target_type, req.field,
                                              req.proposed_value or ""))
        now = clock.now().isoformat()
        self.con.execute("BEGIN IMMEDIATE")
        try:
            if override is not None:
                self.con.execute(
                    "INSERT OR REPLACE INTO overrides (target_type, target_id, field, value, "
                    "request_id, approved) VALUES (?,?,?,?,?,?)",
                    (req.target_type, req.target_id, override[0],
                     json.dumps(override[1], ensure_ascii=False), req.id, now))
            self._decide(request_id, "approved", None)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        if override is not None:
            apply_now(self.overrides(), req.target_type, req.target_id, index)
        approved = self.get(request_id)
        assert approved is not None
        return approved

    def reject(self, request_id: int, reason: str | None = None) -> ChangeRequest:
        self._pending(request_id)
        self._decide(request_id, "rejected", reason)
        rejected = self.get(request_id)
        assert rejected is not None
        return rejected

    def _pending(self, request_id: int) -> ChangeRequest:
        req = self.get(request_id)
        if req is None:
            raise RequestError("not_found", "Anmodningen findes ikke.", "No such request.")
        if req.status != "pending":
            raise RequestError("not_pending", "Anmodningen er allerede afgjort.",
                               "The request has already been decided.")
        return req

    def close(self) -> None:
        self.con.close()


def load_overrides(data_dir: Path) -> Overrides:
    """The approved corrections and removals kept in the data folder (none if no file)."""
    if not (data_dir / "requests.db").exists():
        return Overrides()
    store = RequestStore.for_data_dir(data_dir)
    try:
        return store.overrides()
    finally:
        store.close()


def apply_now(overrides: Overrides, target_type: str, target_id: str, index: Any) -> int:
    """Apply the overrides to the stored records of one target; how many were rewritten."""
    if target_type == "activity":
        activity = index.get(target_id)
        targets = [activity] if activity is not None else []
    else:
        org = index.get_organization(target_id)
        if org is not None:
            index.upsert_organizations([overrides.apply_organization(org)])
        targets = index.organization_activities(target_id)
    changed = [overrides.apply(a) for a in targets]
    changed = [new for new, old in zip(changed, targets, strict=True) if new != old]
    if changed:
        index.upsert(changed)
    if any(a.merged_from or a.status is Status.merged for a in targets):
        # Part of an offer found by several sources: the merged record is rebuilt now, with
        # the correction (or without the removed member), not at the next crawl.
        from fkort.merging import merge_duplicates

        merge_duplicates(index, clock.now(), overrides)
    return len(changed)
