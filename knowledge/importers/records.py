"""Result types shared by every importer: row errors, parsed batches and the import report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge.model import Family, Product, Question, Review


@dataclass(frozen=True)
class RowError:
    """One problem with one input row: where it is, which field, and why it is wrong."""

    file: str
    line: int
    field: str
    reason: str
    raw: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class ParseResult:
    """What one importer read from one file: records, bad rows and how many rows it saw.

    `weak_product_ids` are products the file names only by id (Q&A files know ASINs, not
    titles); they are created when missing but never overwrite a product already known.
    """

    path: Path
    format: str
    products: list[Product] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)  # declared by the file (JSONL)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    weak_product_ids: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FileSummary:
    """Per-file line of the import report."""

    path: str
    format: str
    rows: int
    rejected_rows: int


@dataclass(frozen=True)
class ImportReport:
    """What an import did: files read, records new to the store, rows rejected.

    Counts of "new" records exclude what the store already held, so re-importing the same
    file reports zeros. `rejects_path` is where skipped rows were written (--skip-invalid).
    """

    files: tuple[FileSummary, ...]
    products_new: int
    reviews_new: int
    questions_new: int
    answers_new: int
    products_seen: int
    reviews_seen: int
    questions_seen: int
    families_new: int = 0
    errors: tuple[RowError, ...] = ()
    rejects_path: Path | None = None

    @property
    def added_anything(self) -> bool:
        return bool(self.products_new or self.families_new or self.reviews_new or self.questions_new
                    or self.answers_new)

    def summary(self) -> str:
        """One human line, e.g. "imported 23 products, 4,990 reviews, 0 questions (...)"."""
        text = (
            f"imported {self.products_new:,} new products ({self.families_new:,} new families), "
            f"{self.reviews_new:,} new reviews, "
            f"{self.questions_new:,} new questions, {self.answers_new:,} new answers "
            f"(read {sum(f.rows for f in self.files):,} rows from {len(self.files)} file(s))"
        )
        if self.errors:
            text += f"; skipped {len({(e.file, e.line) for e in self.errors}):,} invalid rows"
            if self.rejects_path is not None:
                text += f", written to {self.rejects_path}"
        return text


class ImportRejected(Exception):
    """The input had bad rows and --skip-invalid was not given: nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        rows = len({(e.file, e.line) for e in errors})
        super().__init__(
            f"import rejected, nothing was written: {rows} invalid row(s) "
            f"(fix them, or use --skip-invalid to import the rest)"
        )
