"""Searching the in-process index: candidates, the fused ranking and the hits it returns.

`HybridRanking` is the search half of SearchIndex (search_index.py holds the columns and the
writes): dense scores from the vector column, BM25 from the lexical index, the window and
review terms, the Q&A terms (answer_terms.py) and diversified windows, fused by fusion.py. The
PostgreSQL backend ranks its rows with the same steps (knowledge/index/postgres/search.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from knowledge.index.answer_terms import AnswerFeatures, answer_features, answer_head
from knowledge.index.fusion import FusionParams, document_terms, fuse
from knowledge.index.hit import SearchHit
from knowledge.index.locking import locked as _locked
from knowledge.index.passages import CONTEXT_SENTENCES, KIND_BY_ROLE, ROLE_QA, ROLE_QUESTION, ROLE_REVIEW


@dataclass(frozen=True)
class CandidateScores:
    """The rows one search ranks: fused scores before the Q&A terms, and those terms' features.

    Question rows are among `rows` (their cosine feeds their answers' features) with a base
    of -inf: they are never returned themselves. The ePQA fit reads this to learn the terms.
    """

    rows: np.ndarray
    base: np.ndarray  # fusion.fuse plus the review's document terms
    best_dense: np.ndarray  # the absolute answerability signal a hit carries
    answers: AnswerFeatures

    def fused(self, params: FusionParams) -> np.ndarray:
        return self.base + self.answers.terms(params)


class HybridRanking:
    """Search methods over the columns SearchIndex keeps (`_vectors`, `_lexical`, `_keys` ...)."""

    _rows_by_key: dict
    params: FusionParams

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
        scores = self.candidate_scores(query, query_vector, product_id, params)
        return self._select(scores, params, k) if scores is not None else []

    def candidate_scores(
        self,
        query: str,
        query_vector: np.ndarray,
        product_id: str | None,
        params: FusionParams,
    ) -> CandidateScores | None:
        """The scored candidate rows of a search (None when there are none)."""
        alive = np.frombuffer(self._alive, dtype=np.uint8).view(bool) if self._alive else None
        if alive is None:
            return None
        if product_id is not None:
            code = self._products.codes.get(product_id)
            if code is None or code not in self._rows_by_product:
                return None
            rows = np.frombuffer(self._rows_by_product[code], dtype=np.int64)
            rows = rows[alive[rows]]
            if len(rows) == 0:
                return None
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
                return None
            context = self._context_scores(rows, dense, lambda idx: all_dense[idx])
            documents = self._document_scores(rows, dense, lambda idx: all_dense[idx], params)
        return self._score(query, rows, dense, context, lexical, documents, params)

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
            rows = self._with_question_sources(rows)
        rows = rows[alive[rows]]
        dense = all_dense[rows]
        lexical = all_lexical[rows] if all_lexical is not None else np.zeros(len(rows), np.float32)
        return rows, dense, lexical, all_dense

    def _with_question_sources(self, rows: np.ndarray) -> np.ndarray:
        """`rows` plus every row of the questions among them: answers meet their question row."""
        roles = np.frombuffer(self._roles, dtype=np.int8)[rows]
        asked = rows[roles != ROLE_REVIEW]
        if len(asked) == 0:
            return rows
        codes = np.unique(self._keys.as_array()[asked])
        extra = [
            np.asarray(self._rows_by_key[int(c)], dtype=np.int64)
            for c in codes
            if int(c) in self._rows_by_key
        ]
        return np.unique(np.concatenate([rows, *extra])) if extra else rows

    def _score(
        self,
        query: str,
        rows: np.ndarray,
        dense: np.ndarray,
        context: np.ndarray,
        lexical: np.ndarray,
        documents: np.ndarray,
        params: FusionParams,
    ) -> CandidateScores:
        base = fuse(dense, context, lexical, params).astype(np.float64) + documents
        roles = np.frombuffer(self._roles, dtype=np.int8)[rows]
        keys = self._keys.as_array()[rows]
        answers = answer_features(
            keys, roles, dense,
            lambda i: answer_head(self._texts[int(rows[i])], self._questions[int(rows[i])]), query,
        )
        best_dense = answers.answerability(np.maximum(dense, context).astype(np.float64), params)
        base[roles == ROLE_QUESTION] = -np.inf
        return CandidateScores(rows, base, best_dense, answers)

    def _select(self, scores: CandidateScores, params: FusionParams, k: int) -> list[SearchHit]:
        """The `k` best rows as hits, skipping windows that overlap a chosen one."""
        rows, best_dense = scores.rows, scores.best_dense
        fused = scores.fused(params)
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
