"""The search-index interface and the factory that picks its backend from the config.

Two backends pass one contract suite (tests/knowledge/index/test_backend_contract.py):
"embedded", the in-process SearchIndex persisted beside the store (nothing to install or
start), and "postgres", PostgresIndex over PostgreSQL with pgvector, shared by every process
(SHOPTALK_INDEX=postgres, SHOPTALK_INDEX_DSN). Callers (the skill, the CLI, the dialogue)
use only the methods of `SearchBackend`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from knowledge.index.fusion import FusionParams
from knowledge.index.hit import SearchHit
from knowledge.index.passages import Passage
from knowledge.model import Question, Review

if TYPE_CHECKING:
    from knowledge.config import KnowledgeConfig
    from knowledge.store.base import Store

INDEX_BACKENDS = ("embedded", "postgres")


@runtime_checkable
class SearchBackend(Protocol):
    """Hybrid passage search with incremental, idempotent writes and removals."""

    params: FusionParams

    def search(
        self, query: str, product_id: str | None = None, k: int = 5, params: FusionParams | None = None
    ) -> list[SearchHit]: ...

    def search_vector(
        self,
        query: str,
        query_vector: np.ndarray,
        product_id: str | None = None,
        k: int = 5,
        params: FusionParams | None = None,
    ) -> list[SearchHit]: ...

    def add_review(self, review: Review) -> int: ...

    def add_question(self, question: Question) -> int: ...

    def add_passages(
        self, passages: Sequence[Passage], vectors: np.ndarray | None = None, progress: bool = False
    ) -> int: ...

    def remove_review(self, review_id: str) -> int: ...

    def remove_question(self, question_id: str) -> int: ...

    def remove_key(self, key: str) -> int: ...

    def remove_product(self, product_id: str) -> int: ...

    def passage_count(self) -> int: ...

    def source_keys(self) -> set[str]: ...

    def product_ids(self) -> list[str]: ...

    def rebuild(self, progress: bool = True) -> int: ...

    def load_passages(
        self, passages: Sequence[Passage], vectors: np.ndarray | None = None, progress: bool = True
    ) -> int: ...

    def compact(self) -> None: ...

    @property
    def dead_rows(self) -> int: ...

    @property
    def row_count(self) -> int: ...


def open_index(store: Store, config: KnowledgeConfig, progress: bool = True) -> SearchBackend:
    """The search index `config.index` names, over the content of `store`.

    "embedded": loaded from `config.data_dir/index` and made current with the store
    (built when missing). "postgres": connected (the schema migrated), nothing built: the
    database is current because every write goes to it; `python -m knowledge reindex
    --to postgres` fills it from a store.
    """
    if config.index == "embedded":
        from knowledge.index.opening import open_embedded_index

        return open_embedded_index(store, config, progress)
    if config.index == "postgres":
        from knowledge.index.postgres import open_postgres_index

        return open_postgres_index(store, config)
    raise ValueError(
        f"SHOPTALK_INDEX={config.index!r} is not a search index backend; use one of "
        + ", ".join(INDEX_BACKENDS)
    )
