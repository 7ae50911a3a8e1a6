"""Time limits that keep DynamoDB inside a voice turn (Alexa waits at most 8 s for an answer).

Three layers, none of them a retry loop of its own:
- botocore retries each call in the standard mode (a few attempts, jittered backoff) with
  connect and read timeouts of a second or two (`DynamoDBTimeouts.botocore_config`);
- every operation, its botocore retries included, is abandoned after `operation_s`
  (`CallGuard.run` waits on a worker thread), so a hung socket cannot hold the turn;
- a slow-time budget: the time operations spend beyond what is normal for them (`normal_s`,
  plus the time a healthy client takes to receive and parse the bytes it got back, at
  `response_bytes_per_s`, and `item_write_s` for each item a batch write or transaction
  writes: a 1 MB page of a query or 25 items written at once are not signs of sickness;
  `DynamoDBTimeouts.normal_time`) is summed over the last
  `window_s` seconds, and while that sum exceeds `slow_budget_s` (or for `cooloff_s` after an
  abandoned operation, or one that was still throttled after botocore's last attempt) calls
  fail at once. A turn therefore spends at most about
  `slow_budget_s + operation_s` waiting on a sick table, whatever number of calls it makes,
  while healthy traffic (bulk imports included) never touches the budget.

Failing calls raise `StoreUnavailable`, a `StoreError` the skill speaks as "I can't reach that
right now". An abandoned write may still land after the turn gave up; every write the store
makes is conditional or idempotent, so the retried request does not store it twice.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, TypeVar

from knowledge.store.base import StoreError

T = TypeVar("T")

# Errors that mean "the table is overloaded or out of reach", as opposed to a bad request.
UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)


class StoreUnavailable(StoreError):
    """DynamoDB did not answer in time or kept throttling: worth a polite "try again later"."""


@dataclass(frozen=True)
class DynamoDBTimeouts:
    """Time limits of the DynamoDB store (defaults fit one Alexa turn; see the module docstring)."""

    connect_s: float = 1.0
    read_s: float = 1.5
    max_attempts: int = 3  # botocore's count includes the first attempt
    operation_s: float = 2.5
    normal_s: float = 0.1
    response_bytes_per_s: float = 1_000_000.0
    item_write_s: float = 0.01
    slow_budget_s: float = 2.5
    window_s: float = 8.0
    cooloff_s: float = 5.0

    def __post_init__(self) -> None:
        for name in (
            "connect_s", "read_s", "operation_s", "normal_s", "response_bytes_per_s", "item_write_s", "slow_budget_s",
            "window_s", "cooloff_s",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"DynamoDBTimeouts: field '{name}' must be positive, got {getattr(self, name)!r}")
        if self.max_attempts < 1:
            raise ValueError(f"DynamoDBTimeouts: field 'max_attempts' must be at least 1, got {self.max_attempts!r}")

    def normal_time(self, received: int, items_written: int) -> float:
        """How long a healthy call takes that receives `received` bytes and writes
        `items_written` items: only the time beyond it counts against the slow-time budget."""
        return self.normal_s + received / self.response_bytes_per_s + items_written * self.item_write_s

    def botocore_config(self) -> Any:
        """The botocore Config of the store's client: standard retries, short timeouts."""
        from botocore.config import Config

        return Config(
            retries={"mode": "standard", "total_max_attempts": self.max_attempts},
            connect_timeout=self.connect_s,
            read_timeout=self.read_s,
            tcp_keepalive=True,
        )


@dataclass
class CallGuard:
    """Runs DynamoDB operations under `DynamoDBTimeouts` (one guard per store, thread-safe)."""

    timeouts: DynamoDBTimeouts = field(default_factory=DynamoDBTimeouts)
    _slow: deque[tuple[float, float]] = field(default_factory=deque, init=False, repr=False)
    _tripped_until: float = field(default=0.0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _local: threading.local = field(default_factory=threading.local, init=False, repr=False)

    def run(self, what: str, call: Callable[[], T], record: bool = True, items_written: int = 0) -> T:
        """`call()`'s result, or StoreUnavailable when it or the table is too slow. Calls made
        side by side pass `record=False` and are recorded once, with `record_since`: their
        waits overlap, and summing them would count one slow moment several times. A batch
        write or a transaction names its `items_written`, each of which may take `item_write_s`."""
        if not getattr(self._local, "compensating", False):
            self._refuse_if_sick(what)
        started = time.monotonic()
        future = self._executor().submit(call)
        received = 0
        try:
            result = future.result(timeout=self.timeouts.operation_s)
            received = response_bytes(result)
            return result
        except FutureTimeout:
            self.trip()
            raise StoreUnavailable(f"{what} did not answer within {self.timeouts.operation_s:g} s") from None
        finally:
            if record:
                self._record(started, received, items_written)  # abandoned time counts as slow time too

    @contextmanager
    def compensating(self) -> Iterator[None]:
        """Within this block (on this thread) calls are tried even when the table looks sick:
        undoing a half-done import matters more than failing fast. Each is still bounded."""
        self._local.compensating = True
        try:
            yield
        finally:
            self._local.compensating = False

    def close(self) -> None:
        """Stop the worker threads (an operation still running finishes in the background)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                # enough workers for the parallel shard queries, and an abandoned call must not
                # block the next one
                self._pool = ThreadPoolExecutor(max_workers=12, thread_name_prefix="dynamodb")
            return self._pool

    def _refuse_if_sick(self, what: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now < self._tripped_until:
                raise StoreUnavailable(f"{what} not attempted: DynamoDB failed moments ago")
            self._forget(now)
            spent = sum(s for _, s in self._slow)
        if spent > self.timeouts.slow_budget_s:
            raise StoreUnavailable(
                f"{what} not attempted: DynamoDB was slow for {spent:.1f} s in the last {self.timeouts.window_s:g} s"
            )

    def record_since(self, started: float, received: int = 0) -> None:
        """Count the time since `started` (a `time.monotonic()` value) as one call's that
        received `received` response bytes."""
        self._record(started, received)

    def _record(self, started: float, received: int, items_written: int = 0) -> None:
        now = time.monotonic()
        excess = now - started - self.timeouts.normal_time(received, items_written)
        if excess > 0:
            with self._lock:
                self._slow.append((now, excess))
                self._forget(now)

    def trip(self) -> None:
        """Fail calls at once for `cooloff_s` (an operation was abandoned, or DynamoDB kept
        refusing it through every botocore attempt: more calls now would only queue up)."""
        with self._lock:
            self._tripped_until = time.monotonic() + self.timeouts.cooloff_s

    def _forget(self, now: float) -> None:
        while self._slow and self._slow[0][0] < now - self.timeouts.window_s:
            self._slow.popleft()


def response_bytes(result: Any) -> int:
    """The size of a botocore response as DynamoDB sent it (its Content-Length), 0 if unknown."""
    try:
        return int(result["ResponseMetadata"]["HTTPHeaders"]["content-length"])
    except (KeyError, TypeError, ValueError):
        return 0


def is_unavailable(exc: BaseException) -> bool:
    """Whether a botocore error means overload or no connection (not a bad request)."""
    from botocore.exceptions import ClientError, ConnectionError, ConnectTimeoutError, ReadTimeoutError

    if isinstance(exc, (ConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return True
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "")) in UNAVAILABLE_CODES
    return False
