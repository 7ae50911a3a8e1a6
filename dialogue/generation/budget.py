"""Run a generation on a worker thread and wait for it only as long as the budget allows.

A local model cannot be interrupted while it processes the prompt, and on a busy machine that
alone can take longer than a turn may wait. So the model runs on one worker thread per backend
(which also serialises calls: a llama.cpp context is not thread-safe) and writes its tokens
into a `Progress`; the turn waits until the deadline, then raises the cancel flag and returns
what was produced so far as timed out. The worker sees the flag at its next token and stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from dialogue.generation.base import Deadline


@dataclass
class Progress:
    """Tokens produced so far by a running generation, and the flag asking it to stop."""

    deadline: Deadline
    parts: list[str] = field(default_factory=list)
    tokens: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)
    first_token_s: float | None = None  # seconds from the deadline's start to the first token

    def add(self, piece: str, tokens: int = 1) -> None:
        """Record `tokens` new tokens whose text is `piece`."""
        self.parts.append(piece)
        self.count(tokens)

    def count(self, tokens: int = 1) -> None:
        """Record `tokens` new tokens (text collected elsewhere), noting when the first came."""
        if self.first_token_s is None:
            self.first_token_s = self.deadline.elapsed()
        self.tokens += tokens

    @property
    def text(self) -> str:
        """The text produced so far."""
        return "".join(self.parts)

    def should_stop(self) -> bool:
        """True once the caller gave up or the deadline passed."""
        return self.cancel.is_set() or self.deadline.passed()


@dataclass(frozen=True)
class Outcome:
    """How a budgeted run ended: `finish` from the worker, or timed out, or failed."""

    progress: Progress
    finish: str
    timed_out: bool = False
    error: str | None = None


class BudgetedWorker:
    """One worker thread that runs generations one at a time under a deadline."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def run(self, work: Callable[[Progress], str], deadline: Deadline) -> Outcome:
        """Run `work(progress)` (it returns a finish reason) and wait until the deadline."""
        progress = Progress(deadline)

        def guarded() -> str:
            if progress.should_stop():  # queued behind an abandoned call until too late
                return "timeout"
            return work(progress)

        future = self._pool.submit(guarded)
        try:
            finish = future.result(timeout=deadline.remaining())
        except FutureTimeout:
            progress.cancel.set()
            future.cancel()
            return Outcome(progress, "timeout", timed_out=True)
        except Exception as exc:  # noqa: BLE001 - a model failure must not fail the turn
            return Outcome(progress, "error", error=f"{type(exc).__name__}: {exc}")
        return Outcome(progress, finish, timed_out=finish == "timeout")
