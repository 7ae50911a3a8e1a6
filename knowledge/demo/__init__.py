"""The bundled demo catalog (catalog.jsonl beside this file) and the loader that seeds it.

`open_store` calls `seed_demo_catalog` when a store has no products, so the first run of the
skill or the CLI has a knowledge base to talk about. The catalog is our JSONL format and goes
through the same validating, atomic importer as any other file.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.importers import ImportOptions, ImportReport, import_files
from knowledge.store.base import Store

CATALOG_PATH = Path(__file__).resolve().parent / "catalog.jsonl"


def seed_demo_catalog(store: Store, progress: bool = True, path: Path = CATALOG_PATH) -> ImportReport:
    """Import the demo catalog into `store` (idempotent; ImportRejected if it has bad rows)."""
    options = ImportOptions(format="jsonl", progress=progress, default_source="demo")
    return import_files(store, [path], options)
