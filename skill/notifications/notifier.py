"""Turns outbox events into MessageAlert notifications and sends them, after the turn.

`drain()` walks the due outbox events: resolves each to its recipient (the message's
recipient, or the asker of the answered question), skips users who did not allow
notifications, and sends the alert with the event's stable id as referenceId, so a retry
(in this drain or a later one) can never notify twice. `drain_soon()` runs a drain in a
background thread, at most one at a time, so the turn that caused the event never waits.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from knowledge.model import ReviewStatus
from knowledge.outbox import ANSWER_PUBLISHED, FAILED, MESSAGE_DELIVERED, SENT, SKIPPED, Outbox, OutboxEvent
from knowledge.store.base import Store
from skill.notifications.api import ProactiveEventsClient
from skill.notifications.config import NotificationsConfig
from skill.notifications.events import MESSAGE_ALERT, message_alert
from skill.notifications.lwa import TokenSource
from skill.notifications.permissions import Permissions

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
_LEASE = dt.timedelta(minutes=2)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Alert:
    """Who gets told, by whom, and how many unread items are waiting."""

    user_hash: str
    creator: str
    count: int


@dataclass(frozen=True)
class DrainCounts:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0


class Notifier:
    """Delivers the outbox's notifications through the Proactive Events API."""

    def __init__(
        self,
        store: Store,
        config: NotificationsConfig,
        client: ProactiveEventsClient | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._config = config
        self._outbox = Outbox(store)
        self._permissions = Permissions(store)
        self._clock = clock
        self._client = client or ProactiveEventsClient(
            config.events_url,
            TokenSource(config.token_url, config.client_id, config.client_secret, config.timeout_s),
            max_attempts=config.max_attempts, backoff_s=config.backoff_s, timeout_s=config.timeout_s,
        )
        self._running = threading.Lock()

    def alert_for(self, event: OutboxEvent) -> Alert | str:
        """The alert an event calls for, or why there is none."""
        if event.kind == MESSAGE_DELIVERED:
            message = self._store.get_message(event.subject)
            if message is None or message.read or message.deleted_by_recipient:
                return "message gone or already read"
            recipient, sender = self._store.get_user(message.recipient_id), self._store.get_user(message.sender_id)
            if recipient is None:
                return "recipient gone"
            count = len(self._store.messages_to(recipient.id, unread_only=True))
            return Alert(recipient.alexa_user_hash, sender.handle if sender else "a friend", count)
        if event.kind == ANSWER_PUBLISHED:
            answer = self._store.get_answer(event.subject)
            if answer is None or answer.status is not ReviewStatus.PUBLISHED:
                return "answer not published"
            question = self._store.get_question(answer.question_id)
            asker = self._store.get_user(question.user_id) if question and question.user_id else None
            if asker is None or asker.id == answer.user_id:
                return "no asker to tell"
            return Alert(asker.alexa_user_hash, answer.author or "a shopper", 1)
        return f"unknown event kind {event.kind}"

    def drain(self) -> DrainCounts:
        """Send every due outbox event once (with the client's retries); see the module docstring."""
        sent = skipped = failed = deferred = 0
        if not self._config.enabled:
            return DrainCounts()
        for event in list(self._outbox.due(self._clock())):
            alert = self.alert_for(event)
            permission = self._permissions.get(alert.user_hash) if isinstance(alert, Alert) else None
            if not isinstance(alert, Alert) or permission is None or not permission.allows(MESSAGE_ALERT):
                self._outbox.finish(event, SKIPPED, alert if isinstance(alert, str) else "no permission")
                skipped += 1
                continue
            now = self._clock()
            # lease the event so a concurrent drain (another container, the schedule) skips
            # it while this one sends; the stable referenceId covers what the lease cannot
            self._outbox.update(replace(event, next_attempt=(now + _LEASE).isoformat(timespec="seconds")))
            body = message_alert(event.id, permission.alexa_user_id, alert.creator, alert.count,
                                 now, self._config.expiry_hours)
            result = self._client.send(body)
            attempts = event.attempts + 1
            if result.ok:
                self._outbox.finish(replace(event, attempts=attempts), SENT)
                sent += 1
            elif not result.retryable or attempts >= self._config.max_sends:
                self._outbox.finish(replace(event, attempts=attempts), FAILED, f"{result.status} {result.detail}"[:300])
                failed += 1
            else:
                wait = dt.timedelta(seconds=self._config.retry_after_s * 2 ** (attempts - 1))
                self._outbox.update(replace(event, attempts=attempts,
                                            next_attempt=(now + wait).isoformat(timespec="seconds")))
                deferred += 1
        return DrainCounts(sent, skipped, failed, deferred)

    def drain_soon(self) -> threading.Thread | None:
        """Drain in a background thread unless one is already running (then None)."""
        if not self._config.enabled or not self._running.acquire(blocking=False):
            return None

        def run() -> None:
            try:
                self.drain()
            except Exception:
                log.exception("notification drain failed; the events stay in the outbox")
            finally:
                self._running.release()

        thread = threading.Thread(target=run, name="shoptalk-notify", daemon=True)
        thread.start()
        return thread
