"""How dense and lexical evidence are fused into one ranking.

A calibrated weighted sum: the cosine similarity of the query with the passage's sentence
and with its window (the sentence with its neighbours), both on an absolute scale, plus BM25
divided by the best BM25 score among the candidates, so a query's best lexical match counts
`lexical_weight` whatever its raw magnitude. A Q&A passage also takes the fused score of its
question alone when that is higher (question-to-question matching). The weights were tuned on
SubjQA train/dev only (see BENCHMARKS.md, section retrieval); the test split never was.
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
    q2q: bool = True  # Q&A passages take their question's score when it is higher
    candidates: int = 200  # per ranker, for unfiltered search over the whole index
    diversify: bool = True  # skip a window that overlaps an already chosen one of one review

    @classmethod
    def dense_only(cls) -> FusionParams:
        return cls(
            dense_weight=1.0, context_weight=0.0, lexical_weight=0.0, q2q=False, diversify=False
        )

    @classmethod
    def lexical_only(cls) -> FusionParams:
        return cls(
            dense_weight=0.0, context_weight=0.0, lexical_weight=1.0, q2q=False, diversify=False
        )


def fuse(
    dense: np.ndarray, context: np.ndarray, lexical: np.ndarray, params: FusionParams
) -> np.ndarray:
    """Fused scores of candidates from sentence cosine, window cosine and raw BM25."""
    fused = np.zeros(len(dense), dtype=np.float64)
    if params.dense_weight:
        fused += params.dense_weight * dense
    if params.context_weight:
        fused += params.context_weight * context
    if params.lexical_weight:
        top = float(lexical.max(initial=0.0))
        if top > 0:
            fused += params.lexical_weight * (lexical / top)
    return fused
