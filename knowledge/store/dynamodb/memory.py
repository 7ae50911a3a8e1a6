"""Per-user memory (`USER#<id>` / `MEMORY`), request claims (`REQ#<request id>` /
`CLAIM#<purpose>`, expiring through TTL) and metadata values (`META#<key>` / `META`).

Memory is written over the version read; when two turns of one user race (two devices), the
lists and the extra values of both are kept. A claim is written only together with the record
it protects (see `writes`)."""

from __future__ import annotations

import time
from typing import Any

from knowledge.model import UserMemory
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import MAX_ITEM_BYTES, Item, item_bytes, now_iso
from knowledge.store.dynamodb.schema import REQUEST_CLAIM_TTL_S
from knowledge.store.dynamodb.writes import AtomicWrites


class MemoryPart(AtomicWrites):
    """What the skill remembers per user, idempotency claims and metadata."""

    def get_memory(self, user_id: str) -> UserMemory | None:
        item = self._get(f"USER#{user_id}", "MEMORY")
        return read_memory(self._remember(item)) if item else None

    def put_memory(self, memory: UserMemory) -> None:
        item = memory_item(memory)
        if item_bytes(item) > MAX_ITEM_BYTES:
            raise StoreError(f"memory of user {memory.user_id}: larger than DynamoDB's 400 KB item limit")
        self._put_versioned(
            item, lambda i: memory_item(read_memory(i)), f"memory of user {memory.user_id}", merge=merge_memory
        )

    def delete_memory(self, user_id: str) -> bool:
        return self._delete(f"USER#{user_id}", "MEMORY")

    def claim_request(self, request_id: str, purpose: str) -> bool:
        if not request_id:
            raise StoreError("claim_request: field 'request_id' is empty")
        return self._hold_claim(
            {
                "PK": f"REQ#{request_id}",
                "SK": f"CLAIM#{purpose}",
                "type": "claim",
                "claimed_at": now_iso(),
                "expires_at": int(time.time()) + REQUEST_CLAIM_TTL_S,
            }
        )

    def get_meta(self, key: str) -> str | None:
        item = self._get(f"META#{key}", "META")
        return str(item["value"]) if item else None

    def set_meta(self, key: str, value: str) -> None:
        self._put({"PK": f"META#{key}", "SK": "META", "type": "meta", "value": value})


def memory_item(memory: UserMemory) -> Item:
    """The item of a user's memory."""
    return {
        "PK": f"USER#{memory.user_id}",
        "SK": "MEMORY",
        "type": "memory",
        "user_id": memory.user_id,
        "products_discussed": list(memory.products_discussed),
        "interests": list(memory.interests),
        "opinions": [list(o) for o in memory.opinions],
        "extra": dict(memory.extra),
    }


def read_memory(item: Item) -> UserMemory:
    """The memory an item holds (the user id from its key: old items lack the attribute)."""
    return UserMemory(
        user_id=str(item["PK"]).removeprefix("USER#"),
        products_discussed=tuple(item.get("products_discussed", [])),
        interests=tuple(item.get("interests", [])),
        opinions=tuple((str(t), str(s)) for t, s in item.get("opinions", [])),
        extra={str(k): str(v) for k, v in item.get("extra", {}).items()},
    )


def merge_memory(attribute: str, before: Any, mine: Any, theirs: Any) -> Any:
    """Both turns changed one memory field: keep both sides' entries (theirs first)."""
    if isinstance(theirs, list) and isinstance(mine, list):
        return [*theirs, *(x for x in mine if x not in theirs)]
    if isinstance(theirs, dict) and isinstance(mine, dict):
        before = before if isinstance(before, dict) else {}
        return {**theirs, **{k: v for k, v in mine.items() if before.get(k) != v}}
    return mine
