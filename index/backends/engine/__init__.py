"""The search-engine backends' shared code (OpenSearch, Elasticsearch 8); see `backend`."""

from index.backends.engine.backend import EngineBackend

__all__ = ["EngineBackend"]
