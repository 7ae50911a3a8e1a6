"""Answer retrieval quality on SubjQA: BM25-only, dense-only and the fused ranking, one run.

All three rank the same passages (built by the product's passage builder) of the question's
product; only the scoring differs. hit@k = one of the top k passages contains a human answer
span. Weights are tuned with `--split dev` / `--split train` and `--grid`; the test split is
for reporting only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from knowledge.bench.subjqa import BenchSplit, contains_span
from knowledge.index.fusion import FusionParams
from knowledge.index.search_index import SearchIndex, collect_passages


@dataclass(frozen=True)
class Score:
    """hit@1 / hit@3 of one ranker, as fractions of `questions`."""

    name: str
    hit1: float
    hit3: float
    questions: int


@dataclass(frozen=True)
class QualityReport:
    split: str
    questions: int
    products: int
    passages: int
    reachable: int  # questions whose span lies inside at least one passage (upper bound)
    scores: tuple[Score, ...]
    seconds: float


def rankers(fused: FusionParams | None = None) -> dict[str, FusionParams]:
    """The two baselines and ours, in print order."""
    return {
        "bm25": FusionParams.lexical_only(),
        "dense": FusionParams.dense_only(),
        "ours": fused or FusionParams(),
    }


def grid() -> dict[str, FusionParams]:
    """Fusion settings compared when tuning on train/dev."""
    out: dict[str, FusionParams] = {}
    for context in (0.0, 0.5, 1.0, 1.5):
        for lexical in (0.0, 0.1, 0.15, 0.2, 0.3, 0.5):
            name = f"sum ctx={context:.1f} lex={lexical:.2f}"
            out[name] = replace(FusionParams(), context_weight=context, lexical_weight=lexical)
    for context in (0.0, 0.5, 1.0):
        for lexical in (0.25, 0.5, 0.75, 1.0):
            name = f"z ctx={context:.1f} lex={lexical:.2f}"
            out[name] = replace(
                FusionParams(), method="z", context_weight=context, lexical_weight=lexical
            )
    for rrf_k in (2.0, 5.0, 10.0, 30.0):
        for lexical in (0.5, 1.0):
            name = f"rrf k={rrf_k:.0f} lex={lexical:.1f}"
            out[name] = replace(
                FusionParams(), method="rrf", rrf_k=rrf_k, lexical_weight=lexical
            )
    out["default, no diversify"] = replace(FusionParams(), diversify=False)
    return out


def evaluate(
    split: BenchSplit,
    split_name: str,
    embed: Callable[[Sequence[str]], np.ndarray],
    configs: Mapping[str, FusionParams],
    progress: bool = True,
) -> QualityReport:
    """Index every review of the split once and rank each question's product passages."""
    started = time.perf_counter()
    index = SearchIndex(embedder=embed)
    passages = collect_passages(split.reviews, [])
    index.add_passages(passages, progress=progress)
    by_product: dict[str, list[str]] = {}
    for row in range(index.row_count):
        by_product.setdefault(index.passage_at(row).product_id, []).append(index.window_text(row))
    reachable = sum(
        any(contains_span(t, q.spans) for t in by_product.get(q.product_id, []))
        for q in split.questions
    )
    vectors = embed([q.text for q in split.questions])
    scores = []
    for name, params in configs.items():
        hit1 = hit3 = 0
        for q, vector in zip(split.questions, vectors, strict=True):
            hits = index.search_vector(q.text, vector, q.product_id, 3, params)
            found = [contains_span(h.text, q.spans) for h in hits]
            hit1 += bool(found[:1] and found[0])
            hit3 += any(found)
        n = max(1, len(split.questions))
        scores.append(Score(name, hit1 / n, hit3 / n, len(split.questions)))
    return QualityReport(
        split=split_name,
        questions=len(split.questions),
        products=len({r.product_id for r in split.reviews}),
        passages=index.passage_count(),
        reachable=reachable,
        scores=tuple(scores),
        seconds=time.perf_counter() - started,
    )


def format_report(report: QualityReport) -> str:
    """A plain-text table, baselines and ours side by side."""
    lines = [
        f"SubjQA {report.split}: {report.questions} answerable questions, "
        f"{report.products} products, {report.passages} passages; "
        f"span inside some passage for {report.reachable} "
        f"({100 * report.reachable / max(1, report.questions):.1f}%, the ceiling)",
        f"{'ranker':<22}{'hit@1':>8}{'hit@3':>8}",
    ]
    for s in report.scores:
        lines.append(f"{s.name:<22}{100 * s.hit1:>7.1f}%{100 * s.hit3:>7.1f}%")
    names = {s.name: s for s in report.scores}
    if {"bm25", "dense", "ours"} <= names.keys():
        best = max(names["bm25"].hit1, names["dense"].hit1)
        lines.append(
            f"ours - best baseline: {100 * (names['ours'].hit1 - best):+.1f} points of hit@1"
        )
    lines.append(f"({report.seconds:.0f} s)")
    return "\n".join(lines)


def default_subjqa_dir(project_root: Path) -> Path:
    return project_root.parent / "shared" / "data" / "subjqa"
