"""Long-term memory of one user (products discussed, interests, opinions), kept in the store.

Updates are pure (`with_*` return a new UserMemory, bounded in size); `MemoryKeeper` reads
and writes through the Store and never lets a storage failure break a conversation turn.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from knowledge.model import UserMemory
from knowledge.store.base import Store, StoreError

log = logging.getLogger(__name__)

MAX_ITEMS = 20  # per list: the most recent are kept
MAX_OPINION_CHARS = 200


def _append(items: tuple, item: object) -> tuple:
    """`item` moved to the end (most recent), at most MAX_ITEMS kept."""
    return (*(x for x in items if x != item), item)[-MAX_ITEMS:]


def with_product(memory: UserMemory, product_id: str) -> UserMemory:
    """Memory that also records a discussed product."""
    return replace(memory, products_discussed=_append(memory.products_discussed, product_id))


def with_interest(memory: UserMemory, interest: str) -> UserMemory:
    """Memory that also records an interest ("books", "jazz")."""
    return replace(memory, interests=_append(memory.interests, interest.strip().lower()))


def with_opinion(memory: UserMemory, topic: str, opinion: str) -> UserMemory:
    """Memory that also records what the user said about a topic (latest per topic kept)."""
    kept = tuple(o for o in memory.opinions if o[0] != topic)
    entry = (topic, " ".join(opinion.split())[:MAX_OPINION_CHARS])
    return replace(memory, opinions=(*kept, entry)[-MAX_ITEMS:])


class MemoryKeeper:
    """Reads and writes UserMemory; anonymous turns (no user id) remember nothing."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def load(self, user_id: str | None) -> UserMemory:
        """The user's memory (empty when none is stored or the store fails)."""
        if not user_id:
            return UserMemory(user_id="")
        try:
            return self._store.get_memory(user_id) or UserMemory(user_id=user_id)
        except StoreError:
            log.warning("could not read memory of a user", exc_info=True)
            return UserMemory(user_id=user_id)

    def save(self, before: UserMemory, after: UserMemory) -> None:
        """Store `after` when it differs from `before` and belongs to a known user."""
        if not after.user_id or after == before:
            return
        try:
            self._store.put_memory(after)
        except StoreError:
            log.warning("could not store memory of a user", exc_info=True)
