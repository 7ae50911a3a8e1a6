"""Community Q&A: items `QUESTION#<id>` / `QUESTION` (listed per product through GSI1) and
`ANSWER#<id>` / `ANSWER` (listed per question through GSI1); both by status through GSI2
`QUESTIONS#<status>#<shard>` / `ANSWERS#<status>#<shard>` and per ShopTalk author through GSI3
(key-only: the records are then fetched by BatchGetItem)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from knowledge.model import Answer, Question, ReviewStatus
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.catalog import author_index, prov_attrs, read_prov
from knowledge.store.dynamodb.client import Item, item_key
from knowledge.store.dynamodb.layout import status_key
from knowledge.store.dynamodb.reviews import ModeratedPart
from knowledge.store.dynamodb.writes import AtomicWrites
from knowledge.store.validation import check_answer


class QuestionPart(ModeratedPart, AtomicWrites):
    """Reading, listing, answering, moderating and deleting questions and answers."""

    def add_answer(self, answer: Answer) -> bool:
        check_answer(answer)
        item = answer_item(answer)
        self._check_sizes([item])
        if self._get(f"QUESTION#{answer.question_id}", "QUESTION") is None:
            raise StoreError(
                f"answer {answer.id}: field 'question_id' names unknown question {answer.question_id!r}"
            )
        return self._put_new(item)

    def _answers(self, question_id: str, status: ReviewStatus | None) -> tuple[Answer, ...]:
        answers = [read_answer(i) for i in self._query("GSI1", f"QUESTION#{question_id}", "ANSWER#")]
        return best_first([a for a in answers if status is None or a.status is status])

    def _question(self, item: Item, status: ReviewStatus | None) -> Question:
        return read_question(item, self._answers(item["id"], status))

    def get_question(self, question_id: str) -> Question | None:
        item = self._get(f"QUESTION#{question_id}", "QUESTION")
        return self._question(item, None) if item else None

    def questions_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Question]:
        items = [
            i
            for i in self._query("GSI1", f"PRODUCT#{product_id}", "QUESTION#")
            if status is None or i["status"] == status.value
        ]
        items.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
        return [self._question(i, status) for i in items]

    def iter_questions(
        self, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> Iterator[Question]:
        # One pass over the answers instead of one query per question (indexing walks them all).
        answers: dict[str, list[Answer]] = {}
        for answer in self.iter_answers(status):
            answers.setdefault(answer.question_id, []).append(answer)
        for item in self._iter_status("QUESTIONS", status, lambda i: i):
            yield read_question(item, best_first(answers.get(item["id"], [])))

    def get_answer(self, answer_id: str) -> Answer | None:
        item = self._get(f"ANSWER#{answer_id}", "ANSWER")
        return read_answer(item) if item else None

    def iter_answers(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Answer]:
        return self._iter_status("ANSWERS", status, read_answer)

    def set_question_status(self, question_id: str, status: ReviewStatus) -> bool:
        return self._set_status(f"QUESTION#{question_id}", "QUESTION", "QUESTIONS", status)

    def set_answer_status(self, answer_id: str, status: ReviewStatus) -> bool:
        return self._set_status(f"ANSWER#{answer_id}", "ANSWER", "ANSWERS", status)

    def questions_by_user(self, user_id: str) -> list[Question]:
        items = sorted(self._by_author(user_id, "QUESTION#"), key=lambda i: (i["date"], i["id"]), reverse=True)
        return [self._question(i, None) for i in items]

    def answers_by_user(self, user_id: str) -> list[Answer]:
        answers = [read_answer(i) for i in self._by_author(user_id, "ANSWER#")]
        return sorted(answers, key=lambda a: (a.date, a.id), reverse=True)

    def delete_answer(self, answer_id: str) -> bool:
        return self._delete(f"ANSWER#{answer_id}", "ANSWER")

    def delete_question(self, question_id: str) -> bool:
        if self._get(f"QUESTION#{question_id}", "QUESTION") is None:
            return False
        self._batch_delete(item_key(a) for a in self._query("GSI1", f"QUESTION#{question_id}"))
        return self._delete(f"QUESTION#{question_id}", "QUESTION")


def best_first(answers: Sequence[Answer]) -> tuple[Answer, ...]:
    """Most votes first, then newest, then by id (the order SQLite's ORDER BY gives)."""
    by_id = sorted(answers, key=lambda a: a.id)
    return tuple(sorted(by_id, key=lambda a: (a.votes, a.date), reverse=True))


def question_item(q: Question) -> Item:
    """The item of a question (its answers are items of their own)."""
    return author_index(
        {
            "PK": f"QUESTION#{q.id}",
            "SK": "QUESTION",
            "GSI1PK": f"PRODUCT#{q.product_id}",
            "GSI1SK": f"QUESTION#{q.date}#{q.id}",
            "GSI2PK": status_key("QUESTIONS", q.status, q.id),
            "GSI2SK": q.id,
            "type": "question",
            "id": q.id,
            "product_id": q.product_id,
            "text": q.text,
            "author": q.author,
            "date": q.date,
            "status": q.status.value,
            "user_id": q.user_id,
            **prov_attrs(q.provenance),
        },
        q.user_id,
        f"QUESTION#{q.date}#{q.id}",
    )


def read_question(i: Item, answers: tuple[Answer, ...]) -> Question:
    """The question an item holds, with the answers given."""
    return Question(
        id=i["id"],
        product_id=i["product_id"],
        text=i["text"],
        author=i["author"],
        date=i["date"],
        answers=answers,
        status=ReviewStatus(i["status"]),
        provenance=read_prov(i),
        user_id=i["user_id"],
    )


def answer_item(a: Answer) -> Item:
    """The item of an answer."""
    return author_index(
        {
            "PK": f"ANSWER#{a.id}",
            "SK": "ANSWER",
            "GSI1PK": f"QUESTION#{a.question_id}",
            "GSI1SK": f"ANSWER#{a.id}",
            "GSI2PK": status_key("ANSWERS", a.status, a.id),
            "GSI2SK": a.id,
            "type": "answer",
            "id": a.id,
            "question_id": a.question_id,
            "text": a.text,
            "author": a.author,
            "date": a.date,
            "votes": a.votes,
            "status": a.status.value,
            "user_id": a.user_id,
            **prov_attrs(a.provenance),
        },
        a.user_id,
        f"ANSWER#{a.date}#{a.id}",
    )


def read_answer(i: Item) -> Answer:
    """The answer an item holds."""
    return Answer(
        id=i["id"],
        question_id=i["question_id"],
        text=i["text"],
        author=i["author"],
        date=i["date"],
        votes=int(i["votes"]),
        status=ReviewStatus(i["status"]),
        provenance=read_prov(i),
        user_id=i["user_id"],
    )
