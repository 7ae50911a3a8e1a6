"""Aspects with sentiment: what reviews talk about (battery, sound, screen, ...) and how they
lean, and the vocabulary questions use to name aspects.

`review_aspects(text)` gives aspect -> +1/0/-1 for one review; `mentions(text)` the opinions
clause by clause; `QUESTION_TERMS`/`question_aspects` serve understanding of questions.
"""

from __future__ import annotations

import functools

from knowledge.aspects.analysis import AspectMention, clauses, mentions, review_aspects
from knowledge.aspects.taxonomy import (
    QUESTION_TERMS,
    REVIEW_TERMS,
    Vocabulary,
    aspect_words,
)


@functools.cache
def _question_vocabulary() -> Vocabulary:
    return Vocabulary(QUESTION_TERMS)


def question_aspects(text: str) -> tuple[str, ...]:
    """The aspects a question names, in taxonomy order ("how long does the battery last" ->
    battery, durability)."""
    return _question_vocabulary().aspects_in(text)


__all__ = [
    "QUESTION_TERMS",
    "REVIEW_TERMS",
    "AspectMention",
    "Vocabulary",
    "aspect_words",
    "clauses",
    "mentions",
    "question_aspects",
    "review_aspects",
]
