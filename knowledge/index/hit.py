"""The result type of every search: one passage with where it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    """A retrieved passage.

    `kind` is "review" (a sentence window of a review) or "qa" (a question with one answer);
    `source_id` is the id of the review or question the passage came from. `score` is the
    fused relevance (higher is better, comparable within one result list only); `dense` is
    the cosine similarity of query and passage, usable as an absolute answerability signal.
    """

    text: str
    kind: str
    product_id: str
    score: float
    source_id: str
    dense: float = 0.0
    rating: int | None = None  # the review's star rating, for review passages
    question: str = ""  # for "qa" passages: the question alone (text holds question + answer)
