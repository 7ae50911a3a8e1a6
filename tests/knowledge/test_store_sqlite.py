"""SQLite-only behaviour: WAL journal, schema migrations, threads, bulk speed, open_store."""

from __future__ import annotations

import gc
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.config import KnowledgeConfig
from knowledge.ids import stable_id
from knowledge.model import Message, Product, Review, User
from knowledge.store import SQLITE_FILE_NAME, open_store
from knowledge.store.base import StoreError
from knowledge.store.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, migrate


def test_file_is_in_wal_mode_with_foreign_keys(sqlite_store: SQLiteStore) -> None:
    assert sqlite_store.journal_mode() == "wal"
    raw = sqlite3.connect(sqlite_store.path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persisted in the file
    finally:
        raw.close()


def test_new_file_is_at_the_latest_schema_with_every_migration_recorded(sqlite_store: SQLiteStore) -> None:
    assert sqlite_store.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1].version
    raw = sqlite3.connect(sqlite_store.path)
    try:
        versions = [r[0] for r in raw.execute("SELECT version FROM schema_migrations ORDER BY version")]
    finally:
        raw.close()
    assert versions == [m.version for m in MIGRATIONS]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)


def test_a_version_1_file_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    raw = sqlite3.connect(path, isolation_level=None)
    assert migrate(raw, target=1) == 1
    raw.execute(
        "INSERT INTO products (id, name, name_key) VALUES ('p1', 'Echo Dot', 'echo dot')"
    )
    raw.execute(
        "INSERT INTO reviews (id, product_id, rating, text, status) "
        "VALUES ('r1', 'p1', 5, 'great', 'published')"
    )
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "users" not in tables and "messages" not in tables
    raw.close()

    with SQLiteStore(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.get_review("r1").text == "great"  # type: ignore[union-attr]
        assert store.get_product("p1").name == "Echo Dot"  # type: ignore[union-attr]
        store.put_user(User("u1", "h1", "Ann", "tiger four two"))
        assert store.user_by_handle("ann") is not None
    with SQLiteStore(path) as again:  # reopening migrates nothing twice
        assert again.schema_version() == SCHEMA_VERSION


def test_product_stats_reads_a_covering_index(sqlite_store: SQLiteStore) -> None:
    plan = " ".join(
        str(row[3])
        for row in sqlite_store._conn().execute(
            "EXPLAIN QUERY PLAN SELECT COUNT(*), AVG(rating) FROM reviews WHERE product_id = ? AND status = ?",
            ("p1", "published"),
        )
    )
    assert "COVERING INDEX reviews_by_product_status" in plan


def test_a_file_from_a_newer_shoptalk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    SQLiteStore(path).close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01')", (SCHEMA_VERSION + 1,))
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("this is not a database\n" * 100)
    with pytest.raises(StoreError, match="notes.sqlite"):
        SQLiteStore(path)


def test_transaction_rolls_back_every_write_on_error(sqlite_store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError):
        with sqlite_store.transaction():
            sqlite_store.put_products([Product("p1", "Echo Dot")])
            sqlite_store.set_meta("k", "v")
            raise RuntimeError("stop")
    assert sqlite_store.get_product("p1") is None and sqlite_store.get_meta("k") is None
    with sqlite_store.transaction():
        sqlite_store.put_products([Product("p1", "Echo Dot")])
        sqlite_store.set_meta("k", "v")
    assert sqlite_store.get_product("p1") is not None and sqlite_store.get_meta("k") == "v"


def test_concurrent_writers_from_threads_lose_nothing(sqlite_store: SQLiteStore) -> None:
    sqlite_store.put_products([Product("p1", "Echo Dot")])
    errors: list[BaseException] = []
    per_thread = 40

    def writer(n: int) -> None:
        try:
            for i in range(per_thread):
                sqlite_store.put_reviews([Review(f"r{n}-{i}", "p1", 1 + i % 5, "ok")])
                sqlite_store.put_message(Message(f"m{n}-{i}", "u1", "u2", "hi", f"2024-01-01T00:00:{i:02d}"))
                sqlite_store.claim_request(f"req-{i}", "review")  # every thread races for the same ids
                assert sqlite_store.get_review(f"r{n}-{i}") is not None
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sqlite_store.counts().reviews_published == 6 * per_thread
    assert len(sqlite_store.messages_to("u2")) == 6 * per_thread
    assert all(not sqlite_store.claim_request(f"req-{i}", "review") for i in range(per_thread))


def test_connections_of_finished_threads_are_released(sqlite_store: SQLiteStore) -> None:
    # The threaded Flask server runs each request on a new thread: connections must not pile up.
    def request() -> None:
        sqlite_store.set_meta("last", threading.current_thread().name)

    for _ in range(30):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    gc.collect()
    assert sqlite_store.open_connections() <= 2  # this thread's own, plus at most a straggler
    assert sqlite_store.get_meta("last") is not None


def test_other_threads_read_committed_data_while_a_write_is_open(sqlite_store: SQLiteStore) -> None:
    sqlite_store.put_products([Product("p1", "Echo Dot")])
    seen: list[int] = []
    with sqlite_store.transaction():
        sqlite_store.put_reviews([Review("r1", "p1", 5, "uncommitted")])
        reader = threading.Thread(target=lambda: seen.append(sqlite_store.counts().reviews))
        reader.start()
        reader.join(timeout=10)
    assert seen == [0]  # WAL: the reader was not blocked and saw only committed data
    assert sqlite_store.counts().reviews == 1


def test_importing_ten_thousand_reviews_is_fast_and_idempotent(sqlite_store: SQLiteStore) -> None:
    products = [Product(f"p{i}", f"Product {i}") for i in range(50)]
    reviews = [
        Review(stable_id("r", f"p{i % 50}", str(i)), f"p{i % 50}", 1 + i % 5, f"review number {i} " * 8, date=f"2024-01-{1 + i % 28:02d}")
        for i in range(10_000)
    ]
    started = time.perf_counter()
    counts = sqlite_store.import_batch(products, reviews)
    elapsed = time.perf_counter() - started
    assert counts.reviews_added == 10_000 and counts.products_added == 50
    assert elapsed < 3.0, f"10k reviews took {elapsed:.2f}s (shared 2-core machine)"
    assert sqlite_store.import_batch(products, reviews).total == 0
    assert sum(1 for _ in sqlite_store.iter_reviews()) == 10_000


def test_close_makes_the_store_unusable(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get_product("p1")


def test_open_store_creates_the_data_dir_and_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    store = open_store(KnowledgeConfig(data_dir=data_dir, seed_demo_catalog=False))
    try:
        assert (data_dir / SQLITE_FILE_NAME).is_file()
        assert not store.has_products()
        store.put_products([Product("p1", "Echo Dot")])
    finally:
        store.close()
    reopened = open_store(KnowledgeConfig(data_dir=data_dir, seed_demo_catalog=False))
    try:
        assert reopened.get_product("p1") is not None
    finally:
        reopened.close()


def test_open_store_rejects_an_unknown_backend(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="postgres"):
        open_store(KnowledgeConfig(data_dir=tmp_path, store="postgres"))


def test_open_store_seeds_an_empty_store_once(tmp_path: Path) -> None:
    demo = pytest.importorskip("knowledge.demo", reason="the demo catalog seeder (knowledge.demo) is not in this checkout")
    if not hasattr(demo, "seed_demo_catalog"):
        pytest.skip("knowledge.demo has no seed_demo_catalog yet")
    store = open_store(KnowledgeConfig(data_dir=tmp_path))
    try:
        seeded = store.counts()
        assert seeded.products > 0 and seeded.reviews > 0
    finally:
        store.close()
    again = open_store(KnowledgeConfig(data_dir=tmp_path))
    try:
        assert again.counts() == seeded  # a store with products is never seeded twice
    finally:
        again.close()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["r1", "r2", "r3", "r4", "r5", "r6"]), st.sampled_from(["p1", "p2"]), st.integers(1, 5)),
        max_size=12,
    )
)
def test_any_batch_stores_each_id_once_and_reimports_add_nothing(rows: list[tuple[str, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "p.sqlite") as store:
        reviews = [Review(rid, pid, rating, "text") for rid, pid, rating in rows]
        counts = store.import_batch([Product("p1", "Echo"), Product("p2", "Kindle")], reviews)
        first_seen = {rid: (pid, rating) for rid, pid, rating in reversed(rows)}
        assert counts.reviews_added == len(first_seen) == store.counts().reviews
        assert list(counts.new_review_ids) == list(dict.fromkeys(rid for rid, _, _ in rows))
        for rid, (pid, rating) in first_seen.items():  # the first occurrence of an id wins
            stored = store.get_review(rid)
            assert stored is not None and (stored.product_id, stored.rating) == (pid, rating)
        assert store.import_batch([Product("p1", "Echo")], reviews).total == 0
