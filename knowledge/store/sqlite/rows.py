"""Rows to records: how the SQLite store turns table rows back into knowledge records."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from knowledge.model import (
    Answer,
    Message,
    Poll,
    PollOption,
    Product,
    Provenance,
    Question,
    Review,
    ReviewStatus,
    User,
)


def changed_questions(new_question_ids: Sequence[str], new_answers: Sequence[Answer]) -> tuple[str, ...]:
    """Question ids that are new or gained an answer, in first-seen order."""
    return tuple(dict.fromkeys([*new_question_ids, *(a.question_id for a in new_answers)]))


def provenance_columns(provenance: Provenance) -> tuple[str, str, int]:
    return provenance.source, provenance.source_file, provenance.source_line


def provenance_of(row: sqlite3.Row) -> Provenance:
    return Provenance(row["source"], row["source_file"], row["source_line"])


def product_of(row: sqlite3.Row) -> Product:
    return Product(
        id=row["id"],
        name=row["name"],
        aliases=tuple(json.loads(row["aliases"])),
        brand=row["brand"],
        category=row["category"],
        provenance=provenance_of(row),
        family_id=row["family_id"],
    )


def review_of(row: sqlite3.Row) -> Review:
    return Review(
        id=row["id"],
        product_id=row["product_id"],
        rating=row["rating"],
        text=row["text"],
        title=row["title"],
        author=row["author"],
        date=row["date"],
        status=ReviewStatus(row["status"]),
        provenance=provenance_of(row),
        user_id=row["user_id"],
    )


def answer_of(row: sqlite3.Row) -> Answer:
    return Answer(
        id=row["id"],
        question_id=row["question_id"],
        text=row["text"],
        author=row["author"],
        date=row["date"],
        votes=row["votes"],
        status=ReviewStatus(row["status"]),
        provenance=provenance_of(row),
        user_id=row["user_id"],
    )


def question_of(row: sqlite3.Row, answers: Sequence[Answer]) -> Question:
    return Question(
        id=row["id"],
        product_id=row["product_id"],
        text=row["text"],
        author=row["author"],
        date=row["date"],
        answers=tuple(answers),
        status=ReviewStatus(row["status"]),
        provenance=provenance_of(row),
        user_id=row["user_id"],
    )


def user_of(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        alexa_user_hash=row["alexa_user_hash"],
        handle=row["handle"],
        friend_code=row["friend_code"],
        created_at=row["created_at"],
    )


def message_columns(m: Message) -> tuple[Any, ...]:
    return (
        m.id,
        m.sender_id,
        m.recipient_id,
        m.text,
        m.created_at,
        int(m.read),
        int(m.deleted_by_recipient),
        int(m.reported),
    )


def message_of(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        sender_id=row["sender_id"],
        recipient_id=row["recipient_id"],
        text=row["text"],
        created_at=row["created_at"],
        read=bool(row["read"]),
        deleted_by_recipient=bool(row["deleted_by_recipient"]),
        reported=bool(row["reported"]),
    )


def poll_of(row: sqlite3.Row) -> Poll:
    return Poll(
        id=row["id"],
        question=row["question"],
        options=tuple(PollOption(str(i), str(t)) for i, t in json.loads(row["options"])),
        ends_at=row["ends_at"],
        open_ended=bool(row["open_ended"]),
        created_at=row["created_at"],
    )
