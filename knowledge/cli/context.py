"""What every CLI command gets: the config, output streams, and a lazily opened store and index.

The store is opened on first use (seeding the demo catalog into an empty one, as the skill
does, except for `import`, which stores only what it imports); the search index, and with it the embedding model, only when a command asks for it,
so `stats`, `products` or `import` never load a model.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO

from knowledge.config import KnowledgeConfig

if TYPE_CHECKING:
    from knowledge.store.base import Store

EXIT_OK = 0
EXIT_BAD_DATA = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing failure: printed as one line on stderr, exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_BAD_DATA) -> None:
        super().__init__(message)
        self.code = code


class UsageError(CliError):
    """The command line itself is wrong (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


@dataclass
class CliContext:
    """Per-run state of the CLI; commands read `store` and `index` only when they need them."""

    config: KnowledgeConfig
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    show_progress: bool = True
    _store: Store | None = None
    _index: Any = None

    def without_demo_seeding(self) -> None:
        """Open the store (if not open yet) without seeding the demo catalog into it."""
        if self._store is None:
            self.config = replace(self.config, seed_demo_catalog=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            from knowledge.store import open_store

            self._store = open_store(self.config)
        return self._store

    @property
    def index(self) -> Any:
        """The search index (knowledge.index.open_index); loads the embedding model lazily."""
        if self._index is None:
            from knowledge.index import open_index

            self._index = open_index(self.store, self.config, progress=self.show_progress)
            if self.config.index == "postgres":  # the embedded index syncs itself on open
                from knowledge.index.opening import sync_with_store

                sync_with_store(self._index, self.store.iter_reviews(), self.store.iter_questions(),
                                self.show_progress)
        return self._index

    def refresh_index(self) -> int | None:
        """Bring an already built search index up to date with the store; its passage count.

        Opening the index diffs it against the store (adding only what is missing, dropping
        what is gone). Nothing happens when no index has been built yet: the first search
        builds it.
        """
        from knowledge.index.batches import index_dir

        built = self.config.index == "postgres" or (index_dir(self.config.data_dir) / "manifest.json").is_file()
        if self._index is None and not built:
            return None
        return int(self.index.passage_count())

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def warn(self, text: str) -> None:
        self.err.write(text + "\n")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
