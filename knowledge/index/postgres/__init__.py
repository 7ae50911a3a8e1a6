"""The PostgreSQL (pgvector) backend of the search index, shared by every process.

`open_postgres_index(store, config)` connects to SHOPTALK_INDEX_DSN (RDS Proxy in
production), migrates the schema and returns a PostgresIndex; it builds nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.index.postgres.connection import Connection, IndexConfigError, PostgresSettings, resolve_dsn
from knowledge.index.postgres.index import PostgresIndex

if TYPE_CHECKING:
    from knowledge.config import KnowledgeConfig
    from knowledge.store.base import Store

__all__ = ["Connection", "IndexConfigError", "PostgresIndex", "PostgresSettings", "open_postgres_index"]


def open_postgres_index(store: Store, config: KnowledgeConfig) -> PostgresIndex:
    """The PostgreSQL index named by `config` (its `rebuild` re-reads `store`)."""
    settings = PostgresSettings(config.index_dsn, config.index_secret_arn, config.aws_region)
    return PostgresIndex(
        Connection(resolve_dsn(settings)),
        rebuild_source=lambda: (store.iter_reviews(), store.iter_questions()),
    )
