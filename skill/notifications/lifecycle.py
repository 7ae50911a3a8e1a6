"""Skill lifecycle bookkeeping: permissions granted or withdrawn, and the erasure of a user
who disabled the skill, after a grace period in which enabling it again keeps their data.

The schedule lives in the store's meta table: `purge.user.<hash>` holds the due time (or
nothing once cancelled or done) and `purge.pending` lists the hashes with a scheduled purge.
Running the purge twice erases nothing twice (erase_user is idempotent, and done entries
leave the list).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from knowledge.privacy import erase_user
from knowledge.store.base import Store
from skill.notifications.events import MESSAGE_ALERT
from skill.notifications.permissions import NOTIFICATIONS_SCOPE, Permission, Permissions

log = logging.getLogger(__name__)
_PENDING = "purge.pending"
_USER = "purge.user."


@dataclass(frozen=True)
class PurgeCounts:
    erased: int = 0
    waiting: int = 0


class Lifecycle:
    """What each AlexaSkillEvent does to the stored data."""

    def __init__(self, store: Store, grace: dt.timedelta, on_erased: Callable[[object], None] | None = None) -> None:
        self._store = store
        self._grace = grace
        self._permissions = Permissions(store)
        self._on_erased = on_erased

    # --- permissions -------------------------------------------------------------------
    def permission_changed(self, user_hash: str, alexa_user_id: str, scopes: Iterable[str], when: dt.datetime) -> Permission:
        """SkillPermissionAccepted / SkillPermissionChanged: the scopes now accepted."""
        old = self._permissions.get(user_hash)
        granted = NOTIFICATIONS_SCOPE in set(scopes)
        permission = Permission(alexa_user_id, granted, old.subscribed, when.isoformat(timespec="seconds"))
        self._permissions.put(user_hash, permission)
        return self._permissions.get(user_hash)

    def subscriptions_changed(self, user_hash: str, alexa_user_id: str, events: Iterable[str], when: dt.datetime) -> Permission:
        """ProactiveSubscriptionChanged: the event names the user is now subscribed to."""
        old = self._permissions.get(user_hash)
        subscribed = tuple(sorted({e for e in events if e == MESSAGE_ALERT}))
        permission = Permission(alexa_user_id, old.granted, subscribed, when.isoformat(timespec="seconds"))
        self._permissions.put(user_hash, permission)
        return self._permissions.get(user_hash)

    # --- enable / disable ----------------------------------------------------------------
    def disabled(self, user_hash: str, when: dt.datetime) -> dt.datetime:
        """SkillDisabled: stop notifying at once, erase after the grace period. Returns the due time."""
        self._permissions.forget(user_hash, when.isoformat(timespec="seconds"))
        due = when + self._grace
        self._store.set_meta(_USER + user_hash, due.isoformat(timespec="seconds"))
        pending = self._pending()
        if user_hash not in pending:
            self._store.set_meta(_PENDING, json.dumps([*pending, user_hash]))
        return due

    def enabled(self, user_hash: str) -> bool:
        """SkillEnabled: cancel a scheduled purge (True when there was one)."""
        had = bool(self._store.get_meta(_USER + user_hash))
        self._store.set_meta(_USER + user_hash, "")
        return had

    def due_time(self, user_hash: str) -> dt.datetime | None:
        text = self._store.get_meta(_USER + user_hash)
        return dt.datetime.fromisoformat(text) if text else None

    def purge_due(self, now: dt.datetime) -> PurgeCounts:
        """Erase every user whose grace period is over; the rest wait for a later run."""
        erased, keep, seen = 0, [], self._pending()
        for user_hash in seen:
            due = self.due_time(user_hash)
            if due is None:
                continue  # re-enabled in time, or already purged
            if due > now:
                keep.append(user_hash)
                continue
            user = self._store.user_by_alexa_hash(user_hash)
            if user is not None:
                erasure = erase_user(self._store, user.id)
                if self._on_erased is not None:
                    self._on_erased(erasure)
                erased += 1
            self._store.set_meta(_USER + user_hash, "")
        # a SkillDisabled that arrived during this run stays scheduled
        keep += [h for h in self._pending() if h not in seen and h not in keep]
        self._store.set_meta(_PENDING, json.dumps(keep))
        return PurgeCounts(erased, len(keep))

    def _pending(self) -> list[str]:
        text = self._store.get_meta(_PENDING)
        return [str(h) for h in json.loads(text)] if text else []
