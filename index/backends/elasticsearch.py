"""Elasticsearch 8 backend (the official client): the shared engine code with its client."""

from __future__ import annotations

from typing import Any

from index.backends.engine import EngineBackend


class ElasticsearchBackend(EngineBackend):
    name = "elasticsearch"

    def __init__(self, url: str | None = None, username: str | None = None,
                 password: str | None = None, verify_certs: bool = True,
                 alias: str = "fkort-activities", **_: Any) -> None:
        from elastic_transport import ConnectionError as Unreachable
        from elasticsearch import Elasticsearch, NotFoundError

        if not url:
            raise ValueError("the elasticsearch backend needs FKORT_SEARCH_URL")
        auth = (username, password or "") if username else None
        client = Elasticsearch(url, basic_auth=auth, verify_certs=verify_certs,
                               request_timeout=30)
        self.not_found = NotFoundError
        self.unreachable = Unreachable
        super().__init__(client, alias=alias)
