"""Content-team reports over the store; today: products whose recent reviews turn negative.

The rule compares each product with its own history, so a product that was always rated 3
stars is not flagged, while a 4.7-star product now collecting 1-star reviews is, together with
the reviews behind the signal.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.model import Review, ReviewStatus
from knowledge.store.base import Store


@dataclass(frozen=True)
class NegativeTrendRule:
    """A product turns negative when, over its published, dated reviews:

    - the recent window (the last `window_days` days up to the as-of date) holds at least
      `min_recent` reviews and the time before it at least `min_history`;
    - the recent mean rating is at least `min_drop` stars below the historical mean;
    - the drop is unlikely to be noise: Welch's t statistic (variances floored at
      `variance_floor`) is at least `min_t`;
    - and the recent mean is itself poor: at most `max_recent_mean` stars.
    Evidence: the recent reviews rated `evidence_max_rating` stars or fewer, newest first.
    """

    window_days: int = 90
    min_recent: int = 3
    min_history: int = 5
    min_drop: float = 1.0
    min_t: float = 2.0
    max_recent_mean: float = 3.5
    variance_floor: float = 0.25
    evidence_max_rating: int = 2


@dataclass(frozen=True)
class EvidenceReview:
    """A recent low-rated review behind a negative signal."""

    id: str
    date: str
    rating: int
    title: str
    text: str


@dataclass(frozen=True)
class NegativeTrend:
    """One product turning negative, with the numbers and reviews behind the signal."""

    product_id: str
    product_name: str
    history_mean: float
    history_count: int
    recent_mean: float
    recent_count: int
    drop: float
    t_score: float
    evidence: tuple[EvidenceReview, ...]


@dataclass(frozen=True)
class NegativeReport:
    """The products flagged (largest drop first) and the window they were judged on."""

    as_of: str
    window_start: str
    trends: tuple[NegativeTrend, ...]


def _mean_var(ratings: list[int]) -> tuple[float, float]:
    mean = sum(ratings) / len(ratings)
    var = sum((r - mean) ** 2 for r in ratings) / (len(ratings) - 1) if len(ratings) > 1 else 0.0
    return mean, var


def judge(
    history: list[int], recent: list[int], rule: NegativeTrendRule
) -> tuple[bool, float, float]:
    """(flagged, drop, t score) of one product's historical and recent ratings."""
    if len(recent) < rule.min_recent or len(history) < rule.min_history:
        return False, 0.0, 0.0
    h_mean, h_var = _mean_var(history)
    r_mean, r_var = _mean_var(recent)
    drop = h_mean - r_mean
    spread = math.sqrt(max(h_var, rule.variance_floor) / len(history)
                       + max(r_var, rule.variance_floor) / len(recent))
    t = drop / spread
    flagged = drop >= rule.min_drop and t >= rule.min_t and r_mean <= rule.max_recent_mean
    return flagged, drop, t


def negative_trends(
    store: Store, rule: NegativeTrendRule = NegativeTrendRule(), as_of: date | None = None
) -> NegativeReport:
    """Apply `rule` to every product; `as_of` defaults to the newest review date in the store
    (so a historical dataset is judged on its own last months, not on today's date)."""
    by_product: dict[str, list[Review]] = defaultdict(list)
    newest = ""
    for review in store.iter_reviews(ReviewStatus.PUBLISHED):
        if len(review.date) >= 10:
            by_product[review.product_id].append(review)
            newest = max(newest, review.date[:10])
    if as_of is None:
        if not newest:
            return NegativeReport("", "", ())
        as_of = date.fromisoformat(newest)
    start = as_of - timedelta(days=rule.window_days)
    start_text, end_text = start.isoformat(), as_of.isoformat()
    trends: list[NegativeTrend] = []
    for product_id, reviews in by_product.items():
        recent = [r for r in reviews if start_text < r.date[:10] <= end_text]
        history = [r for r in reviews if r.date[:10] <= start_text]
        flagged, drop, t = judge([r.rating for r in history], [r.rating for r in recent], rule)
        if not flagged:
            continue
        product = store.get_product(product_id)
        evidence = sorted((r for r in recent if r.rating <= rule.evidence_max_rating),
                          key=lambda r: (r.date, r.id), reverse=True)
        trends.append(NegativeTrend(
            product_id=product_id,
            product_name=product.name if product else product_id,
            history_mean=round(sum(r.rating for r in history) / len(history), 3),
            history_count=len(history),
            recent_mean=round(sum(r.rating for r in recent) / len(recent), 3),
            recent_count=len(recent),
            drop=round(drop, 3),
            t_score=round(t, 2),
            evidence=tuple(EvidenceReview(r.id, r.date, r.rating, r.title, r.text)
                           for r in evidence),
        ))
    trends.sort(key=lambda t: (-t.drop, t.product_id))
    return NegativeReport(end_text, (start + timedelta(days=1)).isoformat(), tuple(trends))
