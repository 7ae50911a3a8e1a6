"""Passages as PostgreSQL rows: BM25 tokens as a tsvector literal, positions, targets.

The tokens are those of the in-process BM25 (knowledge.index.lexical.tokenize: the same
stop words and Snowball stemmer), written as a tsvector with their positions, so term
frequencies and lengths read back from the database are exactly the in-process ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.index.lexical import tokenize
from knowledge.index.passages import ROLE_QA, ROLE_QUESTION, Passage

MAX_POSITION = 16_383  # PostgreSQL keeps tsvector positions up to this


@dataclass(frozen=True)
class SourceBatch:
    """The passages of one source key, contiguous, with their vectors."""

    key: str
    token: str
    product_id: str
    passages: tuple[Passage, ...]
    vectors: np.ndarray


def source_token(p: Passage) -> str:
    """'r\\tID' for a review's passages, 'q\\tID' for a question's."""
    return f"{'q' if p.role in (ROLE_QA, ROLE_QUESTION) else 'r'}\t{p.source_id}"


def group_sources(passages: Sequence[Passage], vectors: np.ndarray) -> list[SourceBatch]:
    """Group passages by source key (first occurrence of each key only, in order)."""
    order: list[str] = []
    members: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(passages):
        if p.source_key not in members:
            order.append(p.source_key)
        members[p.source_key].append(i)
    out = []
    for key in order:
        idx = members[key]
        first = passages[idx[0]]
        out.append(
            SourceBatch(
                key, source_token(first), first.product_id,
                tuple(passages[i] for i in idx), np.asarray(vectors)[idx],
            )
        )
    return out


def tsvector_literal(text: str) -> tuple[str, int]:
    """The tsvector of `text`'s BM25 tokens with positions, and the token count."""
    tokens = tokenize(text)
    positions: dict[str, list[int]] = defaultdict(list)
    for i, tok in enumerate(tokens, start=1):
        positions[tok].append(min(i, MAX_POSITION))
    parts = []
    for tok, where in positions.items():
        quoted = tok.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{quoted}':{','.join(map(str, where))}")
    return " ".join(parts), len(tokens)


def tsquery_literal(tokens: Sequence[str]) -> str:
    """An OR query over `tokens` (already BM25 tokens: no stemming by PostgreSQL)."""
    unique = dict.fromkeys(tokens)
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in unique)
