"""Importers for the knowledge base: our JSONL, Datafiniti CSV, Alexa TSV, McAuley Q&A.

`import_files(store, paths, ImportOptions(...))` detects each file's format (or takes
`ImportOptions.format`), validates every row, and writes all-or-nothing; see
knowledge.importers.runner. `export_store(store, out)` writes the JSONL that re-imports to the
same state.
"""

from __future__ import annotations

from typing import IO

from knowledge.importers.detect import FORMATS, UnknownFormat, detect_format
from knowledge.importers.jsonl import iter_records, write_jsonl
from knowledge.importers.records import FileSummary, ImportRejected, ImportReport, RowError
from knowledge.importers.runner import ImportOptions, import_files
from knowledge.importers.sources import UnreadableFile
from knowledge.store.base import Store


def export_store(store: Store, out: IO[str]) -> int:
    """Write every family, product, review and question (all moderation states) as JSONL."""
    return write_jsonl(out, iter_records(store.list_products(), store.iter_reviews(None),
                                         store.iter_questions(None), store.list_families()))


__all__ = [
    "FORMATS",
    "FileSummary",
    "ImportOptions",
    "ImportRejected",
    "ImportReport",
    "RowError",
    "UnknownFormat",
    "UnreadableFile",
    "detect_format",
    "export_store",
    "import_files",
]
