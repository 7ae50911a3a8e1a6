"""How dense and lexical evidence are fused into one ranking.

A calibrated weighted sum: the cosine similarity of the query with the passage's sentence
and with its window (the sentence with its neighbours), both on an absolute scale, plus BM25
divided by the best BM25 score among the candidates, so a query's best lexical match counts
`lexical_weight` whatever its raw magnitude. Community answers get three learned terms
(knowledge.index.answer_terms: a prior, their question's own cosine weighed against the answer,
a yes/no match). Two document-level terms follow: a review sentence gains
`review_weight` times the mean cosine of its whole review with the query (a sentence of a
review that is about the question's topic is more likely the answer) and loses
`position_weight * log(1 + its index in the review)` (reviewers put their verdict early; on
SubjQA train and dev the share of answer-bearing windows falls with the position). The
review weights were tuned on SubjQA train/dev only (see BENCHMARKS.md, section retrieval; the
test split never was), the Q&A terms on ePQA tune by product-grouped cross-validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionParams:
    """Weights of the fused score; `dense_only` / `lexical_only` give the two baselines."""

    dense_weight: float = 1.0
    context_weight: float = 1.0
    lexical_weight: float = 0.15
    method: str = "sum"  # "sum": weighted scores; "z": weighted z-scores; "rrf": reciprocal ranks
    rrf_k: float = 10.0
    q2q: bool = True  # community answers get the Q&A terms (answer_terms.AnswerFeatures)
    # The Q&A terms, fitted by `python -m knowledge.bench epqa --fit` on ePQA tune:
    answer_margin: float = 0.3  # an answer this close to the search's best cosine is about it
    answer_floor: float = 0.2  # ... if its cosine is at least this
    qa_prior: float = 0.582  # added to a community answer that is about the question
    question_weight: float = -0.636  # times the cosine of the query with its question alone
    yes_no_weight: float = 0.219  # such an answer opens with yes or no to a yes/no question
    candidates: int = 50  # per ranker (dense, lexical), for unfiltered search over the whole index
    diversify: bool = True  # skip a window that overlaps an already chosen one of one review
    review_weight: float = 0.5  # times the mean cosine of the sentence's whole review
    position_weight: float = 0.04  # times log(1 + the sentence's index in its review)

    @classmethod
    def dense_only(cls) -> FusionParams:
        return cls._single_signal(dense_weight=1.0, lexical_weight=0.0)

    @classmethod
    def lexical_only(cls) -> FusionParams:
        return cls._single_signal(dense_weight=0.0, lexical_weight=1.0)

    @classmethod
    def _single_signal(cls, dense_weight: float, lexical_weight: float) -> FusionParams:
        """A baseline: one raw signal, with every term and step of our ranking switched off."""
        return cls(
            dense_weight=dense_weight,
            context_weight=0.0,
            lexical_weight=lexical_weight,
            q2q=False,
            diversify=False,
            review_weight=0.0,
            position_weight=0.0,
        )


def fuse(
    dense: np.ndarray, context: np.ndarray, lexical: np.ndarray, params: FusionParams
) -> np.ndarray:
    """Fused scores of candidates from sentence cosine, window cosine and raw BM25."""
    features = (
        (params.dense_weight, np.asarray(dense, dtype=np.float64)),
        (params.context_weight, np.asarray(context, dtype=np.float64)),
        (params.lexical_weight, _max_normalised(np.asarray(lexical, dtype=np.float64))),
    )
    fused = np.zeros(len(dense), dtype=np.float64)
    for weight, values in features:
        if not weight:
            continue
        if params.method == "z":
            values = _z(values)
        elif params.method == "rrf":
            values = _reciprocal_ranks(values, params.rrf_k)
        fused += weight * values
    return fused


def document_terms(
    review_mean: np.ndarray, position: np.ndarray, params: FusionParams
) -> np.ndarray:
    """What a sentence's review adds to its fused score: review relevance minus a lead prior."""
    out = np.zeros(len(review_mean), dtype=np.float64)
    if params.review_weight:
        out += params.review_weight * np.asarray(review_mean, dtype=np.float64)
    if params.position_weight:
        out -= params.position_weight * np.log1p(np.asarray(position, dtype=np.float64))
    return out


def _max_normalised(values: np.ndarray) -> np.ndarray:
    top = float(values.max(initial=0.0))
    return values / top if top > 0 else np.zeros_like(values)


def _z(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    if finite.sum() < 2:
        return np.where(finite, 0.0, values)
    mean, std = values[finite].mean(), values[finite].std()
    return np.where(finite, (values - mean) / (std + 1e-6), values)


def _reciprocal_ranks(values: np.ndarray, k: float) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(1, len(values) + 1)
    return 1.0 / (k + ranks)
