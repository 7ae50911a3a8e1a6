"""Retrieval quality of both index backends on the quality benchmarks, in one run.

SubjQA (the `quality` benchmark's split) and ePQA (the `epqa` benchmark's file) are indexed
once in the embedded index; the PostgreSQL index is loaded with the very same passages and
vectors (knowledge.index.transfer), so any difference in hit@1 comes from the backend's
search alone: its BM25 from database statistics and its HNSW / full-text candidates.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class QualityRow:
    benchmark: str
    ranker: str
    backend: str
    hit1: float
    hit3: float
    questions: int


def _postgres_copy(index: object, dsn: str) -> object:
    from knowledge.index.postgres import Connection, PostgresIndex
    from knowledge.index.transfer import embedded_passages

    pg = PostgresIndex(Connection(dsn))
    passages, vectors = embedded_passages(index)  # type: ignore[arg-type]
    pg.load_passages(passages, vectors, progress=False)
    return pg


def subjqa_rows(data: Path, split: str, embed: Embedder, dsn: str, limit: int | None = None) -> list[QualityRow]:
    """hit@1 / hit@3 of bm25, dense and ours on SubjQA `split`, embedded vs PostgreSQL."""
    from knowledge.bench.quality import rankers
    from knowledge.bench.subjqa import contains_span, load_split
    from knowledge.index.batches import collect_passages
    from knowledge.index.search_index import SearchIndex

    bench = load_split(data / "subjqa" / f"{split}.csv", limit=limit)
    embedded = SearchIndex(embedder=embed)
    embedded.add_passages(collect_passages(bench.reviews, []), progress=False)
    pg = _postgres_copy(embedded, dsn)
    vectors = embed([q.text for q in bench.questions])
    rows = []
    for name, params in rankers().items():
        for backend, index in (("embedded", embedded), ("postgres", pg)):
            hit1 = hit3 = 0
            for q, vector in zip(bench.questions, vectors, strict=True):
                hits = index.search_vector(q.text, vector, q.product_id, 3, params)  # type: ignore[attr-defined]
                found = [contains_span(h.text, q.spans) for h in hits]
                hit1 += bool(found[:1] and found[0])
                hit3 += any(found)
            n = max(1, len(bench.questions))
            rows.append(QualityRow(f"SubjQA {split}", name, backend, hit1 / n, hit3 / n, len(bench.questions)))
    pg.close()  # type: ignore[attr-defined]
    return rows


def epqa_rows(data: Path, file: str, embed: Embedder, dsn: str, limit: int | None = None) -> list[QualityRow]:
    """hit@1 / hit@3 of bm25, dense and ours on ePQA `file`, embedded vs PostgreSQL."""
    from knowledge.bench.epqa import build_index, rank_questions, rankers
    from knowledge.bench.epqa_data import load_questions, write_subset

    questions = load_questions(data / "epqa" / file)
    if limit is not None:
        questions = questions[:limit]
    with tempfile.TemporaryDirectory(prefix="engines-epqa-") as tmp:
        subset = write_subset(data / "epqa" / file, questions, Path(tmp) / "candidates.csv")
        embedded = build_index(subset, Path(tmp), embed, progress=False)
    pg = _postgres_copy(embedded, dsn)
    vectors = embed([q.text for q in questions])
    rows = []
    for name, params in rankers().items():
        for backend, index in (("embedded", embedded), ("postgres", pg)):
            ranked = rank_questions(index, questions, vectors, params)  # type: ignore[arg-type]
            score = ranked.score(name)
            rows.append(QualityRow(f"ePQA {file}", name, backend, score.hit1, score.hit3, len(questions)))
    pg.close()  # type: ignore[attr-defined]
    return rows


def format_rows(rows: Sequence[QualityRow]) -> str:
    lines = [f"{'benchmark':<16}{'ranker':<8}{'embedded hit@1':>16}{'postgres hit@1':>16}"
             f"{'embedded hit@3':>16}{'postgres hit@3':>16}{'delta hit@1':>13}"]
    pairs: dict[tuple[str, str], dict[str, QualityRow]] = {}
    for row in rows:
        pairs.setdefault((row.benchmark, row.ranker), {})[row.backend] = row
    for (bench, ranker), by in pairs.items():
        e, p = by["embedded"], by["postgres"]
        lines.append(
            f"{bench:<16}{ranker:<8}{100 * e.hit1:>15.1f}%{100 * p.hit1:>15.1f}%{100 * e.hit3:>15.1f}%"
            f"{100 * p.hit3:>15.1f}%{100 * (p.hit1 - e.hit1):>+12.1f}"
        )
    return "\n".join(lines)

