"""The DynamoDB call guard's slow-time budget: slow answers count against it, the time a large
page takes to arrive and parse does not (an index build reads 1 MB query pages)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from knowledge.store.dynamodb import DynamoDBTimeouts, StoreUnavailable
from knowledge.store.dynamodb.guard import CallGuard, response_bytes

TIMEOUTS = DynamoDBTimeouts(
    normal_s=0.01, response_bytes_per_s=1_000_000, item_write_s=0.01, slow_budget_s=0.3, window_s=5
)


def answer(size: int | None, wait_s: float) -> Any:
    """A botocore-like response of `size` bytes that took `wait_s` to arrive."""

    def call() -> dict[str, Any]:
        time.sleep(wait_s)
        headers = {} if size is None else {"content-length": str(size)}
        return {"Items": [], "ResponseMetadata": {"HTTPHeaders": headers}}

    return call


def test_slow_small_answers_use_up_the_budget() -> None:
    guard = CallGuard(TIMEOUTS)
    with pytest.raises(StoreUnavailable, match="slow for"):
        for _ in range(10):
            guard.run("query", answer(200, 0.12))
    guard.close()


def test_large_pages_arriving_at_a_healthy_rate_do_not() -> None:
    guard = CallGuard(TIMEOUTS)
    for _ in range(10):  # 0.12 s for 200 kB: 0.2 s is normal
        guard.run("query", answer(200_000, 0.12))
    guard.close()


def test_an_answer_without_its_size_gets_the_plain_allowance() -> None:
    assert response_bytes({"ResponseMetadata": {"HTTPHeaders": {}}}) == 0
    assert response_bytes(None) == 0
    assert response_bytes({"ResponseMetadata": {"HTTPHeaders": {"content-length": "1234"}}}) == 1234
    with pytest.raises(ValueError, match="'response_bytes_per_s' must be positive"):
        DynamoDBTimeouts(response_bytes_per_s=0)


def test_a_batch_write_may_take_its_items_time() -> None:
    guard = CallGuard(TIMEOUTS)
    for _ in range(10):  # 25 items at 10 ms each: 0.12 s is normal
        guard.run("batch write", answer(30, 0.12), items_written=25)
    with pytest.raises(StoreUnavailable, match="slow for"):
        for _ in range(10):
            guard.run("batch write", answer(30, 0.12), items_written=1)
    guard.close()
