"""Passages in batches: collecting them from the store, question targets, window norms.

Used when the in-process index appends rows and by everything that builds passages in bulk
(the quality and scale benchmarks, the PostgreSQL backend's writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from knowledge.index.passages import (
    CONTEXT_SENTENCES,
    ROLE_QA,
    ROLE_QUESTION,
    ROLE_REVIEW,
    Passage,
    question_passages,
    review_passages,
)
from knowledge.model import Question, Review


def _context_norms(passages: Sequence[Passage], vectors: np.ndarray) -> np.ndarray:
    """Per row, the norm of the summed vectors of the row and its same-review neighbours."""
    v = np.asarray(vectors, dtype=np.float32)
    total = v.copy()
    n = len(passages)
    for shift in range(1, CONTEXT_SENTENCES + 1):
        for i in range(n):
            p = passages[i]
            if p.role != ROLE_REVIEW:
                continue
            for j in (i - shift, i + shift):
                if 0 <= j < n and passages[j].source_key == p.source_key:
                    total[i] += v[j]
    return np.linalg.norm(total, axis=1).astype(np.float32)


def _source_token(p: Passage) -> str:
    return f"{'q' if p.role in (ROLE_QA, ROLE_QUESTION) else 'r'}\t{p.source_id}"


def _token_of_key(key: str) -> str:
    parts = key.split("\t")
    return f"{parts[0]}\t{parts[1]}"


def _offset_in_source(passages: Sequence[Passage], i: int) -> int:
    """How many passages of the same source precede passage `i` contiguously."""
    key = passages[i].source_key
    j = i
    while j > 0 and passages[j - 1].source_key == key:
        j -= 1
    return i - j


def _batch_targets(passages: Sequence[Passage]) -> list[int]:
    """Absolute target rows for a batch appended to an empty index."""
    targets = []
    for i, p in enumerate(passages):
        if p.role == ROLE_QUESTION and p.target >= 0:
            targets.append(i - _offset_in_source(passages, i) + p.target)
        else:
            targets.append(-1)
    return targets


def collect_passages(reviews: Iterable[Review], questions: Iterable[Question]) -> list[Passage]:
    """Passages of every published review and answered question, in a stable order."""
    passages: list[Passage] = []
    for review in reviews:
        passages.extend(review_passages(review))
    for question in questions:
        passages.extend(question_passages(question))
    return passages


def index_dir(data_dir: Path) -> Path:
    """Where the index of the store in `data_dir` is persisted."""
    return data_dir / "index"
