"""Import files into a store all-or-nothing: parse, validate, then one atomic `import_batch`.

Every file is parsed before anything is written. Bad rows are collected as file:line, field,
reason; by default any bad row rejects the whole import (ImportRejected, nothing written);
with `skip_invalid` the good rows are imported and the bad ones written to a rejects file.
Records carry stable ids, so importing the same file again adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from knowledge.importers import alexa_tsv, datafiniti, epqa, jsonl, mcauley
from knowledge.importers.detect import FORMATS, UnknownFormat, detect_format
from knowledge.importers.records import (
    FileSummary,
    ImportRejected,
    ImportReport,
    ParseResult,
    RowError,
)
from knowledge.importers.sources import iter_lines
from knowledge.families.derive import plan_families
from knowledge.model import Family, Product, Question, Review
from knowledge.progress import progress
from knowledge.store.base import Store


def _parse_jsonl(path: Path, show_progress: bool, default_source: str = "jsonl") -> ParseResult:
    lines = (text for _, text in progress(iter_lines(path), path.name, show_progress))
    return jsonl.parse_lines(lines, path, default_source)


PARSERS: dict[str, Callable[[Path, bool], ParseResult]] = {
    "jsonl": _parse_jsonl,
    "datafiniti": datafiniti.parse,
    "alexa-tsv": alexa_tsv.parse,
    "mcauley-qa": mcauley.parse,
    "epqa": epqa.parse,
}


@dataclass(frozen=True)
class ImportOptions:
    """How to import: forced format (else detected), skip bad rows, where rejects go."""

    format: str | None = None
    skip_invalid: bool = False
    rejects_path: Path | None = None
    progress: bool = True
    default_source: str = ""  # overrides the "source" of JSONL records that name none


def parse_file(path: Path, options: ImportOptions) -> ParseResult:
    """Parse one file with the forced or detected format (UnknownFormat when unclear)."""
    fmt = options.format or detect_format(path)
    if fmt not in PARSERS:
        raise UnknownFormat(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "jsonl" and options.default_source:
        return _parse_jsonl(path, options.progress, options.default_source)
    return PARSERS[fmt](path, options.progress)


@dataclass
class _Batch:
    families: dict[str, Family]
    products: dict[str, Product]
    weak: set[str]
    reviews: dict[str, tuple[Review, RowError]]
    questions: dict[str, tuple[Question, RowError]]
    errors: list[RowError]


def _where(record: Review | Question | Product) -> RowError:
    p = record.provenance
    return RowError(p.source_file, p.source_line, "", "")


def _merge(results: Sequence[ParseResult]) -> _Batch:
    """Combine files: de-duplicate products by id, reviews and questions by id."""
    batch = _Batch({}, {}, set(), {}, {}, [])
    for result in results:
        batch.errors.extend(result.errors)
        for family in result.families:
            batch.families.setdefault(family.id, family)
        for product in result.products:
            weak = product.id in result.weak_product_ids
            if product.id in batch.products and (weak or product.id not in batch.weak):
                continue  # the first strong definition wins; a weak one never replaces it
            batch.products[product.id] = product
            if weak:
                batch.weak.add(product.id)
            else:
                batch.weak.discard(product.id)
        for review in result.reviews:
            first = batch.reviews.get(review.id)
            if first is None:
                batch.reviews[review.id] = (review, _where(review))
            elif _content(first[0]) != _content(review):
                batch.errors.append(_duplicate(review, first[1]))
        for question in result.questions:
            known = batch.questions.get(question.id)
            if known is None:
                batch.questions[question.id] = (question, _where(question))
            elif (known[0].product_id, known[0].text) != (question.product_id, question.text):
                batch.errors.append(_duplicate(question, known[1]))
            else:
                merged = {a.id: a for a in known[0].answers}
                merged.update({a.id: a for a in question.answers if a.id not in merged})
                batch.questions[question.id] = (
                    replace(known[0], answers=tuple(merged.values())), known[1])
    return batch


def _content(review: Review) -> tuple[object, ...]:
    return (review.product_id, review.rating, review.title, review.text, review.author,
            review.date, review.status)


def _duplicate(record: Review | Question, first: RowError) -> RowError:
    p = record.provenance
    return RowError(p.source_file, p.source_line, "id",
                    f"duplicate id {record.id!r} with different content "
                    f"(first at {first.file}:{first.line})")


def _check_references(batch: _Batch, store: Store) -> None:
    """Every review and question must name a product in this import or in the store."""
    known_in_store: dict[str, bool] = {}

    def known(product_id: str) -> bool:
        if product_id in batch.products:
            return True
        if product_id not in known_in_store:
            known_in_store[product_id] = store.get_product(product_id) is not None
        return known_in_store[product_id]

    for kind, records in (("review", batch.reviews), ("question", batch.questions)):
        for record_id, (record, where) in list(records.items()):
            if not known(record.product_id):
                batch.errors.append(RowError(
                    where.file, where.line, "product_id",
                    f"unknown product {record.product_id!r} (not in this import nor in the store)"))
                del records[record_id]


def _drop_bad_rows(batch: _Batch) -> None:
    """With --skip-invalid: drop every record that came from a row with an error."""
    bad = {(e.file, e.line) for e in batch.errors}
    for records in (batch.reviews, batch.questions):
        for record_id, (_, where) in list(records.items()):
            if (where.file, where.line) in bad:
                del records[record_id]


def default_rejects_path(rejects_dir: Path, first_file: Path) -> Path:
    """<rejects_dir>/<file name>-<UTC timestamp>.rejects.jsonl (never an existing file)."""
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    path = rejects_dir / f"{first_file.name}-{stamp}.rejects.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = rejects_dir / f"{first_file.name}-{stamp}-{n}.rejects.jsonl"
    return path


def write_rejects(path: Path, errors: Sequence[RowError]) -> None:
    """One JSON line per bad row: file, line, the errors (field and reason) and the raw row."""
    by_row: dict[tuple[str, int], list[RowError]] = {}
    for error in errors:
        by_row.setdefault((error.file, error.line), []).append(error)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for (file, line), row_errors in sorted(by_row.items()):
            raw = next((e.raw for e in row_errors if e.raw), "")
            out.write(json.dumps({
                "file": file, "line": line,
                "errors": [{"field": e.field, "reason": e.reason} for e in row_errors],
                "raw": raw,
            }, ensure_ascii=False) + "\n")


def import_files(
    store: Store,
    paths: Sequence[Path],
    options: ImportOptions = ImportOptions(),
    rejects_dir: Path | None = None,
) -> ImportReport:
    """Parse `paths`, validate, and store everything in one atomic batch.

    Raises ImportRejected (nothing written) when a row is bad and `options.skip_invalid` is
    false; UnknownFormat / UnreadableFile for files that cannot be read at all; StoreError
    when the store refuses the batch (nothing written either). The search index is not
    touched here: `open_index` diffs it against the store and embeds only what is new (the
    CLI does that right after an import).
    """
    results = [parse_file(Path(p), options) for p in paths]
    batch = _merge(results)
    _check_references(batch, store)
    batch.errors.sort(key=lambda e: (e.file, e.line))
    rejects_path: Path | None = None
    if batch.errors:
        if not options.skip_invalid:
            raise ImportRejected(batch.errors)
        _drop_bad_rows(batch)
        rejects_path = options.rejects_path or default_rejects_path(
            rejects_dir or Path.cwd() / "rejects", Path(paths[0]))

    products = [p for pid, p in batch.products.items()
                if pid not in batch.weak or store.get_product(pid) is None]
    reviews = [r for r, _ in batch.reviews.values()]
    questions = [q for q, _ in batch.questions.values()]
    plan = plan_families(
        products,
        {p.id: p.family_id for p in store.list_products() if p.family_id},
        store.list_families(),
        batch.families.values(),
    )
    counts = store.import_batch(plan.products, reviews, questions, plan.families)
    if rejects_path is not None:  # only once the good rows are safely stored
        write_rejects(rejects_path, batch.errors)
    files = tuple(
        FileSummary(str(r.path), r.format, r.rows, len({e.line for e in batch.errors
                                                        if e.file == str(r.path)}))
        for r in results)
    return ImportReport(
        files=files,
        families_new=counts.families_added,
        products_new=counts.products_added,
        reviews_new=counts.reviews_added,
        questions_new=counts.questions_added,
        answers_new=counts.answers_added,
        products_seen=len(batch.products),
        reviews_seen=len(reviews),
        questions_seen=len(questions),
        errors=tuple(batch.errors),
        rejects_path=rejects_path,
    )
