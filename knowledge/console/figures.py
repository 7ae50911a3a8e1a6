"""The dashboard's figures, computed from the store and kept for a short time.

Counting the moderation queue or the unanswered questions walks whole tables (about 2 s for the
unanswered questions among 28,000 McAuley questions); a content team reloading the dashboard
does not need them fresher than `ttl_s`. A stale figure is served while one background thread
computes the new one, so only the very first computation of a process is waited for (`warm()`
starts it at start-up). Changes made through the console call `invalidate()`, which marks
every figure stale.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from knowledge.alerts.records import AlertStatus
from knowledge.model import Question, ReviewStatus
from knowledge.store.base import Store, StoreCounts

T = TypeVar("T")
TREND_FAMILIES = 5
TREND_MONTHS = 24


@dataclass(frozen=True)
class FamilyFigure:
    id: str
    name: str
    reviews: int
    average: float | None


@dataclass(frozen=True)
class Trend:
    months: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]


class Figures:
    """Cached figures over one store."""

    def __init__(self, store: Store, ttl_s: float = 30.0) -> None:
        self._store = store
        self._ttl_s = ttl_s
        self._cache: dict[str, tuple[float, object]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._cache = {name: (float("-inf"), value) for name, (_, value) in self._cache.items()}

    def warm(self) -> None:
        """Compute every figure in a background thread (so the first dashboard is fast too)."""
        def run() -> None:
            self.counts(), self.queue_length(), self.unanswered(), self.open_alerts(), self.rating_trend()
        threading.Thread(target=run, name="console-figures-warm", daemon=True).start()

    def _cached(self, name: str, compute: Callable[[], T]) -> T:
        with self._lock:
            hit = self._cache.get(name)
            stale = hit is not None and time.monotonic() - hit[0] >= self._ttl_s
            refresh = stale and name not in self._refreshing
            if refresh:
                self._refreshing.add(name)
        if hit is not None:
            if refresh:
                threading.Thread(target=self._refresh, args=(name, compute), daemon=True).start()
            return hit[1]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._cache[name] = (time.monotonic(), value)
        return value

    def _refresh(self, name: str, compute: Callable[[], T]) -> None:
        try:
            value = compute()
            with self._lock:
                self._cache[name] = (time.monotonic(), value)
        finally:
            with self._lock:
                self._refreshing.discard(name)

    def counts(self) -> StoreCounts:
        return self._cached("counts", self._store.counts)

    def queue_length(self) -> int:
        def compute() -> int:
            store = self._store
            return (self.counts().reviews_pending + sum(1 for _ in store.iter_questions(ReviewStatus.PENDING))
                    + sum(1 for _ in store.iter_answers(ReviewStatus.PENDING)))
        return self._cached("queue", compute)

    def unanswered(self) -> list[Question]:
        """Published questions without a published answer, newest first."""
        def compute() -> list[Question]:
            found = [q for q in self._store.iter_questions(ReviewStatus.PUBLISHED) if not q.answers]
            return sorted(found, key=lambda q: (q.date, q.id), reverse=True)
        return self._cached("unanswered", compute)

    def open_alerts(self) -> int:
        return self._cached("alerts", lambda: len(self._store.list_alerts(AlertStatus.OPEN)))

    def families_by_reviews(self) -> list[FamilyFigure]:
        def compute() -> list[FamilyFigure]:
            rows = []
            for family in self._store.list_families():
                stats = self._store.family_stats(family.id)
                rows.append(FamilyFigure(family.id, family.name, stats.review_count, stats.average_rating))
            return sorted(rows, key=lambda f: (-f.reviews, f.name))
        return self._cached("families", compute)

    def rating_trend(self) -> Trend:
        """Average rating per month of the most reviewed families, over their last months."""
        def compute() -> Trend:
            top = [f for f in self.families_by_reviews() if f.reviews][:TREND_FAMILIES]
            per_family: list[tuple[str, dict[str, list[int]]]] = []
            months: set[str] = set()
            for family in top:
                by_month: dict[str, list[int]] = defaultdict(list)
                for listing in self._store.listings_of(family.id):
                    for review in self._store.reviews_for(listing.id):
                        if len(review.date) >= 7:
                            by_month[review.date[:7]].append(review.rating)
                months.update(by_month)
                per_family.append((family.name, by_month))
            shown = tuple(sorted(months)[-TREND_MONTHS:])
            series = tuple(
                (name, tuple(round(sum(r) / len(r), 2) if (r := by_month.get(m)) else None for m in shown))
                for name, by_month in per_family)
            return Trend(shown, series)
        return self._cached("trend", compute)
