"""The hybrid search index: dense MiniLM vectors + BM25, fused, filterable by product.

Rows are passages (see passages.py) in append order. Everything a row needs is kept in
compact columns; removal marks rows dead (a tombstone) and `compact` drops them without
re-embedding. Persistence (see persist.py) appends each incremental add, so another process
sees it; `open_index` diffs the store against the index and brings it up to date.
"""

from __future__ import annotations

import functools
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from knowledge.index.columns import CodeColumn, StringColumn, VectorColumn
from knowledge.index.fusion import FusionParams, document_terms, fuse
from knowledge.index.hit import SearchHit
from knowledge.index.lexical import LexicalIndex
from knowledge.index.passages import (
    KIND_BY_ROLE,
    ROLE_QA,
    ROLE_QUESTION,
    ROLE_REVIEW,
    CONTEXT_SENTENCES,
    Passage,
    question_key,
    question_passages,
    review_passages,
)
from knowledge.model import Question, Review

Embedder = Callable[[Sequence[str]], np.ndarray]
DIMENSION = 384
FLOAT16_ABOVE_ROWS = 400_000  # beyond this many rows vectors are kept as float16 in memory
DELTA_MERGE_MIN = 2_000  # merge the BM25 delta into the main index beyond this many docs
EMBED_BATCH = 256
_T = TypeVar("_T")


def _locked(method: Callable[..., _T]) -> Callable[..., _T]:
    """Serialise a method on the index's lock (the web service may add while it searches)."""

    @functools.wraps(method)
    def wrapper(self: SearchIndex, *args: object, **kwargs: object) -> _T:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


def _default_embedder(texts: Sequence[str]) -> np.ndarray:
    from knowledge.index.embedder import embed

    return embed(texts)


class SearchIndex:
    """Hybrid passage index with incremental adds, tombstones and product filtering.

    `journal` (persist.IndexJournal) receives every change so it survives the process; an
    index without one lives in memory only (tests of the ranking, the quality benchmark).
    `rebuild_source` returns (reviews, questions) to index when `rebuild` is called.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        params: FusionParams | None = None,
        journal: object | None = None,
        rebuild_source: Callable[[], tuple[Iterable[Review], Iterable[Question]]] | None = None,
        vector_dtype: np.dtype | type = np.float32,
    ) -> None:
        self._embed = embedder or _default_embedder
        self.params = params or FusionParams()
        self._journal = journal
        self._rebuild_source = rebuild_source
        self._lock = threading.RLock()
        self._reset(vector_dtype)

    def _reset(self, vector_dtype: np.dtype | type = np.float32) -> None:
        self._texts = StringColumn()
        self._contexts = StringColumn()
        self._questions = StringColumn()
        self._source_ids = StringColumn()
        self._keys = CodeColumn()
        self._products = CodeColumn()
        self._roles = array("b")
        self._ratings = array("b")
        self._targets = array("q")
        self._context_norms = array("f")  # |sum of the vectors of a row and its neighbours|
        self._alive = bytearray()
        self._vectors = VectorColumn(DIMENSION, vector_dtype)
        self._lexical = LexicalIndex()
        self._rows_by_product: dict[int, array] = {}
        self._rows_by_key: dict[int, Sequence[int]] = {}  # alive rows of a source key code
        self._key_by_source: dict[str, int] = {}  # "r\tID" / "q\tID" -> alive key code
        self._dead = 0
        self._searchable = 0  # alive rows that can be returned (not question-only rows)

    # --- size ------------------------------------------------------------------------------
    def passage_count(self) -> int:
        """Searchable passages (question-only matching rows are not counted)."""
        return self._searchable

    @property
    def row_count(self) -> int:
        return len(self._roles)

    def source_keys(self) -> set[str]:
        """Keys of every source (review / question with its answers) currently indexed."""
        return {self._keys.values[code] for code in self._rows_by_key}

    def product_ids(self) -> list[str]:
        return [self._products.values[c] for c, rows in self._rows_by_product.items() if rows]

    # --- adding ----------------------------------------------------------------------------
    def add_review(self, review: Review) -> int:
        """Index one review at once (no-op when already indexed or not published)."""
        passages = review_passages(review)
        with self._lock:
            if not passages:
                self.remove_source("r", review.id)
                return 0
            return self.add_passages(passages)

    def add_question(self, question: Question) -> int:
        """Index a question with its published answers, replacing an older version of it."""
        key = question_key(question)
        old = self._key_by_source.get(f"q\t{question.id}")
        passages = question_passages(question)
        with self._lock:
            if old is not None and self._keys.values[old] != key:
                self.remove_source("q", question.id)
            if not passages:
                self.remove_source("q", question.id)
                return 0
            return self.add_passages(passages)

    @_locked
    def add_passages(
        self,
        passages: Sequence[Passage],
        vectors: np.ndarray | None = None,
        progress: bool = False,
    ) -> int:
        """Append passages (embedding them unless `vectors` is given); returns rows added.

        Passages of a source key already indexed are skipped, so adds are idempotent.
        """
        fresh: list[Passage] = []
        fresh_idx: list[int] = []
        seen_new: set[str] = set()
        for i, p in enumerate(passages):
            code = self._keys.codes.get(p.source_key)
            if code is not None and code in self._rows_by_key and p.source_key not in seen_new:
                continue
            seen_new.add(p.source_key)
            fresh.append(p)
            fresh_idx.append(i)
        if not fresh:
            return 0
        if vectors is None:
            vectors = self._embed_all([p.index_text for p in fresh], progress)
        else:
            vectors = np.asarray(vectors)[fresh_idx]
        # question rows point at a Q&A row of the same batch: remap batch offsets
        offset_of = {orig: new for new, orig in enumerate(fresh_idx)}
        base = self.row_count
        rows_start = base
        targets: list[int] = []
        for new, p in enumerate(fresh):
            if p.role == ROLE_QUESTION:
                # Passage.target is relative to the source's first passage in `passages`
                first = fresh_idx[new] - _offset_in_source(passages, fresh_idx[new])
                target_new = offset_of.get(first + p.target, -1)
                targets.append(base + target_new if target_new >= 0 else -1)
            else:
                targets.append(-1)
        self._append_rows(fresh, vectors, targets)
        if self._journal is not None:
            self._journal.append(fresh, vectors, targets, rows_start)  # type: ignore[attr-defined]
        self._maybe_merge_lexical()
        return len(fresh)

    def _embed_all(self, texts: list[str], progress: bool) -> np.ndarray:
        if len(texts) <= EMBED_BATCH or not progress:
            return self._embed(texts)
        from tqdm import tqdm

        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        with tqdm(total=len(texts), desc="embedding passages", unit="passage") as bar:
            for start in range(0, len(texts), EMBED_BATCH):
                chunk = texts[start : start + EMBED_BATCH]
                out[start : start + len(chunk)] = self._embed(chunk)
                bar.update(len(chunk))
        return out

    def _append_rows(
        self,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        targets: Sequence[int],
        lexical: bool = True,
    ) -> None:
        """Add rows to every column (no journaling, no embedding)."""
        if self._vectors.dtype == np.float32 and self.row_count + len(passages) > FLOAT16_ABOVE_ROWS:
            self._to_float16()
        base = self.row_count
        self._vectors.extend(vectors)
        self._context_norms.extend(_context_norms(passages, vectors))
        for i, p in enumerate(passages):
            row = base + i
            self._texts.append(p.text)
            self._contexts.append(p.context)
            self._questions.append(p.question)
            self._source_ids.append(p.source_id)
            key_code = self._keys.append(p.source_key)
            product_code = self._products.append(p.product_id)
            self._roles.append(p.role)
            self._ratings.append(max(-128, min(127, p.rating)))
            self._targets.append(targets[i])
            self._alive.append(1)
            if p.role != ROLE_QUESTION:
                self._searchable += 1
            self._rows_by_product.setdefault(product_code, array("q")).append(row)
            span = self._rows_by_key.get(key_code)
            if span is None:
                self._rows_by_key[key_code] = range(row, row + 1)
            elif isinstance(span, range) and span.stop == row:
                self._rows_by_key[key_code] = range(span.start, row + 1)
            else:  # a source's rows are normally contiguous; keep any others as a list
                self._rows_by_key[key_code] = [*span, row]
            self._key_by_source[_source_token(p)] = key_code
            if lexical:
                self._lexical.add(p.index_text)

    def _to_float16(self) -> None:
        old = self._vectors
        self._vectors = VectorColumn(DIMENSION, np.float16)
        self._vectors.reserve(len(old) + 1024)
        self._vectors.extend(old.matrix)

    def _maybe_merge_lexical(self) -> None:
        delta = self._lexical.delta_count
        if delta > DELTA_MERGE_MIN and delta > 0.1 * self.row_count:
            self.merge_lexical()

    @_locked
    def merge_lexical(self, progress: bool = False) -> None:
        """Rebuild the BM25 main index over every row (no re-embedding)."""
        texts = [self._index_text(r) for r in range(self.row_count)]
        self._lexical.build(texts, progress=progress)
        if self._journal is not None:
            self._journal.save_lexical(self._lexical)  # type: ignore[attr-defined]

    def _index_text(self, row: int) -> str:
        context = self._contexts[row]
        text = self._texts[row]
        return f"{context}. {text}" if context else text

    # --- removing --------------------------------------------------------------------------
    @_locked
    def remove_source(self, prefix: str, source_id: str) -> int:
        """Drop the passages of review ("r") or question ("q") `source_id`; returns rows."""
        code = self._key_by_source.get(f"{prefix}\t{source_id}")
        if code is None:
            return 0
        return self._remove_key_code(code)

    def remove_review(self, review_id: str) -> int:
        return self.remove_source("r", review_id)

    def remove_question(self, question_id: str) -> int:
        return self.remove_source("q", question_id)

    @_locked
    def remove_key(self, key: str) -> int:
        """Drop the passages of one source key (used when syncing with the store)."""
        code = self._keys.codes.get(key)
        if code is None or code not in self._rows_by_key:
            return 0
        return self._remove_key_code(code)

    def _remove_key_code(self, code: int) -> int:
        before = self.row_count
        removed = self._kill_key(code, before)
        if removed and self._journal is not None:
            self._journal.tombstone(key=self._keys.values[code], before=before)  # type: ignore[attr-defined]
        return removed

    def _kill_key(self, code: int, before: int) -> int:
        """Kill the rows of a source key that precede row `before` (later rows are re-adds)."""
        rows = self._rows_by_key.get(code, ())
        keep = [r for r in rows if r >= before]
        killed = 0
        for r in rows:
            if r < before and self._alive[r]:
                self._alive[r] = 0
                self._searchable -= self._roles[r] != ROLE_QUESTION
                killed += 1
        self._dead += killed
        if keep:
            self._rows_by_key[code] = keep
        else:
            self._rows_by_key.pop(code, None)
            token = _token_of_key(self._keys.values[code])
            if self._key_by_source.get(token) == code:
                del self._key_by_source[token]
        return killed

    @_locked
    def remove_product(self, product_id: str) -> int:
        """Drop every passage of a product; returns how many rows were removed."""
        before = self.row_count
        removed = self._kill_product(product_id, before)
        if removed and self._journal is not None:
            self._journal.tombstone(product=product_id, before=before)  # type: ignore[attr-defined]
        return removed

    def _kill_product(self, product_id: str, before: int) -> int:
        code = self._products.codes.get(product_id)
        if code is None or code not in self._rows_by_product:
            return 0
        rows = self._rows_by_product[code]
        key_codes = {self._keys.code_at(r) for r in rows if r < before and self._alive[r]}
        removed = sum(self._kill_key(k, before) for k in key_codes)
        remaining = array("q", (r for r in rows if r >= before))
        if remaining:
            self._rows_by_product[code] = remaining
        else:
            del self._rows_by_product[code]
        return removed

    @_locked
    def apply_tombstone(
        self, key: str | None = None, product: str | None = None, before: int | None = None
    ) -> None:
        """Replay a persisted removal (of rows before `before`) without journaling it again."""
        limit = self.row_count if before is None else before
        if key is not None:
            code = self._keys.codes.get(key)
            if code is not None:
                self._kill_key(code, limit)
        if product is not None:
            self._kill_product(product, limit)

    @property
    def dead_rows(self) -> int:
        return self._dead

    # --- rebuilding ------------------------------------------------------------------------
    @_locked
    def rebuild(self, progress: bool = True) -> int:
        """Re-read every published review and question from the source and re-embed all."""
        if self._rebuild_source is None:
            raise RuntimeError("this index has no source to rebuild from")
        reviews, questions = self._rebuild_source()
        passages = collect_passages(reviews, questions)
        return self.load_passages(passages, progress=progress)

    @_locked
    def load_passages(
        self, passages: Sequence[Passage], vectors: np.ndarray | None = None, progress: bool = True
    ) -> int:
        """Replace the whole content by `passages` (embedded unless `vectors` is given)."""
        dtype = np.float16 if len(passages) > FLOAT16_ABOVE_ROWS else np.float32
        if vectors is None:
            vectors = self._embed_all([p.index_text for p in passages], progress)
        journal, self._journal = self._journal, None
        self._reset(dtype)
        self._vectors.reserve(len(passages))
        targets = _batch_targets(passages)
        self._append_rows(passages, vectors, targets, lexical=False)
        self._lexical.build([p.index_text for p in passages], progress=progress)
        self._journal = journal
        if self._journal is not None:
            self._journal.write_all(self)  # type: ignore[attr-defined]
        return len(passages)

    @_locked
    def compact(self) -> None:
        """Drop dead rows and rebuild BM25, keeping the embeddings (no model call)."""
        alive = [r for r in range(self.row_count) if self._alive[r]]
        passages = [self.passage_at(r) for r in alive]
        old_targets = [self._targets[r] for r in alive]
        new_of_old = {old: new for new, old in enumerate(alive)}
        vectors = self._vectors.matrix[alive].astype(np.float32)
        journal, self._journal = self._journal, None
        self._reset(np.float16 if len(alive) > FLOAT16_ABOVE_ROWS else np.float32)
        targets = [new_of_old.get(t, -1) if t >= 0 else -1 for t in old_targets]
        self._append_rows(passages, vectors, targets, lexical=False)
        self._lexical.build([p.index_text for p in passages])
        self._journal = journal
        if self._journal is not None:
            self._journal.write_all(self)  # type: ignore[attr-defined]

    def passage_at(self, row: int) -> Passage:
        """The passage stored in `row` (its `target` is the absolute target row)."""
        return Passage(
            role=self._roles[row],
            text=self._texts[row],
            product_id=self._products[row],
            source_id=self._source_ids[row],
            source_key=self._keys[row],
            context=self._contexts[row],
            rating=self._ratings[row],
            question=self._questions[row],
            target=self._targets[row],
        )

    def vectors_matrix(self) -> np.ndarray:
        return self._vectors.matrix

    def lexical(self) -> LexicalIndex:
        return self._lexical

    def is_alive(self, row: int) -> bool:
        return bool(self._alive[row])

    # --- searching -------------------------------------------------------------------------
    def search(
        self,
        query: str,
        product_id: str | None = None,
        k: int = 5,
        params: FusionParams | None = None,
    ) -> list[SearchHit]:
        """The `k` best passages for `query`, optionally only from one product."""
        query = query.strip()
        if not query or k <= 0 or not self._rows_by_key:
            return []
        q = self._embed([query])[0]
        return self.search_vector(query, q, product_id, k, params)

    @_locked
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
        alive = np.frombuffer(self._alive, dtype=np.uint8).view(bool) if self._alive else None
        if alive is None:
            return []
        if product_id is not None:
            code = self._products.codes.get(product_id)
            if code is None or code not in self._rows_by_product:
                return []
            rows = np.frombuffer(self._rows_by_product[code], dtype=np.int64)
            rows = rows[alive[rows]]
            if len(rows) == 0:
                return []
            dense = self._vectors.scores(query_vector, rows)
            lexical = (
                self._lexical.scores(query)[rows]
                if params.lexical_weight
                else np.zeros(len(rows), np.float32)
            )
            context = self._context_scores(
                rows, dense, lambda idx: self._vectors.scores(query_vector, idx)
            )
            documents = self._document_scores(rows, dense, None, params)
        else:
            rows, dense, lexical, all_dense = self._global_candidates(
                query, query_vector, params, alive
            )
            if len(rows) == 0:
                return []
            context = self._context_scores(rows, dense, lambda idx: all_dense[idx])
            documents = self._document_scores(rows, dense, lambda idx: all_dense[idx], params)
        return self._rank(rows, dense, context, lexical, documents, params, k)

    def _context_scores(
        self,
        rows: np.ndarray,
        dense: np.ndarray,
        dense_of: Callable[[np.ndarray], np.ndarray],
    ) -> np.ndarray:
        """Cosine of the query with each row's window (the row and its review neighbours).

        The window vector is the normalised sum of its sentence vectors, so its cosine is the
        sum of the sentences' cosines divided by the stored norm of that sum.
        """
        n = self.row_count
        keys = self._keys.as_array()
        roles = np.frombuffer(self._roles, dtype=np.int8)
        norms = np.frombuffer(self._context_norms, dtype=np.float32)
        total = dense.astype(np.float32).copy()
        total[~np.isfinite(total)] = 0.0
        is_review = roles[rows] == ROLE_REVIEW
        for shift in range(1, CONTEXT_SENTENCES + 1):
            for neighbour in (rows - shift, rows + shift):
                inside = (neighbour >= 0) & (neighbour < n)
                clipped = np.clip(neighbour, 0, n - 1)
                same = inside & is_review & (keys[clipped] == keys[rows])
                if same.any():
                    total[same] += dense_of(clipped[same])
        return total / np.maximum(norms[rows], 1e-6)

    def _document_scores(
        self,
        rows: np.ndarray,
        dense: np.ndarray,
        dense_of: Callable[[np.ndarray], np.ndarray] | None,
        params: FusionParams,
    ) -> np.ndarray:
        """Per row, what its review adds (see fusion.document_terms); 0 for Q&A rows.

        `dense_of` scores rows outside `rows`; None means `rows` already holds every alive row
        of each of their reviews (a product-filtered search), so nothing else is scored.
        """
        out = np.zeros(len(rows), dtype=np.float64)
        if not (params.review_weight or params.position_weight):
            return out
        roles = np.frombuffer(self._roles, dtype=np.int8)
        is_review = roles[rows] == ROLE_REVIEW
        if not is_review.any():
            return out
        keys = self._keys.as_array().astype(np.int64)
        wanted = rows[is_review]
        if dense_of is None:
            members = wanted
            member_dense = np.asarray(dense, dtype=np.float64)[is_review]
        else:
            codes = np.unique(keys[wanted])
            members = np.concatenate(
                [np.asarray(self._rows_by_key[int(c)], dtype=np.int64) for c in codes]
            )
            member_dense = np.asarray(dense_of(members), dtype=np.float64)
        member_dense = np.where(np.isfinite(member_dense), member_dense, 0.0)
        combined = (keys[members] << 40) | members  # sort by review, then by row
        order = np.argsort(combined, kind="stable")
        combined, member_dense = combined[order], member_dense[order]
        _, first, counts = np.unique(combined >> 40, return_index=True, return_counts=True)
        means = np.add.reduceat(member_dense, first) / counts
        at = np.searchsorted(combined, (keys[wanted] << 40) | wanted)
        group = np.searchsorted(first, at, side="right") - 1
        out[is_review] = document_terms(means[group], at - first[group], params)
        return out

    def _global_candidates(
        self, query: str, query_vector: np.ndarray, params: FusionParams, alive: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        all_dense = self._vectors.scores(query_vector)
        all_dense[~alive] = -np.inf
        m = min(params.candidates, len(all_dense))
        picks = [np.argpartition(-all_dense, m - 1)[:m]] if params.dense_weight else []
        all_lexical = None
        if params.lexical_weight:
            all_lexical = self._lexical.scores(query)
            all_lexical[~alive] = 0.0
            nonzero = np.flatnonzero(all_lexical)
            if len(nonzero) > m:
                nonzero = nonzero[np.argpartition(-all_lexical[nonzero], m - 1)[:m]]
            picks.append(nonzero)
        rows = np.unique(np.concatenate(picks)) if picks else np.zeros(0, np.int64)
        if params.q2q and len(rows):
            targets = np.frombuffer(self._targets, dtype=np.int64)[rows]
            extra = targets[targets >= 0]
            if len(extra):
                rows = np.unique(np.concatenate([rows, extra]))
        rows = rows[alive[rows]]
        dense = all_dense[rows]
        lexical = all_lexical[rows] if all_lexical is not None else np.zeros(len(rows), np.float32)
        return rows, dense, lexical, all_dense

    def _rank(
        self,
        rows: np.ndarray,
        dense: np.ndarray,
        context: np.ndarray,
        lexical: np.ndarray,
        documents: np.ndarray,
        params: FusionParams,
        k: int,
    ) -> list[SearchHit]:
        fused = fuse(dense, context, lexical, params).astype(np.float64) + documents
        roles = np.frombuffer(self._roles, dtype=np.int8)[rows]
        best_dense = np.maximum(dense, context).astype(np.float64)
        question_mask = roles == ROLE_QUESTION
        if params.q2q and question_mask.any():
            position = {int(r): i for i, r in enumerate(rows)}
            targets = np.frombuffer(self._targets, dtype=np.int64)
            for i in np.flatnonzero(question_mask):
                t = position.get(int(targets[rows[i]]))
                if t is not None:
                    if fused[i] > fused[t]:
                        fused[t] = fused[i]
                    best_dense[t] = max(best_dense[t], dense[i])
        fused[question_mask] = -np.inf
        order = np.argsort(-fused, kind="stable")
        hits: list[SearchHit] = []
        chosen: list[int] = []
        for i in order:
            if len(hits) >= k or not np.isfinite(fused[i]):
                break
            row = int(rows[i])
            if params.diversify and self._overlaps(row, chosen):
                continue
            chosen.append(row)
            hits.append(self._hit(row, float(fused[i]), float(best_dense[i])))
        return hits

    def _overlaps(self, row: int, chosen: list[int]) -> bool:
        if self._roles[row] != ROLE_REVIEW:
            return False
        span = 2 * CONTEXT_SENTENCES  # windows this close share a sentence
        key = self._keys.code_at(row)
        return any(abs(row - c) <= span and self._keys.code_at(c) == key for c in chosen)

    def window_text(self, row: int) -> str:
        """What a hit shows: a review sentence with its neighbours, or the passage itself."""
        if self._roles[row] != ROLE_REVIEW:
            return self._texts[row]
        key = self._keys.code_at(row)
        lo = hi = row
        for _ in range(CONTEXT_SENTENCES):
            if lo > 0 and self._keys.code_at(lo - 1) == key and self._roles[lo - 1] == ROLE_REVIEW:
                lo -= 1
            if hi + 1 < self.row_count and self._keys.code_at(hi + 1) == key:
                hi += 1
        return " ".join(self._texts[r] for r in range(lo, hi + 1))

    def _hit(self, row: int, score: float, dense: float) -> SearchHit:
        role = self._roles[row]
        return SearchHit(
            text=self.window_text(row),
            kind=KIND_BY_ROLE[role],
            product_id=self._products[row],
            score=score,
            source_id=self._source_ids[row],
            dense=dense,
            rating=self._ratings[row] if role == ROLE_REVIEW else None,
            question=self._questions[row] if role == ROLE_QA else "",
        )

    # --- memory ----------------------------------------------------------------------------
    def nbytes(self) -> dict[str, int]:
        """Bytes held by the index structures, by part."""
        row_maps = sum(len(rows) * 8 + 56 for rows in self._rows_by_product.values())
        row_maps += len(self._rows_by_key) * 150
        row_maps += len(self._key_by_source) * 120
        return {
            "vectors": self._vectors.nbytes(),
            "bm25": self._lexical.nbytes(),
            "texts": self._texts.nbytes()
            + self._contexts.nbytes()
            + self._questions.nbytes()
            + self._source_ids.nbytes(),
            "columns": self._keys.nbytes()
            + self._products.nbytes()
            + len(self._roles) * 11
            + len(self._alive),
            "row_maps": row_maps,
        }


def _context_norms(passages: Sequence[Passage], vectors: np.ndarray) -> np.ndarray:
    """Per row, the norm of the summed vectors of the row and its same-review neighbours."""
    v = np.asarray(vectors, dtype=np.float32)
    total = v.copy()
    n = len(passages)
    for shift in range(1, CONTEXT_SENTENCES + 1):
        for i in range(n):
            p = passages[i]
            if p.role != ROLE_REVIEW:
                continue
            for j in (i - shift, i + shift):
                if 0 <= j < n and passages[j].source_key == p.source_key:
                    total[i] += v[j]
    return np.linalg.norm(total, axis=1).astype(np.float32)


def _source_token(p: Passage) -> str:
    return f"{'q' if p.role in (ROLE_QA, ROLE_QUESTION) else 'r'}\t{p.source_id}"


def _token_of_key(key: str) -> str:
    parts = key.split("\t")
    return f"{parts[0]}\t{parts[1]}"


def _offset_in_source(passages: Sequence[Passage], i: int) -> int:
    """How many passages of the same source precede passage `i` contiguously."""
    key = passages[i].source_key
    j = i
    while j > 0 and passages[j - 1].source_key == key:
        j -= 1
    return i - j


def _batch_targets(passages: Sequence[Passage]) -> list[int]:
    """Absolute target rows for a batch appended to an empty index."""
    targets = []
    for i, p in enumerate(passages):
        if p.role == ROLE_QUESTION and p.target >= 0:
            targets.append(i - _offset_in_source(passages, i) + p.target)
        else:
            targets.append(-1)
    return targets


def collect_passages(reviews: Iterable[Review], questions: Iterable[Question]) -> list[Passage]:
    """Passages of every published review and answered question, in a stable order."""
    passages: list[Passage] = []
    for review in reviews:
        passages.extend(review_passages(review))
    for question in questions:
        passages.extend(question_passages(question))
    return passages


def index_dir(data_dir: Path) -> Path:
    """Where the index of the store in `data_dir` is persisted."""
    return data_dir / "index"
