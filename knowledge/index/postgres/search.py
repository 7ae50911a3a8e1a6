"""Search over the PostgreSQL index with the in-process index's fused ranking.

The database does the heavy parts: HNSW nearest neighbours and a GIN full-text match for
the unfiltered candidates, the product filter in SQL, and the cosine of every scored row in
SQL. Every row of each candidate's source comes back (its sentences' cosines give the window
and review terms), then the ranking is the in-process one: knowledge.index.fusion's `fuse`
and `document_terms`, the Q&A terms of knowledge.index.answer_terms, and diversified windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from knowledge.index.answer_terms import ANSWER_HEAD_CHARS, answer_features
from knowledge.index.fusion import FusionParams, document_terms, fuse
from knowledge.index.hit import SearchHit
from knowledge.index.lexical import B, K1, tokenize
from knowledge.index.passages import CONTEXT_SENTENCES, KIND_BY_ROLE, ROLE_QA, ROLE_QUESTION, ROLE_REVIEW
from knowledge.index.postgres.bm25 import CorpusStats, corpus_stats
from knowledge.index.postgres.rows import tsquery_literal

# Unfiltered lexical candidates: of at most LEXICAL_SCAN_CAP full-text matches, the
# PRESELECT_PER_CANDIDATE x `candidates` best by ts_rank over length, and of those the best
# `candidates` by BM25 (BM25 on every match costs about 20 ms at 1M passages; ts_rank alone
# finds only about half of BM25's top 50). Only the query's rarest terms are matched: terms
# in more than RARE_TERM_SHARE of passages are left out when rarer ones exist, and rarer
# terms are taken only while their passages add up to SCAN_POSTINGS (the GIN scan's cost
# grows with them). Left-out terms carry little BM25 weight and still score every row.
LEXICAL_SCAN_CAP = 2_000
PRESELECT_PER_CANDIDATE = 10
RARE_TERM_SHARE = 0.05
SCAN_POSTINGS = 15_000

# BM25 in SQL: each stored lexeme's position count is its term frequency; the query's
# tokens come with their idf (from corpus_stats), repeated tokens counting again as in-process.
BM25_SQL = f"""CASE WHEN s.lexemes @@ %(tsq)s::tsquery THEN (
    SELECT coalesce(sum(w.idf * cardinality(u.positions)
        / (cardinality(u.positions) + {K1} * (1 - {B} + {B} * s.token_count / %(avgdl)s))), 0)
    FROM unnest(s.lexemes) u JOIN unnest(%(terms)s::text[], %(idfs)s::float8[]) w(term, idf)
    ON u.lexeme = w.term) ELSE 0 END"""

# From the rows of the sources in `scored`: the review mean of the cosine (document term),
# and only the rows that are ranked or neighbour a ranked one (window) or belong to a question
# (answers meet their question row). BM25 is computed in `scored` for those rows only.
_SELECT_MARKED = f"""
, marked AS (
    SELECT s.*,
        avg(s.dense) FILTER (WHERE s.role = {ROLE_REVIEW}) OVER (PARTITION BY s.source_key) AS review_mean,
        bool_or(s.candidate) OVER (PARTITION BY s.source_key ORDER BY s.position
            ROWS BETWEEN {CONTEXT_SENTENCES} PRECEDING AND {CONTEXT_SENTENCES} FOLLOWING) AS near
    FROM scored s
)
SELECT s.id, s.source_key, s.position, s.role, s.context_norm, s.dense,
    s.bm25, s.candidate, coalesce(s.review_mean, 0), s.answer_head
FROM marked s WHERE s.near OR s.role <> {ROLE_REVIEW} ORDER BY s.id
"""

def _scored(candidate: str) -> str:
    """The columns of every row of the chosen sources; `candidate` says which are ranked."""
    bm25 = BM25_SQL.replace("s.", "p.")
    return f"""
    SELECT p.id, p.source_key, p.position, p.role, p.context_norm,
        -(p.embedding <#> %(q)s) AS dense, {candidate} AS candidate,
        CASE WHEN {candidate} OR p.role <> {ROLE_REVIEW} THEN {bm25} ELSE 0 END AS bm25,
        CASE WHEN p.role = {ROLE_QA}
            THEN left(ltrim(substr(p.text, length(p.question) + 1)), {ANSWER_HEAD_CHARS})
            ELSE '' END AS answer_head"""


_FILTERED_SQL = f"""
WITH scored AS ({_scored("true")}
    FROM passages p WHERE p.product_id = %(product)s
){_SELECT_MARKED}"""

# The unfiltered lexical candidates (see LEXICAL_SCAN_CAP); values from lexical_values.
LEXICAL_CANDIDATES_SQL = f"""
    SELECT s.id FROM (
        SELECT id, lexemes, token_count FROM (
            SELECT id, lexemes, token_count FROM passages WHERE lexemes @@ %(scan)s::tsquery LIMIT %(cap)s
        ) matches ORDER BY ts_rank(lexemes, %(scan)s::tsquery, 1) DESC LIMIT %(preselect)s
    ) s ORDER BY {BM25_SQL} DESC LIMIT %(m_lexical)s"""

_UNFILTERED_SQL = f"""
WITH dense_c AS (
    SELECT id FROM passages ORDER BY embedding <#> %(q)s LIMIT %(m_dense)s
), lexical_c AS ({LEXICAL_CANDIDATES_SQL}
), picked AS (
    SELECT id FROM dense_c UNION SELECT id FROM lexical_c
), keys AS (
    SELECT DISTINCT source_key FROM passages WHERE id IN (SELECT id FROM picked)
), scored AS ({_scored("p.id IN (SELECT id FROM picked)")}
    FROM passages p JOIN keys USING (source_key)
){_SELECT_MARKED}"""


@dataclass(frozen=True)
class ScoredRows:
    """Every fetched row (whole sources), in id order, with its cosine and BM25."""

    ids: np.ndarray
    keys: np.ndarray  # source key codes (equal code = same source)
    positions: np.ndarray
    roles: np.ndarray
    norms: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    candidate: np.ndarray  # rows ranked (the others are windows' neighbours, question rows)
    review_mean: np.ndarray  # mean cosine of the row's whole review (0 for Q&A rows)
    answer_heads: tuple[str, ...]  # the start of each Q&A row's answer ('' for the others)

    def locate(self, keys: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Index of the row with each (key, position), or -1."""
        combined = self.keys.astype(np.int64) << 24 | self.positions
        order = np.argsort(combined, kind="stable")
        wanted = keys.astype(np.int64) << 24 | positions
        at = np.searchsorted(combined[order], wanted)
        at = np.clip(at, 0, len(order) - 1)
        found = (combined[order][at] == wanted) & (positions >= 0)
        return np.where(found, order[at], -1)


def fetch_scored(
    conn: Any, query: str, vector: np.ndarray, product_id: str | None, params: FusionParams
) -> ScoredRows | None:
    """The rows to rank for `query` (None when nothing matches)."""
    values = lexical_values(conn, query, params)
    values["q"] = np.asarray(vector, dtype=np.float32)
    if product_id is not None:
        rows = conn.execute(_FILTERED_SQL, {**values, "product": product_id}).fetchall()
    else:
        ef_search = max(getattr(conn, "shoptalk_ef_floor", 40), int(params.candidates))
        if getattr(conn, "shoptalk_ef_search", None) != ef_search:  # one round trip saved per search
            conn.execute(f"SET hnsw.ef_search = {ef_search}")
            conn.shoptalk_ef_search = ef_search
        values["m_dense"] = params.candidates if params.dense_weight else 0
        rows = conn.execute(_UNFILTERED_SQL, values).fetchall()
    if not rows:
        return None
    codes: dict[str, int] = {}
    columns = list(zip(*rows))
    return ScoredRows(
        ids=np.asarray(columns[0], dtype=np.int64),
        keys=np.fromiter((codes.setdefault(k, len(codes)) for k in columns[1]), np.int64, len(rows)),
        positions=np.asarray(columns[2], dtype=np.int64),
        roles=np.asarray(columns[3], dtype=np.int8),
        norms=np.asarray(columns[4], dtype=np.float32),
        dense=np.asarray(columns[5], dtype=np.float32),
        lexical=np.asarray(columns[6], dtype=np.float32),
        candidate=np.asarray(columns[7], dtype=bool),
        review_mean=np.asarray(columns[8], dtype=np.float64),
        answer_heads=tuple(columns[9]),
    )


def lexical_values(conn: Any, query: str, params: FusionParams) -> dict[str, Any]:
    """The BM25 parameters of the SQL above for `query` (one round trip for the statistics)."""
    tokens = tokenize(query) if params.lexical_weight else []
    stats = corpus_stats(conn, tokens)
    return {
        "tsq": tsquery_literal(tokens) if tokens else None,
        "terms": list(tokens),
        "idfs": [stats.idf(t) for t in tokens],
        "avgdl": stats.mean_length,
        "scan": tsquery_literal(scan_terms(tokens, stats)) if tokens else None,
        "cap": LEXICAL_SCAN_CAP,
        "preselect": PRESELECT_PER_CANDIDATE * params.candidates,
        "m_lexical": params.candidates,
    }


def scan_terms(tokens: list[str], stats: CorpusStats) -> list[str]:
    """The query terms the unfiltered full-text match looks for: the rarest ones (see above)."""
    distinct = sorted(dict.fromkeys(tokens), key=lambda t: stats.df.get(t, 0))
    rare = [t for t in distinct if stats.df.get(t, 0) <= RARE_TERM_SHARE * stats.documents]
    if not rare:
        return distinct
    chosen, postings = [rare[0]], stats.df.get(rare[0], 0)
    for term in rare[1:]:
        postings += stats.df.get(term, 0)
        if postings > SCAN_POSTINGS:
            break
        chosen.append(term)
    return chosen


def rank(
    scored: ScoredRows, query: str, params: FusionParams, k: int
) -> list[tuple[int, float, float]]:
    """(row, fused score, best cosine) of the `k` best rows, as the in-process index ranks."""
    rows = np.flatnonzero(scored.candidate)
    if params.q2q:  # every row of a question among the candidates: answers meet their question
        asked = np.isin(scored.keys, scored.keys[rows[scored.roles[rows] != ROLE_REVIEW]])
        rows = np.unique(np.concatenate([rows, np.flatnonzero(asked & (scored.roles != ROLE_REVIEW))]))
    if len(rows) == 0:
        return []
    dense = scored.dense[rows]
    context = _context_scores(scored, rows)
    documents = _document_scores(scored, rows, params)
    fused = fuse(dense, context, scored.lexical[rows], params).astype(np.float64) + documents
    roles = scored.roles[rows]
    answers = answer_features(
        scored.keys[rows], roles, dense, lambda i: scored.answer_heads[int(rows[i])], query
    )
    fused += answers.terms(params)
    best_dense = answers.answerability(np.maximum(dense, context).astype(np.float64), params)
    fused[roles == ROLE_QUESTION] = -np.inf
    order = np.argsort(-fused, kind="stable")
    chosen: list[tuple[int, float, float]] = []
    span = 2 * CONTEXT_SENTENCES  # windows this close share a sentence
    for i in order:
        if len(chosen) >= k or not np.isfinite(fused[i]):
            break
        row = int(rows[i])
        if params.diversify and scored.roles[row] == ROLE_REVIEW and any(
            scored.keys[c] == scored.keys[row]
            and abs(int(scored.positions[c]) - int(scored.positions[row])) <= span
            for c, _, _ in chosen
        ):
            continue
        chosen.append((row, float(fused[i]), float(best_dense[i])))
    return chosen


def _context_scores(scored: ScoredRows, rows: np.ndarray) -> np.ndarray:
    """Cosine of the query with each row's window (see SearchIndex._context_scores)."""
    total = scored.dense[rows].astype(np.float32).copy()
    total[~np.isfinite(total)] = 0.0
    is_review = scored.roles[rows] == ROLE_REVIEW
    for shift in range(1, CONTEXT_SENTENCES + 1):
        for sign in (-1, 1):
            neighbour = scored.locate(scored.keys[rows], scored.positions[rows] + sign * shift)
            same = is_review & (neighbour >= 0)
            if same.any():
                total[same] += scored.dense[neighbour[same]]
    return total / np.maximum(scored.norms[rows], 1e-6)


def _document_scores(scored: ScoredRows, rows: np.ndarray, params: FusionParams) -> np.ndarray:
    """Per row, what its review adds (fusion.document_terms); 0 for Q&A rows."""
    out = np.zeros(len(rows), dtype=np.float64)
    if not (params.review_weight or params.position_weight):
        return out
    is_review = scored.roles[rows] == ROLE_REVIEW
    if is_review.any():
        wanted = rows[is_review]
        out[is_review] = document_terms(scored.review_mean[wanted], scored.positions[wanted], params)
    return out


def fetch_hits(conn: Any, scored: ScoredRows, chosen: list[tuple[int, float, float]]) -> list[SearchHit]:
    """SearchHits of the chosen rows: a review sentence shows its window of neighbours."""
    windows: list[list[int]] = []
    for row, _, _ in chosen:
        if scored.roles[row] != ROLE_REVIEW:
            windows.append([row])
            continue
        span = np.arange(-CONTEXT_SENTENCES, CONTEXT_SENTENCES + 1) + scored.positions[row]
        found = scored.locate(np.full(len(span), scored.keys[row]), span)
        windows.append([int(r) for r in found if r >= 0])
    ids = sorted({int(scored.ids[r]) for window in windows for r in window})
    by_id = {
        r[0]: r
        for r in conn.execute(
            "SELECT id, text, product_id, source_id, rating, question, role FROM passages"
            " WHERE id = ANY(%s)",
            (ids,),
        ).fetchall()
    }
    hits = []
    for (row, score, dense), window in zip(chosen, windows):
        head = by_id.get(int(scored.ids[row]))
        if head is None:  # deleted by another process between the two queries
            continue
        role = head[6]
        text = " ".join(by_id[int(scored.ids[r])][1] for r in window if int(scored.ids[r]) in by_id)
        hits.append(
            SearchHit(
                text=text,
                kind=KIND_BY_ROLE[role],
                product_id=head[2],
                score=score,
                source_id=head[3],
                dense=dense,
                rating=head[4] if role == ROLE_REVIEW else None,
                question=head[5] if role == ROLE_QA else "",
            )
        )
    return hits
