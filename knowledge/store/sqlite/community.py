"""Community questions and answers in the SQLite store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from knowledge.model import Answer, Question, ReviewStatus
from knowledge.store.base import StoreError
from knowledge.store.sqlite.connection import SQLiteBase, chunks, with_status
from knowledge.store.sqlite.rows import answer_of, provenance_columns, question_of
from knowledge.store.validation import check_answer, normalised_question


class CommunityPart(SQLiteBase):
    """Community questions with their answers."""

    def _write_questions(
        self, conn: sqlite3.Connection, questions: Iterable[Question]
    ) -> tuple[list[str], list[Answer]]:
        """Insert new questions and new answers (also under stored questions); returns them."""
        batch = [normalised_question(q) for q in questions]
        if not batch:
            return [], []
        self._check_products_exist("question", batch)
        existing = self._existing("questions", "id", [q.id for q in batch])
        new_ids = [i for i in dict.fromkeys(q.id for q in batch) if i not in existing]
        conn.executemany(
            "INSERT INTO questions (id, product_id, text, author, date, status, source,"
            " source_file, source_line, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                (q.id, q.product_id, q.text, q.author, q.date, q.status.value, *provenance_columns(q.provenance), q.user_id)
                for q in batch
            ],
        )
        answers = [a for q in batch for a in q.answers]
        return new_ids, self._write_answers(conn, answers)

    def _write_answers(self, conn: sqlite3.Connection, answers: Sequence[Answer]) -> list[Answer]:
        if not answers:
            return []
        existing = self._existing("answers", "id", [a.id for a in answers])
        new: list[Answer] = []
        for answer in answers:
            if answer.id not in existing:
                existing.add(answer.id)
                new.append(answer)
        conn.executemany(
            "INSERT INTO answers (id, question_id, text, author, date, votes, status, source,"
            " source_file, source_line, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                (a.id, a.question_id, a.text, a.author, a.date, a.votes, a.status.value, *provenance_columns(a.provenance), a.user_id)
                for a in answers
            ],
        )
        return new

    def put_questions(self, questions: Iterable[Question]) -> int:
        with self.transaction() as conn:
            return len(self._write_questions(conn, questions)[0])

    def add_answer(self, answer: Answer) -> bool:
        check_answer(answer)
        with self.transaction() as conn:
            if not self._existing("questions", "id", [answer.question_id]):
                raise StoreError(
                    f"answer {answer.id}: field 'question_id' names unknown question {answer.question_id!r}"
                )
            return bool(self._write_answers(conn, [answer]))

    def _answers_of(
        self, question_ids: Sequence[str], status: ReviewStatus | None
    ) -> dict[str, list[Answer]]:
        found: dict[str, list[Answer]] = {qid: [] for qid in question_ids}
        for chunk in chunks(list(question_ids)):
            marks = ",".join("?" * len(chunk))
            sql, params = with_status(
                f"SELECT * FROM answers WHERE question_id IN ({marks})", list(chunk), status
            )
            for row in self._query(sql + " ORDER BY votes DESC, date DESC, id", params):
                found[row["question_id"]].append(answer_of(row))
        return found

    def _with_answers(self, rows: Sequence[sqlite3.Row], status: ReviewStatus | None) -> list[Question]:
        answers = self._answers_of([r["id"] for r in rows], status)
        return [question_of(r, answers[r["id"]]) for r in rows]

    def get_question(self, question_id: str) -> Question | None:
        rows = self._query("SELECT * FROM questions WHERE id = ?", (question_id,))
        return self._with_answers(rows, None)[0] if rows else None

    def questions_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Question]:
        sql, params = with_status(
            "SELECT * FROM questions WHERE product_id = ?", [product_id], status
        )
        return self._with_answers(self._query(sql + " ORDER BY date DESC, id DESC", params), status)

    def iter_questions(
        self, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> Iterator[Question]:
        last = ""
        while True:
            sql, params = with_status("SELECT * FROM questions WHERE id > ?", [last], status)
            rows = self._query(sql + " ORDER BY id LIMIT 500", params)
            if not rows:
                return
            yield from self._with_answers(rows, status)
            last = rows[-1]["id"]

    def get_answer(self, answer_id: str) -> Answer | None:
        rows = self._query("SELECT * FROM answers WHERE id = ?", (answer_id,))
        return answer_of(rows[0]) if rows else None

    def iter_answers(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Answer]:
        yield from self._iter_by_id("answers", status, answer_of)

    def set_question_status(self, question_id: str, status: ReviewStatus) -> bool:
        return self._update("UPDATE questions SET status = ? WHERE id = ?", (status.value, question_id))

    def set_answer_status(self, answer_id: str, status: ReviewStatus) -> bool:
        return self._update("UPDATE answers SET status = ? WHERE id = ?", (status.value, answer_id))

    def questions_by_user(self, user_id: str) -> list[Question]:
        rows = self._query(
            "SELECT * FROM questions WHERE user_id = ? AND user_id != '' ORDER BY date DESC, id DESC",
            (user_id,),
        )
        return self._with_answers(rows, None)

    def answers_by_user(self, user_id: str) -> list[Answer]:
        rows = self._query(
            "SELECT * FROM answers WHERE user_id = ? AND user_id != '' ORDER BY date DESC, id DESC",
            (user_id,),
        )
        return [answer_of(r) for r in rows]

    def delete_answer(self, answer_id: str) -> bool:
        return self._update("DELETE FROM answers WHERE id = ?", (answer_id,))

    def delete_question(self, question_id: str) -> bool:
        return self._update("DELETE FROM questions WHERE id = ?", (question_id,))
