"""Writes to the PostgreSQL index: idempotent source inserts by COPY, removals, statistics.

Every write is one transaction that first locks the single `index_stats` row, so writers
from many processes are serialised (no deadlock on `index_terms`) and BM25's corpus
statistics change atomically with the rows. A source key already present is skipped (the
`sources` primary key), so re-running an import, or two containers indexing the same review,
adds nothing. Committed rows are visible to every other connection at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.index.passages import ROLE_QUESTION
from knowledge.index.postgres.rows import SourceBatch, tsvector_literal
from knowledge.index.batches import _context_norms

PASSAGE_COLUMNS = (
    "source_key", "position", "role", "product_id", "source_id", "text", "context",
    "question", "rating", "target", "context_norm", "token_count", "lexemes", "embedding",
)


def existing_keys(conn: Any, keys: Sequence[str]) -> set[str]:
    """Which of `keys` are indexed already."""
    if not keys:
        return set()
    rows = conn.execute(
        "SELECT source_key FROM sources WHERE source_key = ANY(%s)", (list(keys),)
    ).fetchall()
    return {r[0] for r in rows}


def insert_sources(conn: Any, batches: Sequence[SourceBatch], replace_token: bool = False) -> int:
    """Insert the sources not yet indexed with their passages; returns passages inserted.

    `replace_token`: first drop other keys of the same review/question id (a question whose
    published answers changed), in the same transaction, so no reader sees both or neither.
    """
    if not batches:
        return 0
    with conn.transaction():
        _lock_stats(conn)
        if replace_token:
            stale = conn.execute(
                "SELECT source_key FROM sources WHERE source_token = ANY(%s)"
                " AND NOT source_key = ANY(%s)",
                ([b.token for b in batches], [b.key for b in batches]),
            ).fetchall()
            _delete_keys(conn, [r[0] for r in stale])
        inserted = conn.execute(
            "INSERT INTO sources (source_key, source_token, product_id)"
            " SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])"
            " ON CONFLICT (source_key) DO NOTHING RETURNING source_key",
            ([b.key for b in batches], [b.token for b in batches], [b.product_id for b in batches]),
        ).fetchall()
        fresh = {r[0] for r in inserted}
        if not fresh:
            return 0
        rows = searchable = tokens = 0
        with conn.cursor().copy(
            f"COPY passages ({', '.join(PASSAGE_COLUMNS)}) FROM STDIN"
        ) as copy:
            for batch in batches:
                if batch.key not in fresh:
                    continue
                norms = _context_norms(batch.passages, batch.vectors)
                for position, (p, vector) in enumerate(zip(batch.passages, batch.vectors)):
                    lexemes, count = tsvector_literal(p.index_text)
                    copy.write_row((
                        p.source_key, position, p.role, p.product_id, p.source_id, p.text,
                        p.context, p.question, max(-128, min(127, p.rating)),
                        p.target if p.role == ROLE_QUESTION else -1, float(norms[position]),
                        count, lexemes, vector,
                    ))
                    rows += 1
                    searchable += p.role != ROLE_QUESTION
                    tokens += count
        conn.execute(
            "INSERT INTO index_terms (term, df)"
            " SELECT term, count(*) FROM passages p, unnest(tsvector_to_array(p.lexemes)) term"
            " WHERE p.source_key = ANY(%s) GROUP BY term ORDER BY term"
            " ON CONFLICT (term) DO UPDATE SET df = index_terms.df + EXCLUDED.df",
            (sorted(fresh),),
        )
        conn.execute(
            "UPDATE index_stats SET passages = passages + %s, searchable = searchable + %s,"
            " tokens = tokens + %s WHERE id = 1",
            (rows, searchable, tokens),
        )
        return rows


def delete_where(conn: Any, condition: str, value: object) -> int:
    """Delete the sources matching `condition` (SQL on `sources`) and their passages."""
    with conn.transaction():
        _lock_stats(conn)
        keys = [r[0] for r in conn.execute(f"SELECT source_key FROM sources WHERE {condition}", (value,))]
        return _delete_keys(conn, keys)


def _delete_keys(conn: Any, keys: list[str]) -> int:
    if not keys:
        return 0
    rows, searchable, tokens = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE role <> %s), coalesce(sum(token_count), 0)"
        " FROM passages WHERE source_key = ANY(%s)",
        (ROLE_QUESTION, keys),
    ).fetchone()
    conn.execute(
        "UPDATE index_terms t SET df = t.df - d.c FROM ("
        " SELECT term, count(*) AS c FROM passages p, unnest(tsvector_to_array(p.lexemes)) term"
        " WHERE p.source_key = ANY(%s) GROUP BY term) d WHERE t.term = d.term",
        (keys,),
    )
    conn.execute("DELETE FROM sources WHERE source_key = ANY(%s)", (keys,))
    conn.execute(
        "UPDATE index_stats SET passages = passages - %s, searchable = searchable - %s,"
        " tokens = tokens - %s WHERE id = 1",
        (rows, searchable, tokens),
    )
    return int(rows)


def truncate(conn: Any) -> None:
    """Empty the index (a rebuild), statistics included, in one transaction."""
    with conn.transaction():
        _lock_stats(conn)
        conn.execute("TRUNCATE passages, sources, index_terms")
        conn.execute("UPDATE index_stats SET passages = 0, searchable = 0, tokens = 0 WHERE id = 1")


def _lock_stats(conn: Any) -> None:
    conn.execute("SELECT 1 FROM index_stats WHERE id = 1 FOR UPDATE")
