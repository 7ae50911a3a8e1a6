"""Checks every store backend applies before writing, so bad records fail with one clear
message naming the record and the field instead of a backend-specific constraint error."""

from __future__ import annotations

import dataclasses
import re

from knowledge.model import (
    Answer,
    Family,
    Friendship,
    Message,
    Poll,
    Product,
    Question,
    Review,
    ReviewStatus,
    User,
)
from knowledge.store.base import StoreError

_SPACES = re.compile(r"\s+")
MAX_TEXT_CHARS = 100_000  # keeps every record far below DynamoDB's 400 KB item limit


def lookup_key(text: str) -> str:
    """Case- and space-insensitive form of handles and friend codes used for lookups."""
    return _SPACES.sub(" ", text.casefold()).strip()


def _need_id(kind: str, record_id: str) -> None:
    if not isinstance(record_id, str) or not record_id.strip():
        raise StoreError(f"{kind}: field 'id' is empty")


def _text(kind: str, record_id: str, name: str, value: str, required: bool = False) -> None:
    if not isinstance(value, str):
        raise StoreError(f"{kind} {record_id}: field '{name}' must be text")
    if required and not value.strip():
        raise StoreError(f"{kind} {record_id}: field '{name}' is empty")
    if len(value) > MAX_TEXT_CHARS:
        raise StoreError(
            f"{kind} {record_id}: field '{name}' is {len(value)} characters (at most {MAX_TEXT_CHARS})"
        )


def _status(kind: str, record_id: str, status: ReviewStatus) -> None:
    if not isinstance(status, ReviewStatus):
        raise StoreError(f"{kind} {record_id}: field 'status' must be a ReviewStatus, got {status!r}")


def check_product(product: Product) -> None:
    _need_id("product", product.id)
    _text("product", product.id, "name", product.name, required=True)
    for alias in product.aliases:
        _text("product", product.id, "aliases", alias)
    _text("product", product.id, "brand", product.brand)
    _text("product", product.id, "category", product.category)
    _text("product", product.id, "family_id", product.family_id)


def check_family(family: Family) -> None:
    _need_id("family", family.id)
    _text("family", family.id, "name", family.name, required=True)
    for name in family.spoken_names:
        _text("family", family.id, "spoken_names", name, required=True)
    for absorbed in family.absorbed:
        _text("family", family.id, "absorbed", absorbed, required=True)


def check_review(review: Review) -> None:
    _need_id("review", review.id)
    _text("review", review.id, "product_id", review.product_id, required=True)
    if isinstance(review.rating, bool) or not isinstance(review.rating, int) or not 1 <= review.rating <= 5:
        raise StoreError(f"review {review.id}: field 'rating' must be an integer 1-5, got {review.rating!r}")
    _text("review", review.id, "text", review.text)
    _text("review", review.id, "title", review.title)
    _text("review", review.id, "author", review.author)
    _text("review", review.id, "date", review.date)
    _status("review", review.id, review.status)


def check_answer(answer: Answer) -> None:
    _need_id("answer", answer.id)
    _text("answer", answer.id, "question_id", answer.question_id, required=True)
    _text("answer", answer.id, "text", answer.text, required=True)
    if isinstance(answer.votes, bool) or not isinstance(answer.votes, int):
        raise StoreError(f"answer {answer.id}: field 'votes' must be an integer, got {answer.votes!r}")
    _status("answer", answer.id, answer.status)


def normalised_question(question: Question) -> Question:
    """The question checked, with answers that name no question attached to it."""
    _need_id("question", question.id)
    _text("question", question.id, "product_id", question.product_id, required=True)
    _text("question", question.id, "text", question.text, required=True)
    _status("question", question.id, question.status)
    answers = []
    for answer in question.answers:
        if not answer.question_id:
            answer = dataclasses.replace(answer, question_id=question.id)
        elif answer.question_id != question.id:
            raise StoreError(
                f"answer {answer.id}: field 'question_id' is {answer.question_id!r} "
                f"but it is listed under question {question.id}"
            )
        check_answer(answer)
        answers.append(answer)
    return dataclasses.replace(question, answers=tuple(answers))


def _non_empty(kind: str, record_id: str, record: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(record, name)
        if not isinstance(value, str) or not value.strip():
            raise StoreError(f"{kind} {record_id}: field '{name}' is empty")


def check_user(user: User) -> None:
    _non_empty("user", user.id, user, ("id", "alexa_user_hash", "handle", "friend_code"))


def check_friendship(friendship: Friendship) -> None:
    _non_empty("friendship", friendship.user_id, friendship, ("user_id", "other_id"))
    if friendship.user_id == friendship.other_id:
        raise StoreError(f"friendship {friendship.user_id}: a user cannot befriend themselves")


def check_message(message: Message) -> None:
    _non_empty("message", message.id, message, ("id", "sender_id", "recipient_id", "created_at"))
    _text("message", message.id, "text", message.text)


def check_poll(poll: Poll) -> None:
    _non_empty("poll", poll.id, poll, ("id", "question", "ends_at"))
    seen: set[str] = set()
    for option in poll.options:
        if not option.id.strip() or option.id in seen:
            raise StoreError(f"poll {poll.id}: option id {option.id!r} is empty or repeated")
        seen.add(option.id)
