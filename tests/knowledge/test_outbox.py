"""The notification outbox on every store backend (SQLite file, DynamoDB on a loopback moto
server): idempotent recording, due order and backoff, finishing, re-opening skipped events."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.outbox import ANSWER_PUBLISHED, MESSAGE_DELIVERED, PENDING, SENT, SKIPPED, Outbox, event_id
from knowledge.store.base import Store

T0 = dt.datetime(2026, 12, 5, 20, 30, tzinfo=dt.timezone.utc)


def test_recording_is_idempotent_and_due_lists_pending_events(store: Store) -> None:
    outbox = Outbox(store)
    first = outbox.record(MESSAGE_DELIVERED, "m-1", T0)
    assert outbox.record(MESSAGE_DELIVERED, "m-1", T0 + dt.timedelta(minutes=5)) == first
    outbox.record(ANSWER_PUBLISHED, "a-1", T0 + dt.timedelta(hours=1))
    due = [e.subject for e in outbox.due(T0 + dt.timedelta(hours=1, minutes=1))]
    assert due == ["m-1", "a-1"], "oldest first, each once"
    assert first.id == event_id(MESSAGE_DELIVERED, "m-1") and first.state == PENDING


def test_finished_and_deferred_events_are_not_due(store: Store) -> None:
    outbox = Outbox(store)
    sent = outbox.record(MESSAGE_DELIVERED, "m-2", T0)
    later = outbox.record(MESSAGE_DELIVERED, "m-3", T0)
    outbox.finish(sent, SENT)
    from dataclasses import replace

    outbox.update(replace(later, attempts=1, next_attempt=(T0 + dt.timedelta(minutes=10)).isoformat()))
    assert list(outbox.due(T0 + dt.timedelta(minutes=1))) == []
    assert [e.subject for e in outbox.due(T0 + dt.timedelta(minutes=11))] == ["m-3"]
    assert outbox.record(MESSAGE_DELIVERED, "m-2", T0).state == SENT, "a sent event is never filed again"


def test_skipped_events_reopen_and_old_ones_fall_out_of_the_window(store: Store) -> None:
    outbox = Outbox(store, window_hours=2)
    held = outbox.record(ANSWER_PUBLISHED, "a-2", T0)
    outbox.finish(held, SKIPPED, "answer not published")
    reopened = outbox.record(ANSWER_PUBLISHED, "a-2", T0 + dt.timedelta(minutes=30))
    assert reopened.state == PENDING
    assert [e.subject for e in outbox.due(T0 + dt.timedelta(hours=1))] == ["a-2"]
    assert list(outbox.due(T0 + dt.timedelta(hours=4))) == [], "hours-old news is not sent"
    with pytest.raises(ValueError, match="unknown outbox event kind"):
        outbox.record("party", "x", T0)
