"""The PostgreSQL search-index schema, created and migrated by the code, versioned.

`MIGRATIONS` is an append-only list: version N's statements run once, in one transaction,
under an advisory lock, so many Lambda containers opening the index at once migrate it
exactly once. `schema_migrations` records each applied version. Never edit a released
migration: add the next one.

Layout: `sources` holds one row per indexed source key (a review, or a question with its
published answers) and is what makes adds idempotent across processes (its primary key);
`passages` holds the rows (cascade-deleted with their source), the MiniLM vector in a
pgvector column with an HNSW index (inner product: the vectors are unit length, so it is
the cosine), the BM25 tokens of the in-process index as a tsvector with a GIN index, and a
btree index on the product for filtered search. `index_terms` and `index_stats` keep BM25's
document frequencies and corpus length exact, updated in the writing transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

ADVISORY_LOCK = 0x5348_4F50  # "SHOP": serialises migrations across processes


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


HNSW_INDEX = "passages_embedding_hnsw"
HNSW_CREATE = (
    f"CREATE INDEX IF NOT EXISTS {HNSW_INDEX} ON passages "
    "USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64)"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "passages with vectors, BM25 tokens, sources and corpus statistics",
        (
            "CREATE EXTENSION IF NOT EXISTS vector",
            """CREATE TABLE sources (
                source_key text PRIMARY KEY,
                source_token text NOT NULL,
                product_id text NOT NULL
            )""",
            "CREATE INDEX sources_token ON sources (source_token)",
            "CREATE INDEX sources_product ON sources (product_id)",
            """CREATE TABLE passages (
                id bigserial PRIMARY KEY,
                source_key text NOT NULL REFERENCES sources (source_key) ON DELETE CASCADE,
                position integer NOT NULL,
                role smallint NOT NULL,
                product_id text NOT NULL,
                source_id text NOT NULL,
                text text NOT NULL,
                context text NOT NULL DEFAULT '',
                question text NOT NULL DEFAULT '',
                rating smallint NOT NULL DEFAULT 0,
                target integer NOT NULL DEFAULT -1,
                context_norm real NOT NULL,
                token_count integer NOT NULL,
                lexemes tsvector NOT NULL,
                embedding vector(384) NOT NULL,
                UNIQUE (source_key, position)
            )""",
            "CREATE INDEX passages_product ON passages (product_id)",
            "CREATE INDEX passages_lexemes ON passages USING gin (lexemes)",
            HNSW_CREATE,
            """CREATE TABLE index_terms (
                term text PRIMARY KEY,
                df bigint NOT NULL
            )""",
            """CREATE TABLE index_stats (
                id smallint PRIMARY KEY CHECK (id = 1),
                passages bigint NOT NULL,
                searchable bigint NOT NULL,
                tokens bigint NOT NULL
            )""",
            "INSERT INTO index_stats VALUES (1, 0, 0, 0)",
        ),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


def migrate(conn: object) -> int:
    """Bring the schema to SCHEMA_VERSION; returns how many migrations ran."""
    with conn.transaction():  # type: ignore[attr-defined]
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK,))  # type: ignore[attr-defined]
        conn.execute(  # type: ignore[attr-defined]
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )"""
        )
        applied = {
            row[0]
            for row in conn.execute("SELECT version FROM schema_migrations").fetchall()  # type: ignore[attr-defined]
        }
        newer = [v for v in applied if v > SCHEMA_VERSION]
        if newer:
            raise RuntimeError(
                f"the search index schema is at version {max(newer)}, newer than this code's "
                f"{SCHEMA_VERSION}: deploy the newer code"
            )
        ran = 0
        for migration in MIGRATIONS:
            if migration.version in applied:
                continue
            for statement in migration.statements:
                conn.execute(statement)  # type: ignore[attr-defined]
            conn.execute(  # type: ignore[attr-defined]
                "INSERT INTO schema_migrations (version, description) VALUES (%s, %s)",
                (migration.version, migration.description),
            )
            ran += 1
        return ran


def schema_version(conn: object) -> int:
    """The highest applied migration (0 on an empty database)."""
    exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]  # type: ignore[attr-defined]
    if exists is None:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()  # type: ignore[attr-defined]
    return int(row[0])
