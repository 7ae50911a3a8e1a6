"""Open the index persisted beside a store, building or refreshing it as needed.

Staleness is decided by content, not by timestamps: every published review and answered
question has a source key (a question's key covers its published answers), and the index
knows the keys it holds. Opening compares the two sets, embeds only what is missing, drops
what the store no longer publishes, and builds from scratch when nothing usable is on disk.
The comparison reads ids from the store once; it embeds nothing when the index is current.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from knowledge.config import KnowledgeConfig
from knowledge.index.backend import SearchBackend
from knowledge.index.passages import Passage, question_key, question_passages, review_key, review_passages
from knowledge.index.persist import IndexJournal
from knowledge.index.batches import index_dir
from knowledge.index.search_index import SearchIndex
from knowledge.model import Question, Review
from knowledge.store.base import Store

COMPACT_DEAD_FRACTION = 0.25


def open_embedded_index(store: Store, config: KnowledgeConfig, progress: bool = True) -> SearchIndex:
    """The in-process index of `store`, loaded from `config.data_dir/index` and made current."""
    journal = IndexJournal(index_dir(config.data_dir))
    index = SearchIndex(
        journal=journal,
        rebuild_source=lambda: (store.iter_reviews(), store.iter_questions()),
    )
    if not journal.load_into(index):
        _say(progress, f"building the search index in {journal.directory}")
        index.rebuild(progress=progress)
        return index
    sync_with_store(index, store.iter_reviews(), store.iter_questions(), progress)
    return index


def sync_with_store(
    index: SearchBackend,
    reviews: Iterable[Review],
    questions: Iterable[Question],
    progress: bool = True,
) -> tuple[int, int]:
    """Add what the store publishes and the index lacks, drop the rest; (added, removed)."""
    indexed = index.source_keys()
    wanted: set[str] = set()
    missing: list[Passage] = []
    for review in reviews:
        key = review_key(review.id)
        passages = review_passages(review)
        if not passages:
            continue
        wanted.add(key)
        if key not in indexed:
            missing.extend(passages)
    for question in questions:
        passages = question_passages(question)
        if not passages:
            continue
        key = question_key(question)
        wanted.add(key)
        if key not in indexed:
            missing.extend(passages)
    stale = indexed - wanted
    if not missing and not stale:
        return 0, 0
    _say(
        progress,
        f"search index is stale: {len({p.source_key for p in missing})} sources to add, "
        f"{len(stale)} to drop",
    )
    removed = sum(index.remove_key(key) for key in stale)
    added = index.add_passages(missing, progress=progress)
    if index.dead_rows > COMPACT_DEAD_FRACTION * max(1, index.row_count):
        index.compact()
    return added, removed


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)
