"""Which aspects a review talks about, and how it leans on each.

A review is split into sentences and each sentence into clauses at contrast words ("the sound
is great but the battery dies" is two opinions). Each clause names aspects (REVIEW_TERMS) and
has a polarity (VADER, see `sentiment`); a review leans on an aspect by the sum of its
clauses about it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from knowledge.aspects.sentiment import polarity
from knowledge.aspects.taxonomy import REVIEW_TERMS, Vocabulary

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CONTRAST = re.compile(r"\s*(?:[,;]\s*)?\b(?:but|however|although|though|except|yet|whereas)\b\s*", re.I)
MAX_REVIEW_CHARS = 4000  # longer reviews are analysed on their first 4,000 characters


@dataclass(frozen=True)
class AspectMention:
    """One clause's opinion on one aspect."""

    aspect: str
    polarity: int  # +1, 0 or -1
    clause: str


def clauses(text: str) -> list[str]:
    """Sentences of a review split at contrast words; empty pieces dropped."""
    pieces = []
    for sentence in _SENTENCE.split(text[:MAX_REVIEW_CHARS]):
        pieces.extend(p.strip() for p in _CONTRAST.split(sentence) if p and p.strip())
    return pieces


def mentions(text: str, vocabulary: Vocabulary | None = None) -> list[AspectMention]:
    """Every (aspect, polarity) opinion in a review, clause by clause, in order."""
    words = vocabulary or review_vocabulary()
    found = []
    for clause in clauses(text):
        aspects = words.aspects_in(clause)
        if aspects:
            lean = polarity(clause)
            found.extend(AspectMention(a, lean, clause) for a in aspects)
    return found


def review_aspects(text: str) -> dict[str, int]:
    """Aspect -> +1, -1 or 0 for one review: the sign of its clauses' polarities about it."""
    totals: dict[str, int] = {}
    for mention in mentions(text):
        totals[mention.aspect] = totals.get(mention.aspect, 0) + mention.polarity
    return {a: (t > 0) - (t < 0) for a, t in totals.items()}


@functools.cache
def review_vocabulary() -> Vocabulary:
    """The compiled review vocabulary, built once per process on first use."""
    return Vocabulary(REVIEW_TERMS)
