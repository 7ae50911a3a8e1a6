"""Move a catalog's search index between backends without re-embedding what is embedded.

`copy_embedded_into(target, store, data_dir)` reads the in-process index persisted beside
the store (made current with the store first, which embeds only what it lacks) and bulk
loads its passages with their vectors into `target` (the PostgreSQL index), replacing what
the target held. Without a persisted index, `target.rebuild` embeds everything instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.index.backend import SearchBackend
from knowledge.index.opening import sync_with_store
from knowledge.index.passages import ROLE_QUESTION, Passage
from knowledge.index.persist import IndexJournal
from knowledge.index.batches import index_dir
from knowledge.index.search_index import SearchIndex
from knowledge.store.base import Store


def load_embedded(store: Store, data_dir: Path, progress: bool) -> SearchIndex | None:
    """The persisted in-process index, current with `store`; None when none is on disk."""
    index = SearchIndex(journal=None)
    if not IndexJournal(index_dir(data_dir)).load_into(index):
        return None
    sync_with_store(index, store.iter_reviews(), store.iter_questions(), progress)
    return index


def embedded_passages(index: SearchIndex) -> tuple[list[Passage], np.ndarray]:
    """Alive passages in row order, question targets relative to their source, fp32 vectors."""
    rows = [r for r in range(index.row_count) if index.is_alive(r)]
    first_row: dict[str, int] = {}
    passages = []
    for row in rows:
        p = index.passage_at(row)
        first_row.setdefault(p.source_key, row)
        if p.role == ROLE_QUESTION and p.target >= 0:
            p = Passage(p.role, p.text, p.product_id, p.source_id, p.source_key, p.context,
                        p.rating, p.question, p.target - first_row[p.source_key])
        passages.append(p)
    return passages, index.vectors_matrix()[rows].astype(np.float32)


def copy_embedded_into(target: SearchBackend, store: Store, data_dir: Path, progress: bool) -> int | None:
    """Replace `target`'s content by the persisted in-process index; rows, or None if absent."""
    index = load_embedded(store, data_dir, progress)
    if index is None:
        return None
    passages, vectors = embedded_passages(index)
    return target.load_passages(passages, vectors, progress=progress)
