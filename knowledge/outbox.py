"""A small outbox of domain events ("a message was delivered", "an answer was published")
kept in the store's meta table, so whoever notifies people (the skill's notifier) can do it
after the turn that caused the event, retry, and never notify twice.

Nothing here knows about Alexa or dialogue: an event names a kind and a record id. It uses
only the Store's `get_meta` / `set_meta`, so it works on every backend unchanged. Events are
filed under hourly buckets (`outbox.bucket.<hour>` lists the ids, `outbox.event.<id>` holds
the event and its delivery state); a reader looks at the last few buckets only, because a
notification that is hours old is no longer news.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

from knowledge.ids import stable_id
from knowledge.store.base import Store

MESSAGE_DELIVERED = "message_delivered"  # subject: message id
ANSWER_PUBLISHED = "answer_published"  # subject: answer id
KINDS = frozenset({MESSAGE_DELIVERED, ANSWER_PUBLISHED})

PENDING, SENT, SKIPPED, FAILED = "pending", "sent", "skipped", "failed"
_BUCKET_KEY = "outbox.bucket."
_EVENT_KEY = "outbox.event."
_APPEND_TRIES = 3
log = logging.getLogger(__name__)


def _utc(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)


def _bucket(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


@dataclass(frozen=True)
class OutboxEvent:
    """One event and how far its delivery got. `id` is stable per (kind, subject), so
    recording the same event twice (a retried request) files it once."""

    id: str
    kind: str
    subject: str
    created: str  # ISO 8601, UTC
    state: str = PENDING
    attempts: int = 0
    next_attempt: str = ""  # ISO 8601; empty means now
    detail: str = ""  # why it was skipped or failed

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> OutboxEvent:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def event_id(kind: str, subject: str) -> str:
    """The outbox id of event `kind` about record `subject`."""
    return stable_id("evt", kind, subject)


class Outbox:
    """Record events and walk the recent, still pending ones (see the module docstring)."""

    def __init__(self, store: Store, window_hours: int = 6) -> None:
        if window_hours < 1:
            raise ValueError(f"outbox window must be at least one hour, not {window_hours}")
        self._store = store
        self._window = window_hours

    def record(self, kind: str, subject: str, now: dt.datetime | None = None) -> OutboxEvent:
        """File event `kind` about `subject` (idempotent: an existing event is returned)."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox event kind {kind!r} (known: {sorted(KINDS)})")
        if not subject:
            raise ValueError("an outbox event needs a subject id")
        moment = _utc(now)
        ident = event_id(kind, subject)
        existing = self.get(ident)
        if existing is not None and existing.state != SKIPPED:
            return existing
        # new, or skipped before (e.g. an answer held for moderation, now approved): a skipped
        # event was never sent, so filing it again cannot notify anyone twice
        event = OutboxEvent(ident, kind, subject, moment.isoformat(timespec="seconds"))
        self._store.set_meta(_EVENT_KEY + ident, event.to_json())
        key = _BUCKET_KEY + _bucket(moment)
        for _ in range(_APPEND_TRIES):  # read back: a concurrent append may have overwritten ours
            ids = self._ids(key)
            if ident in ids:
                break
            self._store.set_meta(key, json.dumps([*ids, ident]))
        return event

    def get(self, ident: str) -> OutboxEvent | None:
        text = self._store.get_meta(_EVENT_KEY + ident)
        return OutboxEvent.from_json(text) if text else None

    def update(self, event: OutboxEvent) -> None:
        self._store.set_meta(_EVENT_KEY + event.id, event.to_json())

    def due(self, now: dt.datetime | None = None) -> Iterator[OutboxEvent]:
        """Pending events of the last `window_hours` whose next attempt time has come."""
        moment = _utc(now)
        seen: set[str] = set()
        for hours_ago in range(self._window, -1, -1):
            for ident in self._ids(_BUCKET_KEY + _bucket(moment - dt.timedelta(hours=hours_ago))):
                if ident in seen:
                    continue
                seen.add(ident)
                event = self.get(ident)
                if event is None or event.state != PENDING:
                    continue
                if event.next_attempt and dt.datetime.fromisoformat(event.next_attempt) > moment:
                    continue
                yield event

    def finish(self, event: OutboxEvent, state: str, detail: str = "") -> OutboxEvent:
        """Mark `event` sent, skipped or failed for good."""
        done = replace(event, state=state, detail=detail)
        self.update(done)
        return done

    def _ids(self, key: str) -> list[str]:
        text = self._store.get_meta(key)
        if not text:
            return []
        value = json.loads(text)
        return [str(v) for v in value] if isinstance(value, list) else []


PERMISSION_KEY = "notify.permission."  # + hashed user: who may be notified, and where


def forget_recipient(store: Store, alexa_user_hash: str) -> None:
    """Drop a user's stored notification permission and push address (erasure, disabling)."""
    if alexa_user_hash and store.get_meta(PERMISSION_KEY + alexa_user_hash):
        store.set_meta(PERMISSION_KEY + alexa_user_hash, "")


def record_event(store: Store, kind: str, subject: str, now: dt.datetime | None = None) -> None:
    """File an event for the notifier; an outbox failure must never fail the caller's write."""
    try:
        Outbox(store).record(kind, subject, now)
    except Exception:
        log.exception("could not record outbox event %s %s", kind, subject)
