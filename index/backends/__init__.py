"""Index backends; importing this package registers each by name."""

from index.backends import elasticsearch, opensearch, sqlite  # noqa: F401
