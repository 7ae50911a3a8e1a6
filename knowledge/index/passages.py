"""Turn reviews and community Q&A into searchable passages.

A long review is split into sentences: each sentence is one passage, matched on its own and
through its neighbourhood (the index scores the sentence and the window of it with one
neighbour on each side, and a hit shows that window), so a hit is short enough to speak,
precise enough to ground an answer, and carries its context ("small-to-big" retrieval: one
embedding per sentence, no second embedding per window). A short review is one passage. A
question yields one passage per published answer (question + answer) plus one question-only
passage used for question-to-question matching (it points at the best-voted answer). The product, the quality benchmark
and the scale benchmark all build passages with these functions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from knowledge.model import Question, Review, ReviewStatus

ROLE_REVIEW = 0  # a sentence of a review (or a whole short review)
ROLE_QA = 1  # a question with one of its answers
ROLE_QUESTION = 2  # the question alone: matched against the query, never returned itself

KIND_BY_ROLE = {ROLE_REVIEW: "review", ROLE_QA: "qa", ROLE_QUESTION: "qa"}

CONTEXT_SENTENCES = 1  # neighbours on each side shown with (and scored with) a sentence
SHORT_REVIEW_CHARS = 240  # a review this short stays one passage
MAX_SENTENCE_CHARS = 400  # longer run-on "sentences" are cut at commas / spaces

# A sentence ends at . ! ? (or an ellipsis) followed by space, or runs into the next one
# without a space ("great.The battery"), which real reviews do often.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s+|(?=[A-Z][a-z]))")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Passage:
    """One indexable unit.

    `text` is what a hit shows and speaks; `context` (a review title) is matched with it but
    not shown. `source_id` is the review or question id; `source_key` identifies the exact
    source content (a question's key changes when its published answers change). `target` is,
    for ROLE_QUESTION rows, the offset (within the same batch) of the Q&A passage it boosts.
    """

    role: int
    text: str
    product_id: str
    source_id: str
    source_key: str
    context: str = ""
    rating: int = 0  # star rating for review passages, 0 otherwise
    question: str = ""
    target: int = -1

    @property
    def index_text(self) -> str:
        """The text embedded and tokenised: the context (title) first when there is one."""
        return f"{self.context}. {self.text}" if self.context else self.text


def answer_of(text: str, question: str) -> str:
    """The answer inside a Q&A passage's text (the question, a space, the answer)."""
    return text[len(question) :].strip()


def clean(text: str) -> str:
    """Collapse whitespace; review text from CSV exports is full of stray newlines."""
    return _SPACE.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, cutting run-on sentences longer than MAX_SENTENCE_CHARS."""
    sentences: list[str] = []
    for raw in _SENTENCE_END.split(clean(text)):
        sentence = raw.strip()
        while len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence.rfind(", ", 0, MAX_SENTENCE_CHARS)
            if cut < MAX_SENTENCE_CHARS // 2:
                cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
            if cut <= 0:
                cut = MAX_SENTENCE_CHARS
            sentences.append(sentence[: cut + 1].strip())
            sentence = sentence[cut + 1 :].strip()
        if sentence:
            sentences.append(sentence)
    return sentences


def review_units(text: str) -> list[str]:
    """The passages of a review's text: the sentences, or the whole text when it is short."""
    text = clean(text)
    if not text:
        return []
    if len(text) <= SHORT_REVIEW_CHARS:
        return [text]
    return split_sentences(text)


def sentence_windows(text: str, context: int = CONTEXT_SENTENCES) -> list[str]:
    """The texts hits show for a review: each sentence with `context` neighbours each side.

    A short review is a single window. Dialogue calibration scores reviews the same way.
    """
    units = review_units(text)
    if len(units) <= 1:
        return units
    return [
        " ".join(units[max(0, i - context) : i + context + 1]) for i in range(len(units))
    ]


def review_key(review_id: str) -> str:
    """The source key of a review (its text never changes once stored)."""
    return f"r\t{review_id}"


def question_key(question: Question) -> str:
    """The source key of a question: its id plus a digest of its published answers."""
    answer_ids = sorted(
        a.id for a in question.answers if a.status == ReviewStatus.PUBLISHED and a.text.strip()
    )
    digest = hashlib.sha1("\n".join(answer_ids).encode()).hexdigest()[:12]
    return f"q\t{question.id}\t{digest}"


def review_passages(review: Review) -> list[Passage]:
    """Sentence passages of one published review, in order (none for other statuses)."""
    if review.status != ReviewStatus.PUBLISHED:
        return []
    key = review_key(review.id)
    title = clean(review.title)
    return [
        Passage(
            role=ROLE_REVIEW,
            text=window,
            product_id=review.product_id,
            source_id=review.id,
            source_key=key,
            context=title if i == 0 else "",
            rating=review.rating,
        )
        for i, window in enumerate(review_units(review.text))
    ]


def question_passages(question: Question) -> list[Passage]:
    """Q&A passages (one per published answer, best-voted first) and the question-only row."""
    if question.status != ReviewStatus.PUBLISHED:
        return []
    answers = sorted(
        (a for a in question.answers if a.status == ReviewStatus.PUBLISHED and clean(a.text)),
        key=lambda a: -a.votes,
    )
    q_text = clean(question.text)
    if not answers or not q_text:
        return []
    key = question_key(question)
    passages = [
        Passage(
            role=ROLE_QA,
            text=f"{q_text} {clean(a.text)}",
            product_id=question.product_id,
            source_id=question.id,
            source_key=key,
            question=q_text,
        )
        for a in answers
    ]
    passages.append(
        Passage(
            role=ROLE_QUESTION,
            text=q_text,
            product_id=question.product_id,
            source_id=question.id,
            source_key=key,
            question=q_text,
            target=0,
        )
    )
    return passages
