"""Erasing a user: "delete my data" from the skill and `delete-user` from the CLI.

Messages (sent and received), votes, friendships, memory and the user record are deleted;
reviews are deleted; questions and answers stay for the community but are anonymised (no
author handle, no user id). The caller updates the search index with the returned ids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from knowledge.outbox import forget_recipient
from knowledge.store.base import Store

ANONYMOUS_AUTHOR = "a former shopper"


@dataclass(frozen=True)
class Erasure:
    """What was removed or anonymised for one user."""

    messages: int = 0
    votes: int = 0
    reviews_deleted: tuple[str, ...] = ()
    answers_anonymised: int = 0
    questions_anonymised: tuple[str, ...] = ()  # also the questions whose answers changed
    memory: bool = False
    user: bool = False


def erase_user(store: Store, user_id: str) -> Erasure:
    """Remove everything personal about `user_id` (idempotent: a second run finds nothing)."""
    messages = store.delete_messages_of(user_id)
    votes = store.delete_votes_of(user_id)
    memory = store.delete_memory(user_id)
    reviews = tuple(r.id for r in store.reviews_by_user(user_id))
    for review_id in reviews:
        store.delete_review(review_id)
    touched: set[str] = set()
    answers = store.answers_by_user(user_id)
    for answer in answers:
        store.delete_answer(answer.id)
        store.add_answer(replace(answer, author=ANONYMOUS_AUTHOR, user_id=""))
        touched.add(answer.question_id)
    for question in store.questions_by_user(user_id):
        full = store.get_question(question.id) or question
        store.delete_question(full.id)
        store.put_questions([replace(full, author=ANONYMOUS_AUTHOR, user_id="")])
        touched.add(full.id)
    record = store.get_user(user_id)
    if record is not None:  # the notification permission holds the raw Alexa user id
        forget_recipient(store, record.alexa_user_hash)
    user = store.delete_user(user_id)
    return Erasure(
        messages=messages,
        votes=votes,
        reviews_deleted=reviews,
        answers_anonymised=len(answers),
        questions_anonymised=tuple(sorted(touched)),
        memory=memory,
        user=user,
    )
