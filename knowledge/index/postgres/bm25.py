"""BM25 statistics of the PostgreSQL index: the in-process formula on the database's counts.

Term frequencies and lengths come from each row's stored tsvector (the in-process BM25
tokens with their positions; search.py scores them in SQL), document frequencies from
`index_terms`, and the corpus size and length from `index_stats`, all kept exact by the
writing transactions. The score is Lucene's BM25 as knowledge.index.lexical computes it
(k1 = 1.2, b = 0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5))).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 needs beyond a row: corpus size, mean length, each query term's df."""

    documents: int
    mean_length: float
    df: dict[str, int]

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1.0 + (self.documents - df + 0.5) / (df + 0.5))


def corpus_stats(conn: object, tokens: Sequence[str]) -> CorpusStats:
    """Read the statistics of `tokens` in one round trip."""
    row = conn.execute(  # type: ignore[attr-defined]
        "SELECT s.passages, s.tokens, coalesce((SELECT array_agg(array[t.term, t.df::text])"
        " FROM index_terms t WHERE t.term = ANY(%s)), '{}') FROM index_stats s WHERE s.id = 1",
        (list(dict.fromkeys(tokens)),),
    ).fetchone()
    documents, total = int(row[0]), int(row[1])
    df = {term: int(count) for term, count in (row[2] or [])}
    return CorpusStats(documents, max(1e-9, total / max(1, documents)), df)
