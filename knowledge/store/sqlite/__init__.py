"""The embedded SQLite store: one file, WAL journal, foreign keys, versioned schema.

Why SQLite: zero setup for `make chat`, a content team's laptop and tests, while still giving
real transactions (imports are all-or-nothing) and concurrent readers (WAL) for the threaded
Flask server. The store is composed of parts by what they hold (catalog and reviews, community
Q&A, families and aspects, social records) over one connection layer (`connection`), with the
schema's migrations in `schema`.
"""

from __future__ import annotations

from knowledge.store.sqlite.catalog import CatalogPart
from knowledge.store.sqlite.community import CommunityPart
from knowledge.store.sqlite.connection import SQLiteBase
from knowledge.store.sqlite.console import ConsolePart
from knowledge.store.sqlite.families import FamiliesPart
from knowledge.store.sqlite.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    migrate,
    schema_version,
)
from knowledge.store.sqlite.social import SocialPart

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration", "SQLiteStore", "migrate", "schema_version"]


class SQLiteStore(CatalogPart, FamiliesPart, CommunityPart, SocialPart, ConsolePart, SQLiteBase):
    """The Store protocol on one SQLite file (see the module docstring)."""
