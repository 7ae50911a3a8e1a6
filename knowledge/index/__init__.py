"""Hybrid retrieval over reviews and community Q&A (dense MiniLM + BM25, fused).

`open_index(store, config)` is the entry point: it loads the index persisted beside the
store, brings it up to date with the store (building it when missing) and returns a
`SearchIndex`. Importing this package is cheap; the model loads on first use.
"""

from __future__ import annotations

from knowledge.index.hit import SearchHit
from knowledge.index.opening import open_index
from knowledge.index.search_index import SearchIndex

__all__ = ["SearchHit", "SearchIndex", "open_index"]
