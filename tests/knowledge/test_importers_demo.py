"""The bundled demo catalog loads through the importer with zero rejects, idempotently."""

from __future__ import annotations

from knowledge.demo import CATALOG_PATH, seed_demo_catalog
from knowledge.importers import ImportOptions, import_files
from knowledge.importers.runner import parse_file
from knowledge.reports import negative_trends
from knowledge.store.sqlite import SQLiteStore


def test_demo_catalog_has_no_bad_rows() -> None:
    result = parse_file(CATALOG_PATH, ImportOptions(format="jsonl", progress=False))
    assert [str(e) for e in result.errors] == []
    assert result.rows == len([line for line in CATALOG_PATH.read_text().splitlines() if line.strip()])


def test_seed_demo_catalog(sqlite_store: SQLiteStore) -> None:
    report = seed_demo_catalog(sqlite_store, progress=False)
    assert not report.errors
    counts = sqlite_store.counts()
    assert counts.products >= 15 and counts.reviews >= 200 and counts.questions >= 50
    assert report.reviews_new == counts.reviews
    product = sqlite_store.list_products()[0]
    assert product.provenance.source == "demo"
    assert sqlite_store.product_stats(product.id).review_count > 0
    assert not seed_demo_catalog(sqlite_store, progress=False).added_anything
    assert not import_files(sqlite_store, [CATALOG_PATH], ImportOptions(progress=False)).added_anything


def test_demo_catalog_shows_a_negative_trend(sqlite_store: SQLiteStore) -> None:
    seed_demo_catalog(sqlite_store, progress=False)
    flagged = [t.product_id for t in negative_trends(sqlite_store).trends]
    assert "demo-roomba-j7" in flagged
