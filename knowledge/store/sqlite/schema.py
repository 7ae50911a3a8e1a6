"""The SQLite store's schema: an ordered list of migrations and the code that applies them.

The `schema_migrations` table records which ran; opening a file applies the missing ones in
order inside one transaction. A file written by a newer ShopTalk (an unknown version) is refused.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from knowledge.store.base import StoreError


@dataclass(frozen=True)
class Migration:
    """One schema step: `version` is applied after every smaller one."""

    version: int
    name: str
    sql: str


_V1_CATALOG = """
CREATE TABLE products (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    brand TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX products_by_name ON products (name_key, id);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_by_product ON reviews (product_id, date, id);
CREATE INDEX reviews_by_status ON reviews (status, id);
CREATE INDEX reviews_by_user ON reviews (user_id) WHERE user_id != '';

CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_by_product ON questions (product_id, date, id);
CREATE INDEX questions_by_status ON questions (status, id);
CREATE INDEX questions_by_user ON questions (user_id) WHERE user_id != '';

CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    votes INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answers_by_question ON answers (question_id);
CREATE INDEX answers_by_status ON answers (status, id);
CREATE INDEX answers_by_user ON answers (user_id) WHERE user_id != '';

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_V2_SOCIAL = """
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    alexa_user_hash TEXT NOT NULL UNIQUE,
    handle TEXT NOT NULL,
    handle_key TEXT NOT NULL UNIQUE,
    friend_code TEXT NOT NULL,
    friend_code_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE friendships (
    user_id TEXT NOT NULL,
    other_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'blocked')),
    created_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, other_id)
);
CREATE INDEX friendships_to ON friendships (other_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    deleted_by_recipient INTEGER NOT NULL DEFAULT 0,
    reported INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_to ON messages (recipient_id, created_at, id);
CREATE INDEX messages_from ON messages (sender_id, created_at, id);
CREATE INDEX messages_reported ON messages (created_at, id) WHERE reported = 1;

CREATE TABLE polls (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    open_ended INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE votes (
    poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    option_id TEXT NOT NULL,
    cast_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (poll_id, user_id)
);
CREATE INDEX votes_by_user ON votes (user_id);

CREATE TABLE memory (
    user_id TEXT PRIMARY KEY,
    products_discussed TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    opinions TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE requests (
    request_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (request_id, purpose)
);
"""

_V3_PRODUCT_STATUS_INDEXES = """
CREATE INDEX reviews_by_product_status ON reviews (product_id, status, rating);
CREATE INDEX questions_by_product_status ON questions (product_id, status)
"""

_V4_FAMILIES_ASPECTS = """
ALTER TABLE products ADD COLUMN family_id TEXT NOT NULL DEFAULT '';
CREATE INDEX products_by_family ON products (family_id, id);

CREATE TABLE families (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    spoken_names TEXT NOT NULL DEFAULT '[]',
    origin TEXT NOT NULL CHECK (origin IN ('parent', 'title', 'edited')),
    absorbed TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX families_by_name ON families (name_key, id);

CREATE TABLE review_aspects (
    review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    aspect TEXT NOT NULL,
    polarity INTEGER NOT NULL CHECK (polarity IN (-1, 0, 1)),
    PRIMARY KEY (review_id, aspect)
)
"""

# The catalog version (Store.catalog_version): raised by every change to products or families,
# whatever writes it, so a process can cache its catalog until the version moves.
_V5_CATALOG_VERSION = "INSERT OR IGNORE INTO meta (key, value) VALUES ('catalog_version', '1');" + "".join(
    f"""
CREATE TRIGGER catalog_version_{table}_{event.lower()} AFTER {event} ON {table}
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'catalog_version';
END;"""
    for table in ("products", "families")
    for event in ("INSERT", "UPDATE", "DELETE")
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "catalog, reviews, community Q&A, meta", _V1_CATALOG),
    Migration(2, "users, friendships, messages, polls, votes, memory, request claims", _V2_SOCIAL),
    Migration(3, "per-product status indexes (product_stats reads only the index)", _V3_PRODUCT_STATUS_INDEXES),
    Migration(4, "product families and the aspects each review mentions", _V4_FAMILIES_ASPECTS),
    Migration(5, "the catalog version, raised by triggers on products and families", _V5_CATALOG_VERSION),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied to the database behind `conn` (0 for a new file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to `target`, in order, in one transaction.

    `conn` must be in autocommit mode (isolation_level=None). Returns the resulting version.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = schema_version(conn)
        known = {m.version for m in MIGRATIONS}
        if current > SCHEMA_VERSION or (current and current not in known):
            raise StoreError(
                f"database schema version {current} is newer than this ShopTalk "
                f"understands (at most {SCHEMA_VERSION}); upgrade ShopTalk"
            )
        for migration in MIGRATIONS:
            if current < migration.version <= target:
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, now_iso()),
                )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return schema_version(conn)


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (a trigger's body keeps its own ';'; our
    scripts hold no ';' inside literals)."""
    statements, pending = [], ""
    for part in sql.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip().removesuffix(";"))
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip().removesuffix(";"))
    return statements
