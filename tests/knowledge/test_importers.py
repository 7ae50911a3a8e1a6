"""Importers on small hand-written fixtures: parsing, exact row errors, atomicity, idempotency."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from knowledge.importers import (
    ImportOptions,
    ImportRejected,
    UnknownFormat,
    detect_format,
    export_store,
    import_files,
)
from knowledge.importers.normalize import iso_date, normalise_name, short_alias
from knowledge.model import ReviewStatus
from knowledge.store.sqlite import SQLiteStore

FIXTURES = Path(__file__).parent / "fixtures"
QUIET = ImportOptions(progress=False)


def _snapshot(store: SQLiteStore) -> tuple[list, list, list]:
    return (store.list_products(), list(store.iter_reviews(None)), list(store.iter_questions(None)))


def _errors(exc: ImportRejected) -> list[tuple[int, str]]:
    return [(e.line, e.field) for e in exc.errors]


# --- format detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("good.jsonl", "jsonl"),
        ("bad.jsonl", "jsonl"),
        ("datafiniti_small.csv", "datafiniti"),
        ("alexa_small.tsv", "alexa-tsv"),
        ("qa_Small_Things.json", "mcauley-qa"),
    ],
)
def test_format_is_detected_from_content(name: str, expected: str, tmp_path: Path) -> None:
    assert detect_format(FIXTURES / name) == expected
    renamed = tmp_path / "no_hint.dat"  # the file name plays no part
    shutil.copy(FIXTURES / name, renamed)
    assert detect_format(renamed) == expected


def test_gzipped_file_is_detected_through_the_compression(tmp_path: Path) -> None:
    gz = tmp_path / "qa_Small_Things.json.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "qa_Small_Things.json").read_bytes()))
    assert detect_format(gz) == "mcauley-qa"


def test_unknown_content_asks_for_format() -> None:
    with pytest.raises(UnknownFormat, match=r"unknown.txt: cannot tell the format.*--format"):
        detect_format(FIXTURES / "unknown.txt")


def test_forced_format_that_does_not_fit_reports_the_header(sqlite_store: SQLiteStore) -> None:
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [FIXTURES / "good.jsonl"],
                     ImportOptions(format="alexa-tsv", progress=False))
    assert _errors(info.value) == [(1, "header")]
    assert "missing column(s)" in info.value.errors[0].reason
    assert sqlite_store.counts().products == 0


# --- our JSONL ---------------------------------------------------------------------------------


def test_jsonl_keeps_given_ids_and_derives_stable_ones(sqlite_store: SQLiteStore) -> None:
    report = import_files(sqlite_store, [FIXTURES / "good.jsonl"], QUIET)
    assert (report.products_new, report.reviews_new, report.questions_new, report.answers_new) == (2, 3, 2, 2)
    lamp = sqlite_store.get_product("p-lamp")
    assert lamp is not None and lamp.name == 'Reading Lamp 6"' and lamp.aliases == ("lamp", "the lamp")
    assert sqlite_store.get_product("p-kettle").name == "Steel Kettle"  # type: ignore[union-attr]
    given = sqlite_store.get_review("r-1")
    assert given is not None and given.author == "ann" and given.title == "Bright"
    assert given.provenance.source == "jsonl" and given.provenance.source_line == 4
    derived = [r for r in sqlite_store.reviews_for("p-lamp") if r.id != "r-1"]
    assert len(derived) == 1 and derived[0].id.startswith("review-")
    assert derived[0].rating == 2 and derived[0].date == "2025-04-02"
    question = sqlite_store.get_question("q-1")
    assert question is not None
    assert {a.text: a.votes for a in question.answers} == {"A little, while boiling.": 3, "Not really.": 0}
    assert "a-1" in {a.id for a in question.answers}


def test_reimport_adds_nothing(sqlite_store: SQLiteStore) -> None:
    import_files(sqlite_store, [FIXTURES / "good.jsonl"], QUIET)
    before = _snapshot(sqlite_store)
    again = import_files(sqlite_store, [FIXTURES / "good.jsonl"], QUIET)
    assert not again.added_anything
    assert (again.reviews_new, again.questions_new, again.answers_new) == (0, 0, 0)
    assert _snapshot(sqlite_store) == before


def test_bad_rows_reject_the_whole_import_and_name_file_line_field(sqlite_store: SQLiteStore) -> None:
    import_files(sqlite_store, [FIXTURES / "good.jsonl"], QUIET)
    before = _snapshot(sqlite_store)
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [FIXTURES / "bad.jsonl"], QUIET)
    assert _errors(info.value) == [
        (2, "rating"), (3, "-"), (4, "type"), (5, "text"), (6, "product_id"), (7, "date"),
        (8, "answers[0].text"),
    ]
    lines = [str(e) for e in info.value.errors]
    path = str(FIXTURES / "bad.jsonl")
    assert lines[0] == f"{path}:2: rating: must be a whole number of stars from 1 to 5, got 7"
    assert lines[4] == f"{path}:6: product_id: unknown product 'p-missing' (not in this import nor in the store)"
    assert lines[5] == f"{path}:7: date: not a date: 'last tuesday' (use YYYY-MM-DD)"
    assert "nothing was written: 7 invalid row(s)" in str(info.value)
    assert _snapshot(sqlite_store) == before  # atomic: not even the valid product was written
    assert sqlite_store.get_product("p-ok") is None


def test_skip_invalid_imports_the_rest_and_writes_rejects(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    rejects = tmp_path / "out" / "bad.rejects.jsonl"
    report = import_files(sqlite_store, [FIXTURES / "bad.jsonl"],
                          ImportOptions(skip_invalid=True, rejects_path=rejects, progress=False))
    assert report.rejects_path == rejects
    assert (report.products_new, report.reviews_new) == (1, 1)
    assert [r.text for r in sqlite_store.reviews_for("p-ok")] == ["This one is fine."]
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["line"] for r in rows] == [2, 3, 4, 5, 6, 7, 8]
    assert rows[0]["errors"] == [{"field": "rating",
                                  "reason": "must be a whole number of stars from 1 to 5, got 7"}]
    assert rows[0]["raw"].startswith('{"type": "review", "product_id": "p-ok", "rating": 7')
    assert "skipped 7 invalid rows" in report.summary()


def test_skip_invalid_default_rejects_file_goes_to_the_given_directory(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    report = import_files(sqlite_store, [FIXTURES / "bad.jsonl"],
                          ImportOptions(skip_invalid=True, progress=False), rejects_dir=tmp_path / "rejects")
    assert report.rejects_path is not None and report.rejects_path.parent == tmp_path / "rejects"
    assert report.rejects_path.name.startswith("bad.jsonl-") and report.rejects_path.is_file()


def test_conflicting_duplicate_ids_are_errors(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    f = tmp_path / "dup.jsonl"
    f.write_text(
        '{"type": "product", "id": "p", "name": "P"}\n'
        '{"type": "review", "id": "r", "product_id": "p", "rating": 5, "text": "one"}\n'
        '{"type": "review", "id": "r", "product_id": "p", "rating": 1, "text": "two"}\n'
    )
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [f], QUIET)
    assert _errors(info.value) == [(3, "id")]
    assert f"(first at {f}:2)" in info.value.errors[0].reason


def test_export_reimports_to_the_same_state(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    import_files(sqlite_store, [FIXTURES / "good.jsonl", FIXTURES / "datafiniti_small.csv",
                                FIXTURES / "qa_Small_Things.json"],
                 ImportOptions(skip_invalid=True, rejects_path=tmp_path / "rej.jsonl", progress=False))
    some_review = next(iter(sqlite_store.iter_reviews()))
    sqlite_store.set_review_status(some_review.id, ReviewStatus.PENDING)
    exported = tmp_path / "export.jsonl"
    with exported.open("w") as out:
        count = export_store(sqlite_store, out)
    assert count == len(exported.read_text().splitlines())
    fresh = SQLiteStore(tmp_path / "fresh.sqlite")
    try:
        import_files(fresh, [exported], QUIET)
        assert _snapshot(fresh) == _snapshot(sqlite_store)
        assert fresh.get_review(some_review.id).status is ReviewStatus.PENDING  # type: ignore[union-attr]
        assert not import_files(fresh, [exported], QUIET).added_anything
    finally:
        fresh.close()


# --- Datafiniti CSV ---------------------------------------------------------------------------


def test_datafiniti_products_by_asin_with_multiline_cells(sqlite_store: SQLiteStore) -> None:
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [FIXTURES / "datafiniti_small.csv"], QUIET)
    assert [str(e) for e in info.value.errors] == [
        f"{FIXTURES / 'datafiniti_small.csv'}:6: reviews.rating: "
        "must be a whole number of stars from 1 to 5, got 'five'"
    ]
    report = import_files(sqlite_store, [FIXTURES / "datafiniti_small.csv"],
                          ImportOptions(skip_invalid=True, rejects_path=Path("/dev/null"), progress=False))
    assert (report.products_new, report.reviews_new) == (2, 4)
    kindle = sqlite_store.get_product("B00ZV9PXP2")
    assert kindle is not None and kindle.name == 'Amazon Kindle E-Reader 6" Wifi (8th Generation, 2016)'
    tap = sqlite_store.get_product("B01BH83OOM")
    assert tap is not None and tap.name == "Amazon Tap - Alexa-Enabled Portable Bluetooth Speaker"
    assert "amazon tap" in tap.aliases
    assert sqlite_store.get_product("B06XB29FPF") is None  # listed second beside a known ASIN
    texts = {r.text: r for r in sqlite_store.reviews_for("B01BH83OOM")}
    assert set(texts) == {"Great sound for a small speaker.", "Hub works with my bulbs."}
    first = sqlite_store.reviews_for("B00ZV9PXP2", None)
    multiline = next(r for r in first if r.rating == 3)
    assert multiline.text == "Too small to read on,\nnot very comfortable."
    assert multiline.date == "2017-09-03" and multiline.provenance.source_line == 2
    assert next(r for r in first if r.rating == 5).provenance.source_line == 4


# --- Alexa TSV --------------------------------------------------------------------------------


def test_alexa_tsv_products_from_variation_and_empty_text_rejected(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [FIXTURES / "alexa_small.tsv"], QUIET)
    assert [str(e) for e in info.value.errors] == [
        f"{FIXTURES / 'alexa_small.tsv'}:4: verified_reviews: is empty (the review text is required)"
    ]
    assert sqlite_store.counts().reviews == 0
    report = import_files(sqlite_store, [FIXTURES / "alexa_small.tsv"],
                          ImportOptions(skip_invalid=True, rejects_path=tmp_path / "r.jsonl", progress=False))
    names = sorted(p.name for p in sqlite_store.list_products())
    assert names == ["Echo (Charcoal Fabric)", "Echo Dot (Black)", "Fire TV Stick"]
    assert report.reviews_new == 4  # the two identical "Love my Echo!" rows stay two reviews
    dot = next(p for p in sqlite_store.list_products() if p.name == "Echo Dot (Black)")
    assert dot.aliases[0] == "echo dot" and dot.id.startswith("product-")
    assert [r.date for r in sqlite_store.reviews_for(dot.id)] == ["2018-07-30"]
    again = import_files(sqlite_store, [FIXTURES / "alexa_small.tsv"],
                         ImportOptions(skip_invalid=True, rejects_path=tmp_path / "r2.jsonl", progress=False))
    assert not again.added_anything


# --- McAuley Q&A ------------------------------------------------------------------------------


@pytest.mark.parametrize("gzipped", [False, True])
def test_mcauley_questions_merge_answers(sqlite_store: SQLiteStore, tmp_path: Path, gzipped: bool) -> None:
    path = FIXTURES / "qa_Small_Things.json"
    if gzipped:
        path = tmp_path / "qa_Small_Things.json.gz"
        path.write_bytes(gzip.compress((FIXTURES / "qa_Small_Things.json").read_bytes()))
    report = import_files(sqlite_store, [path], QUIET)
    assert (report.products_new, report.questions_new, report.answers_new) == (2, 2, 3)
    product = sqlite_store.get_product("B00004U9JP")
    assert product is not None and product.name == "Product B00004U9JP"
    assert product.category == "Small Things"
    (question,) = sqlite_store.questions_for("B00004U9JP")
    assert {a.text: a.date for a in question.answers} == {
        "I replaced my old one without a hitch.": "2014-06-27",
        "Yes, same mounting.": "",  # "14 days ago": relative to an unknown crawl date
    }


def test_mcauley_never_renames_a_known_product(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text('{"type": "product", "id": "B00004U9JP", "name": "Badger 1 Disposal"}\n')
    import_files(sqlite_store, [catalog], QUIET)
    import_files(sqlite_store, [FIXTURES / "qa_Small_Things.json"], QUIET)
    assert sqlite_store.get_product("B00004U9JP").name == "Badger 1 Disposal"  # type: ignore[union-attr]
    # ... also when both arrive in one import, in either order
    fresh = SQLiteStore(tmp_path / "other.sqlite")
    try:
        import_files(fresh, [FIXTURES / "qa_Small_Things.json", catalog], QUIET)
        assert fresh.get_product("B00004U9JP").name == "Badger 1 Disposal"  # type: ignore[union-attr]
    finally:
        fresh.close()


def test_mcauley_bad_lines(sqlite_store: SQLiteStore) -> None:
    with pytest.raises(ImportRejected) as info:
        import_files(sqlite_store, [FIXTURES / "qa_bad.json"], QUIET)
    assert _errors(info.value) == [(2, "-"), (3, "asin"), (4, "-"), (5, "answerTime")]
    assert info.value.errors[0].reason == "not a Python literal dict (SyntaxError)"
    assert sqlite_store.counts().questions == 0


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('Kindle 6"" Wifi', 'Kindle 6" Wifi'),
        ("  Echo   Dot  ", "Echo Dot"),
        ("\u201cEcho Dot\u201d", "Echo Dot"),
        ("Fire Tablet, 7 Display -", "Fire Tablet, 7 Display"),
        ("BRAND NEW KINDLE FIRE", "Brand New Kindle Fire"),
        ("the very hungry caterpillar", "The Very Hungry Caterpillar"),
        ("iPad mini with Retina", "iPad mini with Retina"),  # mixed case is kept
        ("Fire HD 8", "Fire HD 8"),
        ("Salt &amp; Pepper", "Salt & Pepper"),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected
    assert normalise_name(expected) == expected  # idempotent


def test_short_alias() -> None:
    assert short_alias("Amazon Tap - Alexa-Enabled Portable Bluetooth Speaker", "Amazon") == "amazon tap"
    assert short_alias("Amazon - Echo Plus w/ Built-In Hub - Silver", "Amazon") == "echo plus"
    assert short_alias("Echo Dot") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2017-09-03T00:00:00.000Z", "2017-09-03"), ("31-Jul-18", "2018-07-31"),
     ("Mar 8, 2014", "2014-03-08"), ("2025-01-02", "2025-01-02"), ("", ""), ("soon", None),
     ("2017-13-01", None)],
)
def test_iso_date(raw: str, expected: str | None) -> None:
    assert iso_date(raw) == expected


def test_truncated_gzip_and_non_utf8_files_fail_with_one_clear_message(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    from knowledge.importers import UnreadableFile

    data = gzip.compress((FIXTURES / "qa_Small_Things.json").read_bytes() * 50)
    truncated = tmp_path / "qa_cut.json.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFile, match=r"qa_cut.json.gz(:\d+)?: cannot read \(Compressed file ended"):
        import_files(sqlite_store, [truncated], QUIET)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"type": "product", "id": "p", "name": "Caf\u00e9"}\n'.encode("latin-1"))
    with pytest.raises(UnreadableFile, match=r"latin.jsonl:1: not UTF-8 text"):
        import_files(sqlite_store, [latin], QUIET)
    assert sqlite_store.counts().products == 0
