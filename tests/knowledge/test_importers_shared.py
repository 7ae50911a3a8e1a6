"""Importers on the real public files in ../shared/data (skipped where they are absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.importers import ImportOptions, ImportRejected, detect_format, import_files
from knowledge.store.sqlite import SQLiteStore

pytestmark = pytest.mark.shared_data
QUIET = ImportOptions(progress=False)


def test_datafiniti_csv(shared_data: Path, sqlite_store: SQLiteStore) -> None:
    path = shared_data / "reviews" / "datafiniti_amazon_devices.csv"
    assert detect_format(path) == "datafiniti"
    report = import_files(sqlite_store, [path], QUIET)
    assert report.files[0].rows == 5000 and not report.errors
    assert report.reviews_new == 5000
    assert 23 <= report.products_new <= 24  # 23 devices; one is listed under two ASINs
    tap = sqlite_store.get_product("B01BH83OOM")
    assert tap is not None and tap.name.startswith("Amazon Tap") and "amazon tap" in tap.aliases
    assert sqlite_store.product_stats("B01BH83OOM").review_count == 225
    names = [p.name for p in sqlite_store.list_products()]
    assert all('""' not in n and n == n.strip() for n in names)
    again = import_files(sqlite_store, [path], QUIET)
    assert not again.added_anything
    assert sqlite_store.counts().reviews == 5000


def test_alexa_tsv_rejects_empty_reviews_then_skips_them(shared_data: Path, sqlite_store: SQLiteStore,
                                                         tmp_path: Path) -> None:
    path = shared_data / "reviews" / "amazon_alexa.tsv"
    assert detect_format(path) == "alexa-tsv"
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [path], QUIET)
    assert len(info.value.errors) == 79
    assert {(e.field, e.reason) for e in info.value.errors} == {
        ("verified_reviews", "is empty (the review text is required)")}
    assert info.value.errors[0].line == 87
    assert sqlite_store.counts().reviews == 0
    rejects = tmp_path / "alexa.rejects.jsonl"
    report = import_files(sqlite_store, [path],
                          ImportOptions(skip_invalid=True, rejects_path=rejects, progress=False))
    assert report.reviews_new == 3150 - 79
    assert len(rejects.read_text().splitlines()) == 79
    names = {p.name for p in sqlite_store.list_products()}
    assert {"Echo Dot (Black)", "Echo (Charcoal Fabric)", "Fire TV Stick", "Echo Show (White)"} <= names
    assert len(names) == 16


@pytest.mark.parametrize("name", ["qa_Appliances.json.gz", "qa_Video_Games.json.gz",
                                  "qa_Cell_Phones_and_Accessories.json"])
def test_mcauley_qa_files(shared_data: Path, sqlite_store: SQLiteStore, name: str) -> None:
    path = shared_data / "qa" / name
    assert detect_format(path) == "mcauley-qa"
    report = import_files(sqlite_store, [path], QUIET)
    assert not report.errors
    assert report.questions_new > 8000 and report.answers_new >= report.questions_new
    assert report.products_new > 1000
    product = sqlite_store.list_products()[0]
    assert product.name == f"Product {product.id}"
    assert not import_files(sqlite_store, [path], QUIET).added_anything
