"""SubjQA (electronics) as a retrieval benchmark: questions, answer spans, product reviews.

Each CSV row pairs a question with one review of product `item_id` and, when the review
answers it, the crowd-marked span. For retrieval the knowledge base of a question is every
distinct review of its product in the split; a question (product + text) is answered when a
retrieved passage contains any of its human spans. Spans are tokenised ("great , and cheap")
while reviews are not ("great, and cheap"), so both sides are compared as lower-cased
alphanumeric word sequences.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.model import Provenance, Review

NO_ANSWER = "ANSWERNOTFOUND"
_WORDS = re.compile(r"[a-z0-9]+")
REQUIRED_COLUMNS = ("item_id", "question", "review", "review_id", "human_ans_spans")


class SubjqaError(ValueError):
    """The SubjQA file is missing or not in the expected format."""


@dataclass(frozen=True)
class BenchQuestion:
    """One question about one product with every human answer span given for it."""

    product_id: str
    text: str
    spans: tuple[str, ...]


@dataclass(frozen=True)
class BenchSplit:
    reviews: tuple[Review, ...]
    questions: tuple[BenchQuestion, ...]


def normalise(text: str) -> str:
    """Lower-cased alphanumeric words joined by single spaces (case/space/punctuation-blind)."""
    return " ".join(_WORDS.findall(text.lower()))


def contains_span(passage: str, spans: tuple[str, ...]) -> bool:
    """True when the passage contains one of the spans (both normalised)."""
    text = f" {normalise(passage)} "
    return any(f" {normalise(s)} " in text for s in spans if normalise(s))


def strip_marker(review: str) -> str:
    """Drop the " ANSWERNOTFOUND" the dataset appends to every review text."""
    review = review.rstrip()
    if review.endswith(NO_ANSWER):
        review = review[: -len(NO_ANSWER)].rstrip()
    return review


def load_split(path: Path, limit: int | None = None) -> BenchSplit:
    """Reviews (deduplicated per product) and answerable questions of one SubjQA CSV."""
    if not path.is_file():
        raise SubjqaError(f"{path}: SubjQA file not found")
    reviews: dict[tuple[str, str], Review] = {}
    spans: dict[tuple[str, str], list[str]] = {}
    used_ids: set[str] = set()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SubjqaError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            product = row["item_id"].strip()
            text = strip_marker(row["review"])
            if not product or not text:
                raise SubjqaError(f"{path}:{line}: empty item_id or review")
            key = (product, normalise(text))
            if key not in reviews:
                review_id = row["review_id"].strip() or f"{product}-{len(reviews)}"
                if review_id in used_ids:
                    review_id = f"{review_id}-{len(reviews)}"
                used_ids.add(review_id)
                reviews[key] = Review(
                    id=review_id,
                    product_id=product,
                    rating=5,
                    text=text,
                    provenance=Provenance("subjqa", str(path), line),
                )
            span = row["human_ans_spans"].strip()
            if span and span != NO_ANSWER:
                spans.setdefault((product, row["question"].strip()), []).append(span)
    questions = [
        BenchQuestion(product, text, tuple(dict.fromkeys(found)))
        for (product, text), found in spans.items()
    ]
    if limit is not None:
        questions = questions[:limit]
        keep = {q.product_id for q in questions}
        reviews = {k: r for k, r in reviews.items() if r.product_id in keep}
    return BenchSplit(tuple(reviews.values()), tuple(questions))
