"""Answer retrieval on real product questions (ePQA): BM25, dense and ours from one run.

The review and community-Q&A candidates of the chosen questions are imported by the ePQA
importer into a fresh SQLite store in a temporary directory; the product's own search index
is built from that store; each question is asked against its product (product filter) and the
returned passages are mapped back to candidates. Only the question's own candidates are
ranked (a product asked several questions holds the candidates of all of them, and those were
graded for another question). hit@k: a label-2 candidate among the first k distinct ones.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.bench.epqa_data import EpqaQuestion, load_questions, write_subset
from knowledge.bench.quality import Difference, Score, differences
from knowledge.index.fusion import FusionParams
from knowledge.index.hit import SearchHit
from knowledge.index.passages import ROLE_REVIEW, Passage, answer_of
from knowledge.index.search_index import SearchIndex

Embedder = Callable[[Sequence[str]], np.ndarray]
SEARCH_DEPTH = 60  # passages asked per question: enough to order every candidate of a product


@dataclass(frozen=True)
class EpqaReport:
    questions: int
    products: int
    candidates: float  # mean review + cqa candidates per question
    passages: int
    scores: tuple[Score, ...]
    differences: tuple[Difference, ...]
    seconds: float


@dataclass(frozen=True)
class Ranked:
    """Per question, the 0/1 hit@1 and hit@3 of one ranker."""

    hit1: np.ndarray
    hit3: np.ndarray

    def score(self, name: str) -> Score:
        n = max(1, len(self.hit1))
        return Score(name, float(self.hit1.sum()) / n, float(self.hit3.sum()) / n, len(self.hit1))


def rankers(ours: FusionParams | None = None) -> dict[str, FusionParams]:
    """The two baselines and the product's default ranking, in print order."""
    return {
        "bm25": FusionParams.lexical_only(),
        "dense": FusionParams.dense_only(),
        "ours": ours or FusionParams(),
    }


def hit_key(hit: SearchHit) -> tuple[str, ...]:
    """The candidate record key of a hit (see epqa_data.candidate_key)."""
    return _key(hit.kind == "review", hit.source_id, hit.text, hit.question)


def passage_key(passage: Passage) -> tuple[str, ...]:
    """The candidate record key of an indexed passage (what `hit_key` gives for its hit)."""
    return _key(passage.role == ROLE_REVIEW, passage.source_id, passage.text, passage.question)


def _key(is_review: bool, source_id: str, text: str, question: str) -> tuple[str, ...]:
    return ("r", source_id) if is_review else ("q", source_id, answer_of(text, question))


def candidate_order(hits: Sequence[SearchHit], own: frozenset[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Distinct candidates of `own` in the order their first passage was returned."""
    order: list[tuple[str, ...]] = []
    for hit in hits:
        key = hit_key(hit)
        if key in own and key not in order:
            order.append(key)
    return order


def build_index(csv_path: Path, directory: Path, embed: Embedder, progress: bool) -> SearchIndex:
    """Import `csv_path` into a fresh SQLite store in `directory` and index it."""
    from knowledge.importers import ImportOptions, import_files
    from knowledge.store.sqlite import SQLiteStore

    store = SQLiteStore(directory / "shoptalk.sqlite")
    import_files(store, [csv_path], ImportOptions(format="epqa", progress=False))
    index = SearchIndex(embedder=embed,
                        rebuild_source=lambda: (store.iter_reviews(), store.iter_questions()))
    index.rebuild(progress=progress)
    return index


def rank_questions(
    index: SearchIndex, questions: Sequence[EpqaQuestion], vectors: np.ndarray, params: FusionParams
) -> Ranked:
    """hit@1 / hit@3 per question for one ranking."""
    hit1 = np.zeros(len(questions), dtype=bool)
    hit3 = np.zeros(len(questions), dtype=bool)
    for i, (q, vector) in enumerate(zip(questions, vectors, strict=True)):
        hits = index.search_vector(q.text, vector, q.asin, SEARCH_DEPTH, params)
        order = candidate_order(hits, q.keys)
        hit1[i] = bool(order) and order[0] in q.answers
        hit3[i] = any(key in q.answers for key in order[:3])
    return Ranked(hit1, hit3)


def evaluate(
    data: Path,
    embed: Embedder,
    configs: Mapping[str, FusionParams] | None = None,
    limit: int | None = None,
    progress: bool = True,
) -> EpqaReport:
    """Run every ranker of `configs` (default: `rankers()`) on the ePQA file `data`."""
    started = time.perf_counter()
    questions = load_questions(data)
    if limit is not None:
        questions = questions[:limit]
    configs = configs or rankers()
    with tempfile.TemporaryDirectory(prefix="epqa-bench-") as tmp:
        subset = write_subset(data, questions, Path(tmp) / "candidates.csv")
        index = build_index(subset, Path(tmp), embed, progress)
        vectors = embed([q.text for q in questions])
        ranked = {name: rank_questions(index, questions, vectors, p) for name, p in configs.items()}
    scores = tuple(r.score(name) for name, r in ranked.items())
    return EpqaReport(
        questions=len(questions),
        products=len({q.asin for q in questions}),
        candidates=float(np.mean([len(q.candidates) for q in questions])) if questions else 0.0,
        passages=index.passage_count(),
        scores=scores,
        differences=differences({n: r.hit1 for n, r in ranked.items()}),
        seconds=time.perf_counter() - started,
    )


def format_report(report: EpqaReport) -> str:
    """A plain-text table: the baselines and ours side by side, then ours minus each."""
    lines = [
        f"ePQA: {report.questions} questions with a full answer among their candidates, "
        f"{report.products} products, {report.candidates:.1f} review/cqa candidates per "
        f"question, {report.passages} passages",
        f"{'ranker':<22}{'hit@1':>8}{'hit@3':>8}",
    ]
    for s in report.scores:
        lines.append(f"{s.name:<22}{100 * s.hit1:>7.1f}%{100 * s.hit3:>7.1f}%")
    lines += _differences(report.differences)
    lines.append(f"({report.seconds:.0f} s)")
    return "\n".join(lines)


def _differences(found: Sequence[Difference]) -> list[str]:
    return [
        f"{d.name} - {d.baseline}: {d.points:+.1f} points of hit@1, 95% interval "
        f"{d.low:+.1f} to {d.high:+.1f} (paired bootstrap over questions)"
        for d in found
    ]
