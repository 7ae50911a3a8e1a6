"""The one composition root: builds every collaborator from a SkillConfig.

Lambda, the Flask web service and the local simulator all call `build_skill(config)`.
Heavy parts (the search index with its embedding model, the generator) are built lazily on
first use and then kept for the life of the process, so importing this module and building
the skill is cheap and a warm process never loads a model twice.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from skill.config import SkillConfig

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

    from knowledge.store.base import Store

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The collaborators handlers use, built once per process from one config.

    Attributes other than `config` and `store` are created on first access, so a request
    that only needs the store (launch, help, messaging) never pays for model loading.
    """

    config: SkillConfig
    store: Store
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _locks_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _once(self, name: str, build: Any) -> Any:
        """Build `name` once per process; concurrent callers (a request and the background
        warm-up) wait for the same build instead of building twice."""
        if name in self._cache:
            return self._cache[name]
        with self._locks_guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._cache:
                self._cache[name] = build()
        return self._cache[name]

    def warm_up(self) -> threading.Thread:
        """Load the heavy parts in a background thread (the index with its embedding model,
        by running one throw-away search; the generator's weights; the dialogue manager), so
        the launch is answered at once and the first product question finds them loaded or
        loading instead of starting cold. A part that fails is logged and retried on use."""
        steps: tuple[tuple[str, Callable[[], object]], ...] = (
            ("search index", lambda: self.index.search("is it any good", k=1)),
            ("generator", lambda: self.generator.warm_up()),
            ("dialogue manager", lambda: self.dialogue),
        )

        def build_all() -> None:
            for name, step in steps:
                try:
                    step()
                except Exception:
                    log.warning("warm-up of the %s failed; it is retried on first use", name, exc_info=True)

        thread = threading.Thread(target=build_all, name="shoptalk-warm-up", daemon=True)
        thread.start()
        return thread

    @property
    def index(self) -> Any:
        """The hybrid search index over published reviews and Q&A (knowledge.index)."""
        from knowledge.index import open_index

        return self._once("index", lambda: open_index(self.store, self.config.knowledge))

    @property
    def generator(self) -> Any:
        """The configured text generator (dialogue.generation), behind its time budget."""
        from dialogue.generation import build_generator

        return self._once("generator", lambda: build_generator(self.config.dialogue))

    @property
    def dialogue(self) -> Any:
        """The dialogue manager: product answers, review summaries, chat (dialogue.manager)."""
        from dialogue.manager import DialogueManager

        return self._once(
            "dialogue",
            lambda: DialogueManager(
                store=self.store,
                index=lambda: self.index,
                generator=lambda: self.generator,
                config=self.config.dialogue,
            ),
        )

    @property
    def social(self) -> Any:
        """Voice reviews, friends, messages, community Q&A and polls (dialogue.social)."""
        from dialogue.social import SocialService

        return self._once(
            "social", lambda: SocialService(store=self.store, index=lambda: self.index)
        )

    @property
    def notifier(self) -> Any:
        """Sends the outbox's notifications after the turn (skill.notifications)."""
        from skill.notifications.notifier import Notifier

        return self._once("notifier", lambda: Notifier(self.store, self.config.notifications))

    @property
    def lifecycle(self) -> Any:
        """Permissions and the purge schedule behind the AlexaSkillEvent requests."""
        import datetime as dt

        from skill.notifications.lifecycle import Lifecycle

        def after_erasure(erasure: Any) -> None:
            # An embedded index not loaded yet drops the rest when it opens; the shared
            # PostgreSQL index is never re-synced on open, so it is updated now in any case.
            if "index" in self._cache or self.config.knowledge.index == "postgres":
                from dialogue.social.privacy import update_index

                update_index(self.index, self.store, erasure)

        grace = dt.timedelta(hours=self.config.notifications.purge_grace_hours)
        return self._once("lifecycle", lambda: Lifecycle(self.store, grace, on_erased=after_erasure))


def build_services(config: SkillConfig) -> Services:
    """Open the store (seeding the demo catalog on first run) and wrap it in Services."""
    from knowledge.store import open_store

    return Services(config=config, store=open_store(config.knowledge))


@functools.cache
def services_for(config: SkillConfig) -> Services:
    """The one Services of this process for `config` (what `build_skill(config)` uses)."""
    return build_services(config)


@functools.cache
def _cached_skill(config: SkillConfig) -> CustomSkill:
    from skill.builder import create_skill

    return create_skill(services_for(config))


def build_skill(config: SkillConfig, services: Services | None = None) -> CustomSkill:
    """The ask-sdk CustomSkill for `config`; one per config and process unless `services` given."""
    if services is not None:
        from skill.builder import create_skill

        return create_skill(services)
    return _cached_skill(config)
