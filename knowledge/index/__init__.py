"""Hybrid retrieval over reviews and community Q&A (dense MiniLM + BM25, fused).

`open_index(store, config)` is the entry point: it returns the backend `config.index` names
(knowledge.index.backend): the in-process `SearchIndex` persisted beside the store (brought
up to date with it, built when missing), or the shared PostgreSQL index. Importing this
package is cheap; the model loads on first use.
"""

from __future__ import annotations

from knowledge.index.hit import SearchHit
from knowledge.index.backend import SearchBackend, open_index
from knowledge.index.search_index import SearchIndex

__all__ = ["SearchBackend", "SearchHit", "SearchIndex", "open_index"]
