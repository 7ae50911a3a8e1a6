"""The PostgreSQL search index: the SearchBackend protocol over a shared database.

Every write commits at once and every search reads the database, so a review indexed
through one Lambda container is found by every other on its next search, and a removal
(deletion, rejection, "delete my data") is gone for all of them at once. Nothing is kept in
the process but the connection, so opening it builds nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from knowledge.index.fusion import FusionParams
from knowledge.index.hit import SearchHit
from knowledge.index.passages import Passage, question_key, question_passages, review_passages
from knowledge.index.postgres import schema, search, writes
from knowledge.index.postgres.connection import Connection
from knowledge.index.postgres.rows import group_sources
from knowledge.index.batches import collect_passages
from knowledge.index.search_index import EMBED_BATCH, Embedder, _default_embedder
from knowledge.model import Question, Review

WRITE_BATCH = 2_048  # passages per embedding batch and per COPY transaction
# Memory for building the HNSW graph: a graph that fits builds several times faster
# (1M x 384 fp32 needs about 2 GB); Aurora caps it by the instance's memory.
HNSW_BUILD_MEMORY = "1GB"


class PostgresIndex:
    """Hybrid passage search in PostgreSQL (pgvector HNSW + BM25 on a GIN full-text index)."""

    def __init__(
        self,
        connection: Connection,
        embedder: Embedder | None = None,
        params: FusionParams | None = None,
        rebuild_source: Callable[[], tuple[Iterable[Review], Iterable[Question]]] | None = None,
        migrate: bool = True,
    ) -> None:
        self._db = connection
        self._embed = embedder or _default_embedder
        self.params = params or FusionParams()
        self._rebuild_source = rebuild_source
        if migrate:
            self._db.run(schema.migrate)

    def close(self) -> None:
        self._db.close()

    # --- size ------------------------------------------------------------------------------
    def passage_count(self) -> int:
        """Searchable passages (question-only matching rows are not counted)."""
        return int(self._db.run(lambda c: c.execute("SELECT searchable FROM index_stats").fetchone()[0]))

    @property
    def row_count(self) -> int:
        return int(self._db.run(lambda c: c.execute("SELECT passages FROM index_stats").fetchone()[0]))

    @property
    def dead_rows(self) -> int:
        """Always 0: removed rows are deleted (PostgreSQL's autovacuum reclaims the space)."""
        return 0

    def compact(self) -> None:
        """Reclaim deleted rows' space and refresh the planner's statistics."""
        self._db.run(lambda c: c.execute("VACUUM (ANALYZE) passages"))

    def source_keys(self) -> set[str]:
        return {r[0] for r in self._db.run(lambda c: c.execute("SELECT source_key FROM sources").fetchall())}

    def product_ids(self) -> list[str]:
        rows = self._db.run(lambda c: c.execute("SELECT DISTINCT product_id FROM sources").fetchall())
        return [r[0] for r in rows]

    # --- adding ----------------------------------------------------------------------------
    def add_review(self, review: Review) -> int:
        """Index one review at once (no-op when already indexed; removes it when unpublished)."""
        passages = review_passages(review)
        if not passages:
            self.remove_review(review.id)
            return 0
        return self.add_passages(passages)

    def add_question(self, question: Question) -> int:
        """Index a question with its published answers, replacing an older version atomically."""
        passages = question_passages(question)
        if not passages:
            self.remove_question(question.id)
            return 0
        key = question_key(question)
        if key in self._db.run(lambda c: writes.existing_keys(c, [key])):
            return 0
        vectors = self._embed([p.index_text for p in passages])
        batches = group_sources(passages, vectors)
        return self._db.run(lambda c: writes.insert_sources(c, batches, replace_token=True))

    def add_passages(
        self, passages: Sequence[Passage], vectors: np.ndarray | None = None, progress: bool = False
    ) -> int:
        """Insert passages of sources not yet indexed, embedding in batches; rows added."""
        keys = list(dict.fromkeys(p.source_key for p in passages))
        known = self._db.run(lambda c: writes.existing_keys(c, keys))
        wanted = [i for i, p in enumerate(passages) if p.source_key not in known]
        if not wanted:
            return 0
        bar = _progress_bar(len(wanted), progress)
        added = 0
        try:
            for chunk in _chunks_by_source(passages, wanted, WRITE_BATCH):
                batch = [passages[i] for i in chunk]
                if vectors is None:
                    batch_vectors = _embed_batched(self._embed, [p.index_text for p in batch])
                else:
                    batch_vectors = np.asarray(vectors)[chunk]
                sources = group_sources(batch, batch_vectors)
                added += self._db.run(lambda c: writes.insert_sources(c, sources))
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        return added

    # --- removing --------------------------------------------------------------------------
    def remove_source(self, prefix: str, source_id: str) -> int:
        """Drop the passages of review ("r") or question ("q") `source_id`; returns rows."""
        token = f"{prefix}\t{source_id}"
        return self._db.run(lambda c: writes.delete_where(c, "source_token = %s", token))

    def remove_review(self, review_id: str) -> int:
        return self.remove_source("r", review_id)

    def remove_question(self, question_id: str) -> int:
        return self.remove_source("q", question_id)

    def remove_key(self, key: str) -> int:
        return self._db.run(lambda c: writes.delete_where(c, "source_key = %s", key))

    def remove_product(self, product_id: str) -> int:
        return self._db.run(lambda c: writes.delete_where(c, "product_id = %s", product_id))

    # --- rebuilding ------------------------------------------------------------------------
    def rebuild(self, progress: bool = True) -> int:
        """Re-read every published review and question from the source and re-index all."""
        if self._rebuild_source is None:
            raise RuntimeError("this index has no source to rebuild from")
        reviews, questions = self._rebuild_source()
        return self.load_passages(collect_passages(reviews, questions), progress=progress)

    def load_passages(
        self, passages: Sequence[Passage], vectors: np.ndarray | None = None, progress: bool = True
    ) -> int:
        """Replace the whole content by `passages`: empty, bulk load, then build HNSW once
        (building the graph after the load is much faster than inserting into it)."""
        self._db.run(writes.truncate)
        self.drop_vector_index()
        try:
            added = self.add_passages(passages, vectors, progress)
        finally:
            _say(progress, "building the HNSW vector index")
            self.build_vector_index()
        return added

    def drop_vector_index(self) -> None:
        """Drop the HNSW graph before a bulk load (searches scan exactly until it is rebuilt)."""
        self._db.run(lambda c: c.execute(f"DROP INDEX IF EXISTS {schema.HNSW_INDEX}"))

    def build_vector_index(self, maintenance_memory: str = HNSW_BUILD_MEMORY) -> None:
        """Build the HNSW graph over every row (no-op when it exists), then ANALYZE."""

        def build(conn: object) -> None:
            conn.execute(f"SET maintenance_work_mem = '{maintenance_memory}'")  # type: ignore[attr-defined]
            conn.execute("SET statement_timeout = 0")  # type: ignore[attr-defined]
            try:
                conn.execute(schema.HNSW_CREATE)  # type: ignore[attr-defined]
                conn.execute("ANALYZE passages")  # type: ignore[attr-defined]
            finally:
                conn.execute("RESET statement_timeout")  # type: ignore[attr-defined]
                conn.execute("RESET maintenance_work_mem")  # type: ignore[attr-defined]

        self._db.run(build)

    # --- searching -------------------------------------------------------------------------
    def search(
        self, query: str, product_id: str | None = None, k: int = 5, params: FusionParams | None = None
    ) -> list[SearchHit]:
        """The `k` best passages for `query`, optionally only from one product."""
        query = query.strip()
        if not query or k <= 0:
            return []
        return self.search_vector(query, self._embed([query])[0], product_id, k, params)

    def search_vector(
        self,
        query: str,
        query_vector: np.ndarray,
        product_id: str | None = None,
        k: int = 5,
        params: FusionParams | None = None,
    ) -> list[SearchHit]:
        """`search` with the query already embedded (benchmarks embed queries in batches)."""
        params = params or self.params

        def work(conn: object) -> list[SearchHit]:
            scored = search.fetch_scored(conn, query, query_vector, product_id, params)
            if scored is None:
                return []
            return search.fetch_hits(conn, scored, search.rank(scored, query, params, k))

        return self._db.run(work)


def _chunks_by_source(passages: Sequence[Passage], wanted: list[int], size: int) -> Iterable[list[int]]:
    """Runs of about `size` indexes that never split one source key across two runs."""
    chunk: list[int] = []
    for i in wanted:
        if len(chunk) >= size and passages[chunk[-1]].source_key != passages[i].source_key:
            yield chunk
            chunk = []
        chunk.append(i)
    if chunk:
        yield chunk


def _embed_batched(embed: Embedder, texts: list[str]) -> np.ndarray:
    parts = [embed(texts[i : i + EMBED_BATCH]) for i in range(0, len(texts), EMBED_BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, 384), np.float32)


def _progress_bar(total: int, progress: bool) -> object | None:
    if not progress or total < EMBED_BATCH:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="indexing passages", unit="passage")


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)
