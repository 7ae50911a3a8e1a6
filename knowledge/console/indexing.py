"""Keeping the embedded search index current after console changes, as the CLI does.

`moderation approve` and `import` in the CLI bring an already built index up to date at once;
the console does the same in one background thread (an index open diffs it against the store
and embeds only what is new), so an approved review becomes searchable without the request
waiting for the embedding model. Changes made while a refresh runs are picked up by one more
refresh right after it. Nothing happens when no index was built yet (the first search builds it).
"""

from __future__ import annotations

import logging
import threading

from knowledge.config import KnowledgeConfig
from knowledge.store.base import Store

log = logging.getLogger(__name__)


class IndexRefresher:
    def __init__(self, store: Store, config: KnowledgeConfig) -> None:
        self._store = store
        self._config = config
        self._lock = threading.Lock()
        self._running = False
        self._again = False

    def needed(self) -> bool:
        from knowledge.index.batches import index_dir

        return self._config.index == "embedded" and (index_dir(self._config.data_dir) / "manifest.json").is_file()

    def request(self) -> None:
        """Refresh soon (at once, or right after the refresh that is running)."""
        if not self.needed():
            return
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        threading.Thread(target=self._run, name="console-index-refresh", daemon=True).start()

    def _run(self) -> None:
        from knowledge.index import open_index

        while True:
            try:
                passages = open_index(self._store, self._config, progress=False).passage_count()
                log.info("search index brought up to date: %d passages", passages)
            except Exception:  # a failed refresh must not kill the console; the next search retries
                log.exception("search index refresh failed")
            with self._lock:
                if not self._again:
                    self._running = False
                    return
                self._again = False
