"""The hybrid search index: dense MiniLM vectors + BM25, fused, filterable by product.

Rows are passages (see passages.py) in append order. Everything a row needs is kept in
compact columns; removal marks rows dead (a tombstone) and `compact` drops them without
re-embedding. Persistence (see persist.py) appends each incremental add, so another process
sees it; `open_index` diffs the store against the index and brings it up to date.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from knowledge.index.batches import (
    _batch_targets,
    _context_norms,
    _offset_in_source,
    _source_token,
    _token_of_key,
    collect_passages,
)
from knowledge.index.columns import CodeColumn, StringColumn, VectorColumn
from knowledge.index.fusion import FusionParams
from knowledge.index.lexical import LexicalIndex
from knowledge.index.ranking import HybridRanking
from knowledge.index.locking import locked as _locked
from knowledge.index.passages import (
    ROLE_QUESTION,
    ROLE_REVIEW,
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


def _default_embedder(texts: Sequence[str]) -> np.ndarray:
    from knowledge.index.embedder import embed

    return embed(texts)


class SearchIndex(HybridRanking):
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
