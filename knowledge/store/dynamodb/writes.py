"""Atomic writes: a request claim travels in the same TransactWriteItems as the record it
protects, and records that change after creation carry a version their updates are
conditional on.

Claims. `claim_request` does not write: it checks (strongly consistent) that the claim is
absent and keeps it pending on the calling thread; the next protected write on that thread
(a new record, a vote, a friendship) puts the claim, conditional on its absence, in the same
transaction as the record. So a process killed between the two steps leaves nothing behind and
the retried request does the write; N processes running the same request at once store it
once (all but one transaction are cancelled by the claim's condition). A claim that no write
follows (the handler decided not to write) is never stored; the store still answers False
for it again within `PENDING_CLAIM_S`, as the Store contract asks.

Versions. Messages, memory, friendships and polls carry `ver` (a number). The store remembers
the items it read; a write is conditional on the version it saw (or on the item's absence).
A lost race is retried against the fresh item: the fields this writer changed are applied to
it, unless the other writer changed the same field differently, which raises StoreConflict.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import Item, Key, TableAccess, cancellation_reasons, client_errors, error_code, item_key
from knowledge.store.dynamodb.guard import StoreUnavailable

PENDING_CLAIM_S = 8.0  # one Alexa turn: a claim not written by then is forgotten
SEEN_ITEMS = 4096  # versions remembered per store (least recently read forgotten first)
VERSION_ATTEMPTS = 6  # each lost round lets another writer through: more than meet on one record
KEY_ATTRIBUTES = frozenset({"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "ver"})
Merge = Callable[[str, Any, Any, Any], Any]  # (attribute, seen, ours, theirs) -> merged value


class StoreConflict(StoreError):
    """Another writer changed the same field of the same record at the same time."""


class Cancelled(Exception):
    """A cancelled transaction: `reasons[i]` is DynamoDB's code for the caller's action i."""

    def __init__(self, reasons: list[str], detail: str) -> None:
        super().__init__(f"{detail} (reasons: {', '.join(reasons) or 'none given'})")
        self.reasons = reasons

    def failed(self, index: int) -> bool:
        """Whether action `index` failed its condition."""
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"


@dataclass(frozen=True)
class PendingClaim:
    """A claim checked absent and not yet written (kept per thread)."""

    key: Key
    item: Item
    since: float


class AtomicWrites(TableAccess):
    """Claims folded into the protected write, and version-conditioned puts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writes_lock = threading.Lock()
        self._claims_pending: dict[Key, float] = {}
        self._claim_of_thread = threading.local()
        self._seen: OrderedDict[Key, Item] = OrderedDict()

    # --- claims --------------------------------------------------------------------------
    def _hold_claim(self, claim: Item) -> bool:
        """True (and the claim pending on this thread) if the claim is new."""
        claim_key = item_key(claim)
        now = time.monotonic()
        with self._writes_lock:
            for stale in [k for k, t in self._claims_pending.items() if now - t > PENDING_CLAIM_S]:
                del self._claims_pending[stale]
            if claim_key in self._claims_pending:
                return False
        if self._get(*claim_key) is not None:
            return False
        with self._writes_lock:
            if claim_key in self._claims_pending:
                return False
            self._claims_pending[claim_key] = now
        self._claim_of_thread.pending = PendingClaim(claim_key, claim, now)
        return True

    def _take_claim(self) -> PendingClaim | None:
        """The claim pending on this thread (removed from it), if it is still fresh."""
        claim: PendingClaim | None = getattr(self._claim_of_thread, "pending", None)
        self._claim_of_thread.pending = None
        if claim is None or time.monotonic() - claim.since > PENDING_CLAIM_S:
            return None
        return claim

    def _release(self, claim: PendingClaim | None) -> None:
        if claim is not None:
            with self._writes_lock:
                self._claims_pending.pop(claim.key, None)

    def _transact(self, actions: list[dict[str, Any]]) -> bool:
        """Run the actions, preceded by this thread's pending claim if there is one.

        False when the claim was already stored (the same request ran elsewhere): nothing is
        written then. A transaction cancelled for another reason raises Cancelled with the
        reasons of the caller's own actions, in their order.
        """
        claim = self._take_claim()
        prefix = [] if claim is None else [
            {"Put": {"TableName": self.table_name, "Item": claim.item, "ConditionExpression": "attribute_not_exists(PK)"}}
        ]
        try:
            self._call("transact_write_items", TransactItems=[*prefix, *actions])
        except client_errors() as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            reasons = cancellation_reasons(exc)
            if prefix and reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            raise Cancelled(reasons[len(prefix):], str(exc)) from exc
        finally:
            self._release(claim)
        return True

    def _write_one(self, put: dict[str, Any], also: Sequence[dict[str, Any]] = ()) -> bool:
        """One conditional Put (PutItem parameters) and the actions `also` (counters): in a
        transaction with the pending claim if there is one or `also` is not empty, else as a
        plain PutItem (half the write cost). False if the claim was taken;
        Cancelled(["ConditionalCheckFailed", ...]) if the put's own condition failed."""
        if also or getattr(self._claim_of_thread, "pending", None) is not None:
            return self._transact([{"Put": put}, *also])
        try:
            self._call("put_item", **put)
        except client_errors() as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise Cancelled(["ConditionalCheckFailed"], str(exc)) from exc
            raise
        return True

    def _put_new(self, item: Item, also: Sequence[dict[str, Any]] = ()) -> bool:
        """Put a record that must not exist yet (with the pending claim, if any, and the
        actions `also` in the same transaction): False if it existed or the claim was taken.
        Cancelled when only one of `also` failed (the caller may retry with fresh actions)."""
        try:
            return self._write_one(
                {"TableName": self.table_name, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}, also
            )
        except Cancelled as exc:
            if exc.failed(0):
                return False
            if also and any(exc.failed(n + 1) for n in range(len(also))):
                raise
            raise StoreUnavailable(f"{item['type']} {item['id']} not stored: {exc}") from exc

    # --- versions ------------------------------------------------------------------------
    def _remember(self, item: Item) -> Item:
        """Note the version of an item just read (returns it, for use in comprehensions)."""
        with self._writes_lock:
            self._seen[item_key(item)] = item
            self._seen.move_to_end(item_key(item))
            while len(self._seen) > SEEN_ITEMS:
                self._seen.popitem(last=False)
        return item

    def _seen_item(self, item_key_: Key) -> Item | None:
        with self._writes_lock:
            return self._seen.get(item_key_)

    def _put_versioned(
        self,
        item: Item,
        rebuild: Callable[[Item], Item],
        what: str,
        must_exist: bool = False,
        merge: Merge | None = None,
    ) -> None:
        """Write `item` over the version this store last read (or, if it read none, over the
        current one), bumping `ver`; a lost race is merged and retried (see the module)."""
        k = item_key(item)
        seen = self._seen_item(k)
        if seen is None:
            seen = self._get(*k)
        ours = item
        for _ in range(VERSION_ATTEMPTS):
            if seen is None and must_exist:
                raise StoreError(f"{what}: no such record to update")
            if seen is None:
                condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
                version = 0
            else:
                version = int(seen.get("ver", 0))
                condition = (
                    {"ConditionExpression": "ver = :ver", "ExpressionAttributeValues": {":ver": version}}
                    if "ver" in seen
                    else {"ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(ver)"}
                )
            stored = {**ours, "ver": version + 1}
            try:
                done = self._write_one({"TableName": self.table_name, "Item": stored, **condition})
            except Cancelled as exc:
                if not exc.failed(0):
                    raise StoreUnavailable(f"{what} not stored: {exc}") from exc
                theirs = self._get(*k)
                if theirs is not None:
                    ours = rebuild(merged(seen or {}, ours, theirs, what, merge))
                    if _same(_content(ours), _content(theirs)):
                        self._remember(theirs)  # the other writer already stored what we meant
                        self._release(self._take_claim())
                        return
                seen = theirs
                continue
            if done:
                self._remember(stored)
            return
        raise StoreConflict(f"{what}: changed by another writer {VERSION_ATTEMPTS} times while this one wrote")


def merged(seen: Item, ours: Item, theirs: Item, what: str, merge: Merge | None) -> Item:
    """`theirs` with the attributes `ours` changed since `seen`; StoreConflict where both sides
    changed one attribute differently and `merge` cannot reconcile them."""
    result = {a: v for a, v in theirs.items() if a not in KEY_ATTRIBUTES}
    for attribute in set(ours) | set(seen):
        if attribute in KEY_ATTRIBUTES:
            continue
        mine, before, now = ours.get(attribute), seen.get(attribute), theirs.get(attribute)
        if _same(mine, before) or _same(mine, now):
            continue
        if not _same(now, before):  # both changed it
            if merge is None:
                raise StoreConflict(f"{what}: field '{attribute}' was changed by another writer at the same time")
            mine = merge(attribute, before, mine, now)
        if mine is None:
            result.pop(attribute, None)
        else:
            result[attribute] = mine
    return {**{a: v for a, v in ours.items() if a in KEY_ATTRIBUTES}, **result}


def _content(item: Item) -> Item:
    return {a: v for a, v in item.items() if a not in KEY_ATTRIBUTES}


def _same(a: Any, b: Any) -> bool:
    """Equality across DynamoDB's round trip (tuples come back as lists, ints as Decimals)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)
