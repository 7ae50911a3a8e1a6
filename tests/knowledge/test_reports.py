"""The negative-trend rule: a product souring against its own history, with the evidence."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.model import Product, Review, ReviewStatus
from knowledge.reports import NegativeTrendRule, judge, negative_trends
from knowledge.store.sqlite import SQLiteStore

RULE = NegativeTrendRule()


@pytest.mark.parametrize(
    ("history", "recent", "flagged"),
    [
        ([5, 5, 4, 5, 5, 4, 5], [1, 2, 1], True),  # clear turn
        ([4, 5, 4, 5, 4, 5, 4, 5], [2, 3, 2, 1, 3], True),
        ([3, 3, 3, 3, 3, 3], [3, 3, 3], False),  # always mediocre: no turn
        ([2, 1, 2, 1, 2, 1], [1, 1, 1], False),  # always bad: no turn
        ([5, 5, 5, 5, 5, 5], [4, 4, 4], False),  # a dip, but still good
        ([5, 5, 5, 5, 5], [1, 1], False),  # too few recent reviews
        ([5, 5, 5, 5], [1, 1, 1], False),  # too little history
        ([5, 1, 5, 1, 5, 1, 5, 1], [1, 5, 1], False),  # noisy: the drop is not significant
    ],
)
def test_judge(history: list[int], recent: list[int], flagged: bool) -> None:
    assert judge(history, recent, RULE)[0] is flagged


def _review(rid: str, product: str, rating: int, day: str, status: ReviewStatus = ReviewStatus.PUBLISHED) -> Review:
    return Review(rid, product, rating, f"text {rid}", date=day, status=status)


def test_negative_trends_from_the_store(sqlite_store: SQLiteStore) -> None:
    sqlite_store.put_products([Product("sour", "Sour"), Product("fine", "Fine")])
    reviews = [_review(f"h{i}", "sour", 5, f"2026-0{1 + i}-01") for i in range(6)]
    reviews += [_review(f"f{i}", "fine", 4, f"2026-0{1 + i}-02") for i in range(6)]
    reviews += [_review("s1", "sour", 1, "2026-10-01"), _review("s2", "sour", 3, "2026-10-05"),
                _review("s3", "sour", 2, "2026-10-20"), _review("f9", "fine", 4, "2026-10-21"),
                _review("f8", "fine", 4, "2026-10-11"), _review("f7", "fine", 5, "2026-10-12"),
                _review("hidden", "sour", 1, "2026-10-22", ReviewStatus.PENDING)]
    sqlite_store.put_reviews(reviews)
    report = negative_trends(sqlite_store)
    assert report.as_of == "2026-10-21"  # the newest published review, not today
    (trend,) = report.trends
    assert trend.product_id == "sour" and trend.product_name == "Sour"
    assert (trend.history_count, trend.recent_count) == (6, 3)
    assert trend.history_mean == 5.0 and trend.recent_mean == 2.0
    assert [e.id for e in trend.evidence] == ["s3", "s1"]  # rated 2 or less, newest first
    # judged at an earlier date, the bad reviews are not there yet
    assert negative_trends(sqlite_store, as_of=date(2026, 9, 1)).trends == ()


def test_empty_store_has_no_trends(sqlite_store: SQLiteStore) -> None:
    assert negative_trends(sqlite_store).trends == ()
