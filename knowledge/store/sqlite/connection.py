"""SQLite connections and transactions shared by every part of the store.

One connection per thread (WAL lets readers run beside the one writer); writers take the write
lock up front (BEGIN IMMEDIATE) and wait up to `busy_timeout` for each other instead of failing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self, TypeVar

from knowledge.model import ReviewStatus
from knowledge.store.base import StoreError
from knowledge.store.sqlite.schema import migrate, schema_version

T = TypeVar("T")
_CHUNK = 500  # ids per IN (...) query, well below SQLite's variable limit


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced, so the store can close every thread's
    connection on `close()` while a finished thread's connection is freed with the thread."""


def chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def with_status(
    sql: str, params: list[Any], status: ReviewStatus | None
) -> tuple[str, list[Any]]:
    if status is None:
        return sql, params
    return sql + " AND status = ?", [*params, status.value]


class SQLiteBase:
    """Connections, transactions and small query helpers; the store's parts build on it."""
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

    def __enter__(self) -> Self:
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

    def _existing(self, table: str, column: str, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        conn = self._conn()
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def _update(self, sql: str, params: Sequence[Any]) -> bool:
        with self.transaction() as conn:
            return conn.execute(sql, params).rowcount > 0

    def _iter_by_id(
        self, table: str, status: ReviewStatus | None, build: Callable[[sqlite3.Row], T]
    ) -> Iterator[T]:
        """Pages through a table in id order so huge tables never sit in memory at once."""
        last = ""
        while True:
            sql, params = with_status(f"SELECT * FROM {table} WHERE id > ?", [last], status)
            rows = self._query(sql + " ORDER BY id LIMIT 1000", params)
            if not rows:
                return
            for row in rows:
                yield build(row)
            last = rows[-1]["id"]
