"""The embedded SQLite store: one file, WAL journal, foreign keys, versioned schema.

Why SQLite: zero setup for `make chat`, a content team's laptop and tests, while still giving
real transactions (imports are all-or-nothing) and concurrent readers (WAL) for the threaded
Flask server. Each thread gets its own connection; writers take the write lock up front
(BEGIN IMMEDIATE) and wait up to `busy_timeout` for each other instead of failing.

The schema is an ordered list of migrations (`MIGRATIONS`); the `schema_migrations` table
records which ran, and opening a file applies the missing ones in order inside one
transaction. A file written by a newer ShopTalk (an unknown version) is refused.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from knowledge.model import (
    Answer,
    Friendship,
    FriendshipStatus,
    Message,
    Poll,
    PollOption,
    Product,
    Provenance,
    Question,
    Review,
    ReviewStatus,
    User,
    UserMemory,
    Vote,
)
from knowledge.store.base import ImportCounts, ProductStats, StoreCounts, StoreError
from knowledge.store.validation import (
    check_answer,
    check_friendship,
    check_message,
    check_poll,
    check_product,
    check_review,
    check_user,
    lookup_key,
    normalised_question,
)

T = TypeVar("T")
_CHUNK = 500  # ids per IN (...) query, well below SQLite's variable limit


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced, so the store can close every thread's
    connection on `close()` while a finished thread's connection is freed with the thread."""


@dataclass(frozen=True)
class Migration:
    """One schema step: `version` is applied after every smaller one."""

    version: int
    name: str
    sql: str


_V1_CATALOG = """
CREATE TABLE products (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    brand TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX products_by_name ON products (name_key, id);

CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_by_product ON reviews (product_id, date, id);
CREATE INDEX reviews_by_status ON reviews (status, id);
CREATE INDEX reviews_by_user ON reviews (user_id) WHERE user_id != '';

CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_by_product ON questions (product_id, date, id);
CREATE INDEX questions_by_status ON questions (status, id);
CREATE INDEX questions_by_user ON questions (user_id) WHERE user_id != '';

CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    votes INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected')),
    source TEXT NOT NULL DEFAULT 'unknown',
    source_file TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    user_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answers_by_question ON answers (question_id);
CREATE INDEX answers_by_status ON answers (status, id);
CREATE INDEX answers_by_user ON answers (user_id) WHERE user_id != '';

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_V2_SOCIAL = """
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    alexa_user_hash TEXT NOT NULL UNIQUE,
    handle TEXT NOT NULL,
    handle_key TEXT NOT NULL UNIQUE,
    friend_code TEXT NOT NULL,
    friend_code_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE friendships (
    user_id TEXT NOT NULL,
    other_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'blocked')),
    created_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, other_id)
);
CREATE INDEX friendships_to ON friendships (other_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    deleted_by_recipient INTEGER NOT NULL DEFAULT 0,
    reported INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_to ON messages (recipient_id, created_at, id);
CREATE INDEX messages_from ON messages (sender_id, created_at, id);
CREATE INDEX messages_reported ON messages (created_at, id) WHERE reported = 1;

CREATE TABLE polls (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    open_ended INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE votes (
    poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    option_id TEXT NOT NULL,
    cast_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (poll_id, user_id)
);
CREATE INDEX votes_by_user ON votes (user_id);

CREATE TABLE memory (
    user_id TEXT PRIMARY KEY,
    products_discussed TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    opinions TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE requests (
    request_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (request_id, purpose)
);
"""

_V3_PRODUCT_STATUS_INDEXES = """
CREATE INDEX reviews_by_product_status ON reviews (product_id, status, rating);
CREATE INDEX questions_by_product_status ON questions (product_id, status)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "catalog, reviews, community Q&A, meta", _V1_CATALOG),
    Migration(2, "users, friendships, messages, polls, votes, memory, request claims", _V2_SOCIAL),
    Migration(3, "per-product status indexes (product_stats reads only the index)", _V3_PRODUCT_STATUS_INDEXES),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def schema_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied to the database behind `conn` (0 for a new file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to `target`, in order, in one transaction.

    `conn` must be in autocommit mode (isolation_level=None). Returns the resulting version.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = schema_version(conn)
        known = {m.version for m in MIGRATIONS}
        if current > SCHEMA_VERSION or (current and current not in known):
            raise StoreError(
                f"database schema version {current} is newer than this ShopTalk "
                f"understands (at most {SCHEMA_VERSION}); upgrade ShopTalk"
            )
        for migration in MIGRATIONS:
            if current < migration.version <= target:
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _now()),
                )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return schema_version(conn)


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (our scripts hold no ';' inside literals)."""
    return [part.strip() for part in sql.split(";") if part.strip()]


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SQLiteStore:
    """The Store protocol on one SQLite file (see the module docstring)."""

    def __init__(self, path: str | Path, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._conn()
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn)
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from exc
        except StoreError:
            self.close()
            raise

    # --- connections and transactions ------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._lock:
            if self._closed:
                raise StoreError(f"the SQLite store {self.path} is closed")
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,  # only so close() can close every thread's connection
                factory=_Connection,
            )
            self._connections.add(conn)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all; nested uses join the outer one.

        Takes the write lock at the start (BEGIN IMMEDIATE) so concurrent writers queue up
        instead of failing with "database is locked" when upgrading a read transaction.
        """
        conn = self._conn()
        if conn.in_transaction:
            yield conn
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot start a write on {self.path}: {exc}") from exc
        try:
            yield conn
        except sqlite3.IntegrityError as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"rejected by the store: {exc}") from exc
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"SQLite error on {self.path}: {exc}") from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite error on {self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections = list(self._connections)
            self._connections = weakref.WeakSet()
        for conn in connections:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open_connections(self) -> int:
        """How many per-thread connections are open (a finished thread's is freed with it)."""
        with self._lock:
            return len(self._connections)

    def schema_version(self) -> int:
        return schema_version(self._conn())

    def journal_mode(self) -> str:
        return str(self._query("PRAGMA journal_mode")[0][0])

    # --- catalog ---------------------------------------------------------------------------
    def _existing(self, table: str, column: str, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        conn = self._conn()
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def _write_products(self, conn: sqlite3.Connection, products: Iterable[Product]) -> int:
        by_id: dict[str, Product] = {}
        for product in products:
            check_product(product)
            by_id[product.id] = product
        if not by_id:
            return 0
        existing = self._existing("products", "id", list(by_id))
        conn.executemany(
            "INSERT INTO products (id, name, name_key, aliases, brand, category, source,"
            " source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,"
            " aliases = excluded.aliases, brand = excluded.brand, category = excluded.category,"
            " source = excluded.source, source_file = excluded.source_file,"
            " source_line = excluded.source_line",
            [
                (
                    p.id,
                    p.name,
                    p.name.casefold(),
                    json.dumps(list(p.aliases)),
                    p.brand,
                    p.category,
                    *_prov(p.provenance),
                )
                for p in by_id.values()
            ],
        )
        return len(by_id.keys() - existing)

    def put_products(self, products: Iterable[Product]) -> int:
        with self.transaction() as conn:
            return self._write_products(conn, products)

    def get_product(self, product_id: str) -> Product | None:
        rows = self._query("SELECT * FROM products WHERE id = ?", (product_id,))
        return _product(rows[0]) if rows else None

    def list_products(self) -> list[Product]:
        return [_product(r) for r in self._query("SELECT * FROM products ORDER BY name_key, id")]

    def remove_product(self, product_id: str) -> bool:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM products WHERE id = ?", (product_id,)).rowcount > 0

    def has_products(self) -> bool:
        return bool(self._query("SELECT 1 FROM products LIMIT 1"))

    def product_stats(self, product_id: str) -> ProductStats:
        row = self._query(
            "SELECT COUNT(*), AVG(rating) FROM reviews WHERE product_id = ? AND status = ?",
            (product_id, ReviewStatus.PUBLISHED.value),
        )[0]
        return ProductStats(int(row[0]), float(row[1]) if row[1] is not None else None)

    def counts(self) -> StoreCounts:
        by_status = {
            r[0]: int(r[1])
            for r in self._query("SELECT status, COUNT(*) FROM reviews GROUP BY status")
        }
        return StoreCounts(
            products=int(self._query("SELECT COUNT(*) FROM products")[0][0]),
            reviews_published=by_status.get(ReviewStatus.PUBLISHED.value, 0),
            reviews_pending=by_status.get(ReviewStatus.PENDING.value, 0),
            reviews_rejected=by_status.get(ReviewStatus.REJECTED.value, 0),
            questions=int(self._query("SELECT COUNT(*) FROM questions")[0][0]),
            answers=int(self._query("SELECT COUNT(*) FROM answers")[0][0]),
        )

    # --- bulk import -----------------------------------------------------------------------
    def import_batch(
        self,
        products: Iterable[Product] = (),
        reviews: Iterable[Review] = (),
        questions: Iterable[Question] = (),
    ) -> ImportCounts:
        with self.transaction() as conn:
            products_added = self._write_products(conn, products)
            new_reviews = self._write_reviews(conn, reviews)
            new_questions, new_answers = self._write_questions(conn, questions)
        return ImportCounts(
            products_added=products_added,
            reviews_added=len(new_reviews),
            questions_added=len(new_questions),
            answers_added=len(new_answers),
            new_review_ids=tuple(new_reviews),
            changed_question_ids=_changed_questions(new_questions, new_answers),
        )

    # --- reviews ---------------------------------------------------------------------------
    def _check_products_exist(self, kind: str, records: Sequence[Review] | Sequence[Question]) -> None:
        wanted = {r.product_id for r in records}
        missing = wanted - self._existing("products", "id", list(wanted))
        if missing:
            first = next(r for r in records if r.product_id in missing)
            raise StoreError(f"{kind} {first.id}: field 'product_id' names unknown product {first.product_id!r}")

    def _write_reviews(self, conn: sqlite3.Connection, reviews: Iterable[Review]) -> list[str]:
        """Insert the reviews whose ids are new (first occurrence wins); returns those ids."""
        batch = list(reviews)
        for review in batch:
            check_review(review)
        if not batch:
            return []
        self._check_products_exist("review", batch)
        existing = self._existing("reviews", "id", [r.id for r in batch])
        new_ids = [i for i in dict.fromkeys(r.id for r in batch) if i not in existing]
        conn.executemany(
            "INSERT INTO reviews (id, product_id, rating, title, text, author, date, status,"
            " source, source_file, source_line, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                (
                    r.id,
                    r.product_id,
                    r.rating,
                    r.title,
                    r.text,
                    r.author,
                    r.date,
                    r.status.value,
                    *_prov(r.provenance),
                    r.user_id,
                )
                for r in batch
            ],
        )
        return new_ids

    def put_reviews(self, reviews: Iterable[Review]) -> int:
        with self.transaction() as conn:
            return len(self._write_reviews(conn, reviews))

    def get_review(self, review_id: str) -> Review | None:
        rows = self._query("SELECT * FROM reviews WHERE id = ?", (review_id,))
        return _review(rows[0]) if rows else None

    def reviews_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Review]:
        sql, params = _with_status(
            "SELECT * FROM reviews WHERE product_id = ?", [product_id], status
        )
        return [_review(r) for r in self._query(sql + " ORDER BY date DESC, id DESC", params)]

    def recent_reviews(
        self,
        product_id: str,
        since_date: str,
        status: ReviewStatus | None = ReviewStatus.PUBLISHED,
    ) -> list[Review]:
        sql, params = _with_status(
            "SELECT * FROM reviews WHERE product_id = ? AND date >= ? AND date != ''",
            [product_id, since_date],
            status,
        )
        return [_review(r) for r in self._query(sql + " ORDER BY date DESC, id DESC", params)]

    def iter_reviews(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Review]:
        yield from self._iter_by_id("reviews", status, _review)

    def _iter_by_id(
        self, table: str, status: ReviewStatus | None, build: Callable[[sqlite3.Row], T]
    ) -> Iterator[T]:
        """Pages through a table in id order so huge tables never sit in memory at once."""
        last = ""
        while True:
            sql, params = _with_status(f"SELECT * FROM {table} WHERE id > ?", [last], status)
            rows = self._query(sql + " ORDER BY id LIMIT 1000", params)
            if not rows:
                return
            for row in rows:
                yield build(row)
            last = rows[-1]["id"]

    def set_review_status(self, review_id: str, status: ReviewStatus) -> bool:
        return self._update("UPDATE reviews SET status = ? WHERE id = ?", (status.value, review_id))

    def delete_review(self, review_id: str) -> bool:
        return self._update("DELETE FROM reviews WHERE id = ?", (review_id,))

    def reviews_by_user(self, user_id: str) -> list[Review]:
        rows = self._query(
            "SELECT * FROM reviews WHERE user_id = ? AND user_id != '' ORDER BY date DESC, id DESC",
            (user_id,),
        )
        return [_review(r) for r in rows]

    def _update(self, sql: str, params: Sequence[Any]) -> bool:
        with self.transaction() as conn:
            return conn.execute(sql, params).rowcount > 0

    # --- community Q&A ---------------------------------------------------------------------
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
                (q.id, q.product_id, q.text, q.author, q.date, q.status.value, *_prov(q.provenance), q.user_id)
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
                (a.id, a.question_id, a.text, a.author, a.date, a.votes, a.status.value, *_prov(a.provenance), a.user_id)
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
        for chunk in _chunks(list(question_ids)):
            marks = ",".join("?" * len(chunk))
            sql, params = _with_status(
                f"SELECT * FROM answers WHERE question_id IN ({marks})", list(chunk), status
            )
            for row in self._query(sql + " ORDER BY votes DESC, date DESC, id", params):
                found[row["question_id"]].append(_answer(row))
        return found

    def _with_answers(self, rows: Sequence[sqlite3.Row], status: ReviewStatus | None) -> list[Question]:
        answers = self._answers_of([r["id"] for r in rows], status)
        return [_question(r, answers[r["id"]]) for r in rows]

    def get_question(self, question_id: str) -> Question | None:
        rows = self._query("SELECT * FROM questions WHERE id = ?", (question_id,))
        return self._with_answers(rows, None)[0] if rows else None

    def questions_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Question]:
        sql, params = _with_status(
            "SELECT * FROM questions WHERE product_id = ?", [product_id], status
        )
        return self._with_answers(self._query(sql + " ORDER BY date DESC, id DESC", params), status)

    def iter_questions(
        self, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> Iterator[Question]:
        last = ""
        while True:
            sql, params = _with_status("SELECT * FROM questions WHERE id > ?", [last], status)
            rows = self._query(sql + " ORDER BY id LIMIT 500", params)
            if not rows:
                return
            yield from self._with_answers(rows, status)
            last = rows[-1]["id"]

    def get_answer(self, answer_id: str) -> Answer | None:
        rows = self._query("SELECT * FROM answers WHERE id = ?", (answer_id,))
        return _answer(rows[0]) if rows else None

    def iter_answers(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Answer]:
        yield from self._iter_by_id("answers", status, _answer)

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
        return [_answer(r) for r in rows]

    def delete_answer(self, answer_id: str) -> bool:
        return self._update("DELETE FROM answers WHERE id = ?", (answer_id,))

    def delete_question(self, question_id: str) -> bool:
        return self._update("DELETE FROM questions WHERE id = ?", (question_id,))

    # --- users and friends -----------------------------------------------------------------
    def put_user(self, user: User) -> None:
        check_user(user)
        with self.transaction() as conn:
            clash = conn.execute(
                "SELECT id, alexa_user_hash, handle_key, friend_code_key FROM users WHERE id != ?"
                " AND (alexa_user_hash = ? OR handle_key = ? OR friend_code_key = ?)",
                (user.id, user.alexa_user_hash, lookup_key(user.handle), lookup_key(user.friend_code)),
            ).fetchone()
            if clash is not None:
                field = (
                    "handle"
                    if clash["handle_key"] == lookup_key(user.handle)
                    else "friend_code"
                    if clash["friend_code_key"] == lookup_key(user.friend_code)
                    else "alexa_user_hash"
                )
                raise StoreError(f"user {user.id}: field '{field}' already belongs to user {clash['id']}")
            conn.execute(
                "INSERT INTO users (id, alexa_user_hash, handle, handle_key, friend_code,"
                " friend_code_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET alexa_user_hash = excluded.alexa_user_hash,"
                " handle = excluded.handle, handle_key = excluded.handle_key,"
                " friend_code = excluded.friend_code, friend_code_key = excluded.friend_code_key,"
                " created_at = excluded.created_at",
                (
                    user.id,
                    user.alexa_user_hash,
                    user.handle,
                    lookup_key(user.handle),
                    user.friend_code,
                    lookup_key(user.friend_code),
                    user.created_at,
                ),
            )

    def _user_where(self, where: str, value: str) -> User | None:
        rows = self._query(f"SELECT * FROM users WHERE {where} = ?", (value,))
        return _user(rows[0]) if rows else None

    def get_user(self, user_id: str) -> User | None:
        return self._user_where("id", user_id)

    def user_by_alexa_hash(self, alexa_user_hash: str) -> User | None:
        return self._user_where("alexa_user_hash", alexa_user_hash)

    def user_by_friend_code(self, friend_code: str) -> User | None:
        return self._user_where("friend_code_key", lookup_key(friend_code))

    def user_by_handle(self, handle: str) -> User | None:
        return self._user_where("handle_key", lookup_key(handle))

    def delete_user(self, user_id: str) -> bool:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM friendships WHERE user_id = ? OR other_id = ?", (user_id, user_id)
            )
            return conn.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount > 0

    def put_friendship(self, friendship: Friendship) -> None:
        check_friendship(friendship)
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO friendships (user_id, other_id, status, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id, other_id) DO UPDATE SET status = excluded.status,"
                " created_at = excluded.created_at",
                (friendship.user_id, friendship.other_id, friendship.status.value, friendship.created_at),
            )

    def friendships_of(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships("user_id", user_id, status)

    def friendships_to(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships("other_id", user_id, status)

    def _friendships(self, column: str, user_id: str, status: FriendshipStatus | None) -> list[Friendship]:
        sql = f"SELECT * FROM friendships WHERE {column} = ?"
        params: list[Any] = [user_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        rows = self._query(sql + " ORDER BY user_id, other_id", params)
        return [
            Friendship(r["user_id"], r["other_id"], FriendshipStatus(r["status"]), r["created_at"])
            for r in rows
        ]

    def delete_friendship(self, user_id: str, other_id: str) -> bool:
        return self._update(
            "DELETE FROM friendships WHERE user_id = ? AND other_id = ?", (user_id, other_id)
        )

    # --- messages --------------------------------------------------------------------------
    def put_message(self, message: Message) -> bool:
        check_message(message)
        with self.transaction() as conn:
            return (
                conn.execute(
                    "INSERT INTO messages (id, sender_id, recipient_id, text, created_at, read,"
                    " deleted_by_recipient, reported) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO NOTHING",
                    _message_row(message),
                ).rowcount
                > 0
            )

    def get_message(self, message_id: str) -> Message | None:
        rows = self._query("SELECT * FROM messages WHERE id = ?", (message_id,))
        return _message(rows[0]) if rows else None

    def messages_to(self, recipient_id: str, unread_only: bool = False) -> list[Message]:
        sql = "SELECT * FROM messages WHERE recipient_id = ? AND deleted_by_recipient = 0"
        if unread_only:
            sql += " AND read = 0"
        return [_message(r) for r in self._query(sql + " ORDER BY created_at, id", (recipient_id,))]

    def messages_between(self, user_a: str, user_b: str) -> list[Message]:
        rows = self._query(
            "SELECT * FROM messages WHERE (sender_id = ? AND recipient_id = ?)"
            " OR (sender_id = ? AND recipient_id = ?) ORDER BY created_at, id",
            (user_a, user_b, user_b, user_a),
        )
        return [_message(r) for r in rows]

    def reported_messages(self) -> list[Message]:
        rows = self._query("SELECT * FROM messages WHERE reported = 1 ORDER BY created_at, id")
        return [_message(r) for r in rows]

    def update_message(self, message: Message) -> None:
        check_message(message)
        with self.transaction() as conn:
            changed = conn.execute(
                "UPDATE messages SET sender_id = ?, recipient_id = ?, text = ?, created_at = ?,"
                " read = ?, deleted_by_recipient = ?, reported = ? WHERE id = ?",
                (*_message_row(message)[1:], message.id),
            ).rowcount
            if not changed:
                raise StoreError(f"message {message.id}: no such message to update")

    def delete_messages_of(self, user_id: str) -> int:
        with self.transaction() as conn:
            return conn.execute(
                "DELETE FROM messages WHERE sender_id = ? OR recipient_id = ?", (user_id, user_id)
            ).rowcount

    # --- polls -----------------------------------------------------------------------------
    def put_poll(self, poll: Poll) -> None:
        check_poll(poll)
        options = json.dumps([[o.id, o.text] for o in poll.options])
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO polls (id, question, options, ends_at, open_ended, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " question = excluded.question, options = excluded.options,"
                " ends_at = excluded.ends_at, open_ended = excluded.open_ended,"
                " created_at = excluded.created_at",
                (poll.id, poll.question, options, poll.ends_at, int(poll.open_ended), poll.created_at),
            )

    def get_poll(self, poll_id: str) -> Poll | None:
        rows = self._query("SELECT * FROM polls WHERE id = ?", (poll_id,))
        return _poll(rows[0]) if rows else None

    def list_polls(self) -> list[Poll]:
        return [_poll(r) for r in self._query("SELECT * FROM polls ORDER BY created_at, id")]

    def put_vote(self, vote: Vote) -> None:
        with self.transaction() as conn:
            if not self._existing("polls", "id", [vote.poll_id]):
                raise StoreError(f"vote of user {vote.user_id}: field 'poll_id' names unknown poll {vote.poll_id!r}")
            conn.execute(
                "INSERT INTO votes (poll_id, user_id, option_id, cast_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (poll_id, user_id) DO UPDATE SET option_id = excluded.option_id,"
                " cast_at = excluded.cast_at",
                (vote.poll_id, vote.user_id, vote.option_id, vote.cast_at),
            )

    def votes_for(self, poll_id: str) -> list[Vote]:
        rows = self._query("SELECT * FROM votes WHERE poll_id = ? ORDER BY user_id", (poll_id,))
        return [Vote(r["poll_id"], r["user_id"], r["option_id"], r["cast_at"]) for r in rows]

    def delete_votes_of(self, user_id: str) -> int:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM votes WHERE user_id = ?", (user_id,)).rowcount

    # --- memory ----------------------------------------------------------------------------
    def get_memory(self, user_id: str) -> UserMemory | None:
        rows = self._query("SELECT * FROM memory WHERE user_id = ?", (user_id,))
        if not rows:
            return None
        r = rows[0]
        return UserMemory(
            user_id=r["user_id"],
            products_discussed=tuple(json.loads(r["products_discussed"])),
            interests=tuple(json.loads(r["interests"])),
            opinions=tuple((str(t), str(s)) for t, s in json.loads(r["opinions"])),
            extra=dict(json.loads(r["extra"])),
        )

    def put_memory(self, memory: UserMemory) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO memory (user_id, products_discussed, interests, opinions, extra)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " products_discussed = excluded.products_discussed,"
                " interests = excluded.interests, opinions = excluded.opinions,"
                " extra = excluded.extra",
                (
                    memory.user_id,
                    json.dumps(list(memory.products_discussed)),
                    json.dumps(list(memory.interests)),
                    json.dumps([list(o) for o in memory.opinions]),
                    json.dumps(dict(memory.extra)),
                ),
            )

    def delete_memory(self, user_id: str) -> bool:
        return self._update("DELETE FROM memory WHERE user_id = ?", (user_id,))

    # --- idempotency and metadata -----------------------------------------------------------
    def claim_request(self, request_id: str, purpose: str) -> bool:
        if not request_id:
            raise StoreError("claim_request: field 'request_id' is empty")
        with self.transaction() as conn:
            return (
                conn.execute(
                    "INSERT INTO requests (request_id, purpose, claimed_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (request_id, purpose) DO NOTHING",
                    (request_id, purpose, _now()),
                ).rowcount
                > 0
            )

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _changed_questions(new_question_ids: Sequence[str], new_answers: Sequence[Answer]) -> tuple[str, ...]:
    """Question ids that are new or gained an answer, in first-seen order."""
    return tuple(dict.fromkeys([*new_question_ids, *(a.question_id for a in new_answers)]))


# --- row <-> record -------------------------------------------------------------------------
def _prov(provenance: Provenance) -> tuple[str, str, int]:
    return provenance.source, provenance.source_file, provenance.source_line


def _row_prov(row: sqlite3.Row) -> Provenance:
    return Provenance(row["source"], row["source_file"], row["source_line"])


def _with_status(
    sql: str, params: list[Any], status: ReviewStatus | None
) -> tuple[str, list[Any]]:
    if status is None:
        return sql, params
    return sql + " AND status = ?", [*params, status.value]


def _product(row: sqlite3.Row) -> Product:
    return Product(
        id=row["id"],
        name=row["name"],
        aliases=tuple(json.loads(row["aliases"])),
        brand=row["brand"],
        category=row["category"],
        provenance=_row_prov(row),
    )


def _review(row: sqlite3.Row) -> Review:
    return Review(
        id=row["id"],
        product_id=row["product_id"],
        rating=row["rating"],
        text=row["text"],
        title=row["title"],
        author=row["author"],
        date=row["date"],
        status=ReviewStatus(row["status"]),
        provenance=_row_prov(row),
        user_id=row["user_id"],
    )


def _answer(row: sqlite3.Row) -> Answer:
    return Answer(
        id=row["id"],
        question_id=row["question_id"],
        text=row["text"],
        author=row["author"],
        date=row["date"],
        votes=row["votes"],
        status=ReviewStatus(row["status"]),
        provenance=_row_prov(row),
        user_id=row["user_id"],
    )


def _question(row: sqlite3.Row, answers: Sequence[Answer]) -> Question:
    return Question(
        id=row["id"],
        product_id=row["product_id"],
        text=row["text"],
        author=row["author"],
        date=row["date"],
        answers=tuple(answers),
        status=ReviewStatus(row["status"]),
        provenance=_row_prov(row),
        user_id=row["user_id"],
    )


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        alexa_user_hash=row["alexa_user_hash"],
        handle=row["handle"],
        friend_code=row["friend_code"],
        created_at=row["created_at"],
    )


def _message_row(m: Message) -> tuple[Any, ...]:
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


def _message(row: sqlite3.Row) -> Message:
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


def _poll(row: sqlite3.Row) -> Poll:
    return Poll(
        id=row["id"],
        question=row["question"],
        options=tuple(PollOption(str(i), str(t)) for i, t in json.loads(row["options"])),
        ends_at=row["ends_at"],
        open_ended=bool(row["open_ended"]),
        created_at=row["created_at"],
    )
