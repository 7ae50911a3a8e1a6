"""Who may be notified: the notifications permission and event subscriptions each user
granted, as Alexa reports them (SkillPermissionAccepted / Changed and
ProactiveSubscriptionChanged), kept in the store's meta table under the hashed user id.

The raw Alexa user id is kept here only while the user allows notifications, because a
unicast event must name it; it is deleted when they withdraw the permission or disable
the skill.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from knowledge.outbox import PERMISSION_KEY
from knowledge.store.base import Store

NOTIFICATIONS_SCOPE = "alexa::devices:all:notifications:write"
_KEY = PERMISSION_KEY  # owned by knowledge.outbox, so erasing a user forgets it too


@dataclass(frozen=True)
class Permission:
    """What one user allows. `subscribed` lists the event names they subscribed to."""

    alexa_user_id: str = ""
    granted: bool = False
    subscribed: tuple[str, ...] = ()
    updated: str = ""

    def allows(self, event_name: str) -> bool:
        return bool(self.alexa_user_id) and (self.granted or event_name in self.subscribed)


class Permissions:
    """Read and write users' notification permissions."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, user_hash: str) -> Permission:
        text = self._store.get_meta(_KEY + user_hash) if user_hash else None
        if not text:
            return Permission()
        data = json.loads(text)
        return Permission(
            alexa_user_id=str(data.get("alexa_user_id", "")),
            granted=bool(data.get("granted", False)),
            subscribed=tuple(data.get("subscribed", ())),
            updated=str(data.get("updated", "")),
        )

    def put(self, user_hash: str, permission: Permission) -> None:
        if not permission.granted and not permission.subscribed:
            permission = Permission(updated=permission.updated)  # nothing allowed: forget the id
        self._store.set_meta(_KEY + user_hash, json.dumps(asdict(permission), sort_keys=True))

    def forget(self, user_hash: str, when: str) -> None:
        self.put(user_hash, Permission(updated=when))
