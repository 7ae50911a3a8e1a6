"""Per-user rate limits for user content, counted from what the store already holds.

A limit is "at most `limit` events in `window`". Counting stored records (rather than keeping
counters in memory) keeps the limit correct across Lambda instances and restarts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from knowledge.store.base import Store


@dataclass(frozen=True)
class RateDecision:
    """Whether one more event is allowed now; `retry_after` says when it will be if not."""

    allowed: bool
    recent: int
    limit: int
    retry_after: timedelta = timedelta(0)


def _parse_when(value: str | datetime | date) -> datetime | None:
    """A timezone-aware datetime from an ISO timestamp or date (dates count as midnight UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RateLimiter:
    """At most `limit` events per `window`; events are timestamps of stored records."""

    limit: int
    window: timedelta

    def check(self, events: Iterable[str | datetime | date], now: datetime) -> RateDecision:
        """Decide whether one more event at `now` stays within the limit."""
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
        start = now - self.window
        recent = sorted(
            when for when in (_parse_when(e) for e in events) if when is not None and start < when <= now
        )
        if len(recent) < self.limit:
            return RateDecision(True, len(recent), self.limit)
        oldest_counted = recent[len(recent) - self.limit]
        return RateDecision(False, len(recent), self.limit, oldest_counted + self.window - now)


# Reviews carry only a date, so their window is counted in whole days.
REVIEW_LIMIT = RateLimiter(limit=5, window=timedelta(days=1))
MESSAGE_LIMIT = RateLimiter(limit=30, window=timedelta(hours=1))


def reviews_allowed(
    store: Store, user_id: str, now: datetime, limiter: RateLimiter = REVIEW_LIMIT
) -> RateDecision:
    """May `user_id` leave another review now? Counts their stored reviews (any status)."""
    return limiter.check((r.date for r in store.reviews_by_user(user_id)), now)


def messages_allowed(
    store: Store,
    sender_id: str,
    recipient_ids: Iterable[str],
    now: datetime,
    limiter: RateLimiter = MESSAGE_LIMIT,
) -> RateDecision:
    """May `sender_id` send another message now? Counts what they sent to these recipients."""
    sent = (
        m.created_at
        for other in recipient_ids
        for m in store.messages_between(sender_id, other)
        if m.sender_id == sender_id
    )
    return limiter.check(sent, now)
