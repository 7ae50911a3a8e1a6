"""How reviewers talk about one aspect of a product: how many mention it and how they lean.

Counted over the product's published reviews with the aspect's words from
dialogue.understanding and the sentence polarity the summaries use, so an answer can say
"forty reviewers mention the battery, and most of them are happy with it" or, honestly,
that no one has mentioned it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.summaries import sentence_polarity
from knowledge.aspects import aspect_words
from knowledge.index.passages import split_sentences
from knowledge.model import Review

LEAN_SHARE = 0.6  # a side holding this share of the leaning mentions is "most"


@dataclass(frozen=True)
class AspectMentions:
    """Reviews that mention an aspect, and how many of them lean each way."""

    aspect: str
    mentions: int
    positive: int
    negative: int

    @property
    def lean(self) -> str:
        """"happy", "unhappy" or "mixed"."""
        leaning = self.positive + self.negative
        if leaning and self.positive / leaning >= LEAN_SHARE:
            return "happy"
        if leaning and self.negative / leaning >= LEAN_SHARE:
            return "unhappy"
        return "mixed"


def _pattern(aspect: str) -> re.Pattern[str]:
    words = sorted(aspect_words(aspect), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def mentions_of(aspect: str, reviews: Sequence[Review]) -> AspectMentions:
    """Count the reviews mentioning `aspect`; a review leans by its mentioning sentences
    (and by its stars where those sentences are neutral)."""
    pattern = _pattern(aspect)
    mentions = positive = negative = 0
    for review in reviews:
        if not pattern.search(review.text):
            continue
        mentions += 1
        polarity = sum(sentence_polarity(s) for s in split_sentences(review.text) if pattern.search(s))
        if polarity == 0:
            polarity = 1 if review.rating >= 4 else -1 if review.rating <= 2 else 0
        positive += polarity > 0
        negative += polarity < 0
    return AspectMentions(aspect, mentions, positive, negative)


def about_aspect(aspect: str, text: str) -> bool:
    """True when `text` talks about `aspect`."""
    return bool(_pattern(aspect).search(text))
