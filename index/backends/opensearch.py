"""OpenSearch backend (opensearch-py): the shared engine code with an OpenSearch client."""

from __future__ import annotations

from typing import Any

from index.backends.engine import EngineBackend


class OpenSearchBackend(EngineBackend):
    name = "opensearch"

    def __init__(self, url: str | None = None, username: str | None = None,
                 password: str | None = None, verify_certs: bool = True,
                 alias: str = "fkort-activities", **_: Any) -> None:
        from opensearchpy import OpenSearch
        from opensearchpy.exceptions import ConnectionError as Unreachable
        from opensearchpy.exceptions import NotFoundError

        if not url:
            raise ValueError("the opensearch backend needs FKORT_SEARCH_URL")
        auth = (username, password or "") if username else None
        client = OpenSearch(hosts=[url], http_auth=auth, verify_certs=verify_certs,
                            ssl_show_warn=False, timeout=30)
        self.not_found = NotFoundError
        self.unreachable = Unreachable
        super().__init__(client, alias=alias)
