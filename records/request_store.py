"""The store of correction and removal requests from associations, and of the overrides
approved ones become.

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
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from core import clock
from core.schema import Status
from index.contract import IndexBackend
from records.approval import apply_now
from records.overrides import Overrides
from records.request_fields import RequestError, read_value

TargetType = Literal["activity", "organization"]
Kind = Literal["correction", "removal"]
RequestStatus = Literal["pending", "approved", "rejected"]

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

    def approve(self, request_id: int, index: IndexBackend) -> ChangeRequest:
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
