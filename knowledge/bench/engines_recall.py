"""How close the PostgreSQL backend's approximate candidates are to exact search, for
`python -m knowledge.bench engines`: HNSW's recall@10 against a sequential scan, and the
unfiltered lexical candidates' share of the exact BM25 top 50.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

LEXICAL_RECALL_QUERIES = 40


def hnsw_recall_at_10(pg: object, vectors: np.ndarray, ef_search: int) -> float:
    """Share of the exact top 10 (a sequential scan) that HNSW returns, at `ef_search`."""

    def work(conn: object) -> float:
        found = 0
        for v in vectors:
            conn.execute(f"SET hnsw.ef_search = {ef_search}")  # type: ignore[attr-defined]
            approx = {r[0] for r in conn.execute(  # type: ignore[attr-defined]
                "SELECT id FROM passages ORDER BY embedding <#> %s LIMIT 10", (v,))}
            with conn.transaction():  # type: ignore[attr-defined]
                conn.execute("SET LOCAL enable_indexscan = off")  # type: ignore[attr-defined]
                conn.execute("SET LOCAL statement_timeout = 0")  # type: ignore[attr-defined]
                exact = {r[0] for r in conn.execute(  # type: ignore[attr-defined]
                    "SELECT id FROM passages ORDER BY embedding <#> %s LIMIT 10", (v,))}
            found += len(approx & exact)
        conn.execute("SET hnsw.ef_search = 200")  # type: ignore[attr-defined]
        return found / (10 * max(1, len(vectors)))

    return float(pg._db.run(work))  # type: ignore[attr-defined]


def lexical_recall(pg: object, texts: Sequence[str]) -> float:
    """Share of the exact BM25 top 50 that the unfiltered lexical candidates hold.

    Exact: BM25 (the same SQL) over every passage matching a query term held by at most
    RARE_TERM_SHARE of passages (all terms if none is). Compared by text, as the scaled
    corpus repeats its base texts under new ids.
    """
    from knowledge.index.fusion import FusionParams
    from knowledge.index.lexical import tokenize
    from knowledge.index.postgres import search
    from knowledge.index.postgres.bm25 import corpus_stats
    from knowledge.index.postgres.rows import tsquery_literal

    params = FusionParams()

    def work(conn: object) -> float:
        shares = []
        for text in texts:
            tokens = tokenize(text)
            if not tokens:
                continue
            values = search.lexical_values(conn, text, params)
            stats = corpus_stats(conn, tokens)
            wide = [t for t in dict.fromkeys(tokens) if stats.df.get(t, 0) <= search.RARE_TERM_SHARE * stats.documents]
            with conn.transaction():  # type: ignore[attr-defined]
                conn.execute("SET LOCAL statement_timeout = 0")  # type: ignore[attr-defined]
                exact = {r[0] for r in conn.execute(  # type: ignore[attr-defined]
                    f"SELECT s.text FROM passages s WHERE s.lexemes @@ %(wide)s::tsquery"
                    f" ORDER BY {search.BM25_SQL} DESC LIMIT %(m_lexical)s",
                    {**values, "wide": tsquery_literal(wide or tokens)})}
            found = {r[0] for r in conn.execute(  # type: ignore[attr-defined]
                f"SELECT text FROM passages WHERE id IN ({search.LEXICAL_CANDIDATES_SQL})", values)}
            if exact:
                shares.append(len(found & exact) / len(exact))
        return float(np.mean(shares)) if shares else 0.0

    return float(pg._db.run(work))  # type: ignore[attr-defined]
