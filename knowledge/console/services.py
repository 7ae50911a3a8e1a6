"""What the console's views work with, built once by `create_app` and kept on the Flask app
(never in module globals): the store, the configurations and the running import jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

from knowledge.config import KnowledgeConfig
from knowledge.store.base import Store

if TYPE_CHECKING:
    from knowledge.console.config import ConsoleConfig
    from knowledge.console.figures import Figures
    from knowledge.console.imports import ImportJobs
    from knowledge.console.indexing import IndexRefresher

EXTENSION_KEY = "shoptalk_console"


@dataclass
class ConsoleServices:
    store: Store
    knowledge: KnowledgeConfig
    console: ConsoleConfig
    jobs: ImportJobs = field(init=False)
    figures: Figures = field(init=False)
    index: IndexRefresher = field(init=False)

    def __post_init__(self) -> None:
        from knowledge.console.figures import Figures
        from knowledge.console.imports import ImportJobs
        from knowledge.console.indexing import IndexRefresher

        self.index = IndexRefresher(self.store, self.knowledge)
        self.jobs = ImportJobs(self.store, self.knowledge.data_dir / "console-uploads", self.index.request)
        self.figures = Figures(self.store)

    def changed(self) -> None:
        """Content changed: figures are stale and the search index catches up."""
        self.figures.invalidate()
        self.index.request()


def services() -> ConsoleServices:
    """The services of the app handling the current request."""
    found: ConsoleServices = current_app.extensions[EXTENSION_KEY]
    return found
