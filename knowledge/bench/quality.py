"""Answer retrieval quality on SubjQA: BM25-only, dense-only and the fused ranking, one run.

All three rank the same passages (built by the product's passage builder) of the question's
product; only the scoring differs. hit@k = one of the top k passages contains a human answer
span. Weights are tuned with `--split dev` / `--split train` and `--grid`; the test split is
for reporting only. With a few hundred questions one question moves hit@1 by 0.4-1 point, so
the report gives ours minus each baseline with a paired bootstrap interval over questions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from knowledge.bench.subjqa import BenchSplit, contains_span
from knowledge.index.fusion import FusionParams
from knowledge.index.batches import collect_passages
from knowledge.index.search_index import SearchIndex


@dataclass(frozen=True)
class Score:
    """hit@1 / hit@3 of one ranker, as fractions of `questions`."""

    name: str
    hit1: float
    hit3: float
    questions: int


@dataclass(frozen=True)
class Difference:
    """hit@1 of ours minus one baseline, in points, with a paired bootstrap 95% interval."""

    name: str
    baseline: str
    points: float
    low: float
    high: float


@dataclass(frozen=True)
class QualityReport:
    split: str
    questions: int
    products: int
    passages: int
    reachable: int  # questions whose span lies inside at least one passage (upper bound)
    scores: tuple[Score, ...]
    seconds: float
    differences: tuple[Difference, ...] = ()


BOOTSTRAP_ROUNDS = 4000


def paired_interval(
    ours: np.ndarray,
    baseline: np.ndarray,
    rounds: int = BOOTSTRAP_ROUNDS,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(ours) - mean(baseline), in points.

    Questions are resampled with replacement and both rankers keep their answers to the same
    resampled questions (paired), so only the questions where they disagree add variance.
    The seed is fixed so a report is reproducible.
    """
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("paired_interval needs two per-question arrays of one length")
    if len(a) == 0:
        return 0.0, 0.0
    picks = np.random.default_rng(seed).integers(0, len(a), size=(rounds, len(a)))
    means = (a - b)[picks].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return 100.0 * float(low), 100.0 * float(high)


def differences(
    top1: Mapping[str, np.ndarray], ours: str = "ours", baselines: Sequence[str] = ("bm25", "dense")
) -> tuple[Difference, ...]:
    """Ours minus each baseline present in `top1` (per-question hit@1 as 0/1 arrays)."""
    if ours not in top1:
        return ()
    out = []
    for name in baselines:
        if name not in top1:
            continue
        gap = np.asarray(top1[ours], dtype=np.float64) - np.asarray(top1[name], dtype=np.float64)
        points = 100.0 * float(gap.mean()) if len(gap) else 0.0
        low, high = paired_interval(top1[ours], top1[name])
        out.append(Difference(ours, name, points, low, high))
    return tuple(out)


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
    top1: dict[str, np.ndarray] = {}
    for name, params in configs.items():
        first = np.zeros(len(split.questions), dtype=bool)
        hit3 = 0
        for i, (q, vector) in enumerate(zip(split.questions, vectors, strict=True)):
            hits = index.search_vector(q.text, vector, q.product_id, 3, params)
            found = [contains_span(h.text, q.spans) for h in hits]
            first[i] = bool(found[:1] and found[0])
            hit3 += any(found)
        n = max(1, len(split.questions))
        top1[name] = first
        scores.append(Score(name, int(first.sum()) / n, hit3 / n, len(split.questions)))
    return QualityReport(
        split=split_name,
        questions=len(split.questions),
        products=len({r.product_id for r in split.reviews}),
        passages=index.passage_count(),
        reachable=reachable,
        scores=tuple(scores),
        seconds=time.perf_counter() - started,
        differences=differences(top1),
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
    for d in report.differences:
        lines.append(
            f"{d.name} - {d.baseline}: {d.points:+.1f} points of hit@1, 95% interval "
            f"{d.low:+.1f} to {d.high:+.1f} (paired bootstrap over questions)"
        )
    lines.append(f"({report.seconds:.0f} s)")
    return "\n".join(lines)


def default_subjqa_dir(project_root: Path) -> Path:
    return project_root.parent / "shared" / "data" / "subjqa"
