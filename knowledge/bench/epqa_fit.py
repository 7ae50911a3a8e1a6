"""`python -m knowledge.bench epqa --fit`: learn the Q&A terms on ePQA with grouped CV.

The ranker is small on purpose: a conditional logit (softmax over each question's own
candidate rows, L2-penalised) over four features: the fused score the in-process ranking
gives before the Q&A terms, and the three answer features of knowledge.index.answer_terms.
Its weights divided by the first are FusionParams' `qa_prior`, `question_weight` and
`yes_no_weight`. Questions are split into folds by product (ASIN), never sharing a product
between training and held-out questions; the gate (margin, floor) and the penalty are chosen inside each
training split by an inner grouped CV, so the reported hit@1 is an honest estimate for
questions of unseen products. The final weights are fitted on every question.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from knowledge.bench.epqa import build_index, passage_key
from knowledge.bench.epqa_data import EpqaQuestion, load_questions, write_subset
from knowledge.index.fusion import FusionParams
from knowledge.index.passages import ROLE_QUESTION

Embedder = Callable[[Sequence[str]], np.ndarray]
# (margin, floor). The floor is not searched lower: MiniLM gives unrelated texts cosines up to
# about 0.15 ("is the sound good" against "Can it play songs from Spotify? Yes ..."), and an
# answer that unrelated must not gain the prior however weak the best match is.
GATES = tuple((margin, 0.2) for margin in (0.2, 0.3, 0.4))
PENALTIES = (0.03, 0.1, 0.3)
FOLDS = 5
REPEATS = 5
SEED = 7


@dataclass(frozen=True)
class QuestionRows:
    """One question's own candidate rows: base score, answer features per gate, labels."""

    asin: str
    base: np.ndarray
    answers: dict[tuple[float, float], np.ndarray]  # gate -> rows x 3 (AnswerFeatures.matrix)
    label: np.ndarray  # bool: the row belongs to a label-2 candidate

    def features(self, gate: tuple[float, float]) -> np.ndarray:
        return np.column_stack([self.base, self.answers[gate]])


@dataclass(frozen=True)
class EpqaFit:
    questions: int
    products: int
    gate: tuple[float, float]  # (answer_margin, answer_floor)
    penalty: float
    params: FusionParams
    fitted_hit1: float  # in-sample, the fitted weights
    cv_hit1: tuple[float, ...]  # nested grouped CV, one figure per repeat
    fold_hit1: tuple[float, ...]  # every held-out fold of every repeat
    unchanged_hit1: float  # the ranking without the Q&A terms, same rows


def collect_rows(index: object, questions: Sequence[EpqaQuestion], vectors: np.ndarray) -> list[QuestionRows]:
    """The scored rows of each question's own candidates, as the product search sees them."""
    params = FusionParams()
    out = []
    for q, vector in zip(questions, vectors, strict=True):
        scores = index.candidate_scores(q.text, vector, q.asin, params)  # type: ignore[attr-defined]
        if scores is None:
            continue
        keep, labels = [], []
        for i, row in enumerate(scores.rows):
            passage = index.passage_at(int(row))  # type: ignore[attr-defined]
            if passage.role == ROLE_QUESTION:
                continue
            key = passage_key(passage)
            if key in q.keys:
                keep.append(i)
                labels.append(key in q.answers)
        if not any(labels):
            continue
        at = np.asarray(keep, dtype=np.int64)
        out.append(
            QuestionRows(
                asin=q.asin,
                base=scores.base[at],
                answers={g: scores.answers.matrix(*g)[at] for g in GATES},
                label=np.asarray(labels, dtype=bool),
            )
        )
    return out


def fit_logit(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], penalty: float) -> np.ndarray:
    """Weights of a conditional logit (Newton's method; each question's positives share 1)."""
    w = np.zeros(xs[0].shape[1])
    for _ in range(50):
        grad = 2 * penalty * w
        hess = 2 * penalty * np.eye(len(w))
        for x, y in zip(xs, ys, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            t = y / y.sum()
            grad += x.T @ (p - t)
            hess += x.T @ (np.diag(p) - np.outer(p, p)) @ x
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def hits(rows: Sequence[QuestionRows], gate: tuple[float, float], w: np.ndarray) -> np.ndarray:
    """Per question: is its best-scoring row part of a full answer?"""
    return np.array([bool(r.label[int(np.argmax(r.features(gate) @ w))]) for r in rows])


def grouped_folds(rows: Sequence[QuestionRows], folds: int, rng: np.random.Generator) -> np.ndarray:
    """A fold number per question such that one product's questions share a fold."""
    products = sorted({r.asin for r in rows})
    order = rng.permutation(len(products))
    fold_of = {products[p]: i % folds for i, p in enumerate(order)}
    return np.array([fold_of[r.asin] for r in rows])


def cv_hit1(rows: Sequence[QuestionRows], gate: tuple[float, float], penalty: float, folds: int,
            rng: np.random.Generator) -> float:
    """Grouped-CV hit@1 of one setting."""
    fold = grouped_folds(rows, folds, rng)
    found = np.zeros(len(rows), dtype=bool)
    for k in range(folds):
        train = [r for r, f in zip(rows, fold, strict=True) if f != k]
        test = np.flatnonzero(fold == k)
        w = fit_logit([r.features(gate) for r in train], [r.label for r in train], penalty)
        found[test] = hits([rows[i] for i in test], gate, w)
    return float(found.mean())


def choose(
    rows: Sequence[QuestionRows], rng: np.random.Generator, folds: int
) -> tuple[tuple[float, float], float]:
    """The (gate, penalty) with the best grouped-CV hit@1 on `rows`."""
    seed = int(rng.integers(1 << 31))
    scored = {
        (g, lam): np.mean([cv_hit1(rows, g, lam, folds, np.random.default_rng(seed + r)) for r in range(2)])
        for g in GATES for lam in PENALTIES
    }
    return max(scored, key=lambda key: scored[key])


def fit_epqa(rows: Sequence[QuestionRows], repeats: int = REPEATS) -> EpqaFit:
    """Nested grouped CV of the whole fitting procedure, then the final fit on every row."""
    rng = np.random.default_rng(SEED)
    per_repeat, per_fold = [], []
    for _ in range(repeats):
        fold = grouped_folds(rows, FOLDS, rng)
        found = np.zeros(len(rows), dtype=bool)
        for k in range(FOLDS):
            train = [r for r, f in zip(rows, fold, strict=True) if f != k]
            test = [rows[i] for i in np.flatnonzero(fold == k)]
            gate, penalty = choose(train, rng, FOLDS - 1)
            w = fit_logit([r.features(gate) for r in train], [r.label for r in train], penalty)
            found[fold == k] = hits(test, gate, w)
            per_fold.append(float(found[fold == k].mean()))
        per_repeat.append(float(found.mean()))
    gate, penalty = choose(rows, rng, FOLDS)
    w = fit_logit([r.features(gate) for r in rows], [r.label for r in rows], penalty)
    params = replace(
        FusionParams(),
        answer_margin=gate[0],
        answer_floor=gate[1],
        qa_prior=round(float(w[1] / w[0]), 3),
        question_weight=round(float(w[2] / w[0]), 3),
        yes_no_weight=round(float(w[3] / w[0]), 3),
    )
    return EpqaFit(
        questions=len(rows),
        products=len({r.asin for r in rows}),
        gate=gate,
        penalty=penalty,
        params=params,
        fitted_hit1=float(hits(rows, gate, w).mean()),
        cv_hit1=tuple(per_repeat),
        fold_hit1=tuple(per_fold),
        unchanged_hit1=float(hits(rows, gate, np.array([1.0, 0, 0, 0])).mean()),
    )


def run_fit(data: Path, embed: Embedder, limit: int | None = None) -> EpqaFit:
    """Import the ePQA file into a fresh store, index it and fit (see the module docstring)."""
    questions = load_questions(data)[:limit]
    with tempfile.TemporaryDirectory(prefix="epqa-fit-") as tmp:
        subset = write_subset(data, questions, Path(tmp) / "candidates.csv")
        index = build_index(subset, Path(tmp), embed, progress=False)
        vectors = embed([q.text for q in questions])
        rows = collect_rows(index, questions, vectors)
    return fit_epqa(rows)


def format_fit(fit: EpqaFit) -> str:
    cv = np.asarray(fit.cv_hit1)
    p = fit.params
    return "\n".join([
        f"ePQA fit: {fit.questions} questions, {fit.products} products; folds by product",
        f"without the Q&A terms: hit@1 {100 * fit.unchanged_hit1:.1f}%",
        f"nested grouped CV ({len(cv)} repeats x {FOLDS} folds): hit@1 {100 * cv.mean():.1f}% "
        f"(repeats {100 * cv.min():.1f}% to {100 * cv.max():.1f}%; folds "
        f"{100 * min(fit.fold_hit1):.1f}% to {100 * max(fit.fold_hit1):.1f}%)",
        f"fitted on every question: hit@1 {100 * fit.fitted_hit1:.1f}% with margin {fit.gate[0]}, "
        f"floor {fit.gate[1]}, "
        f"penalty {fit.penalty}",
        f"FusionParams: answer_margin={p.answer_margin} answer_floor={p.answer_floor} qa_prior={p.qa_prior} "
        f"question_weight={p.question_weight} yes_no_weight={p.yes_no_weight}",
    ])
