"""Load a model once per process, in the background, without blocking a turn past its budget.

The first turn that needs the model starts loading it on a daemon thread and waits only for
what is left of its budget; if the model is not ready by then the turn falls back to the
extractive answer and a later turn finds the model loaded. `warm_up()` waits for it fully.
`default_threads` picks how many threads a local model may use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ModelLoadError(RuntimeError):
    """Loading the model failed; the message says why (kept, so every later call reports it)."""


class LazyModel(Generic[T]):
    """A value built by `load` at most once, on a background thread, shared by all callers."""

    def __init__(self, load: Callable[[], T], what: str) -> None:
        self._load = load
        self._what = what
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._value: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._value = self._load()
        except BaseException as exc:  # noqa: BLE001 - reported to every caller, not swallowed
            self._error = exc
        finally:
            self._done.set()

    def start(self) -> None:
        """Begin loading if nobody has yet (returns at once)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"load {self._what}", daemon=True
                )
                self._thread.start()

    @property
    def ready(self) -> bool:
        """True once loading finished successfully."""
        return self._done.is_set() and self._error is None

    def get(self, timeout: float | None = None) -> T | None:
        """The loaded value, or None if it is not ready within `timeout` seconds.

        Raises ModelLoadError when loading failed.
        """
        self.start()
        if not self._done.wait(timeout):
            return None
        if self._error is not None:
            raise ModelLoadError(f"could not load {self._what}: {self._error}") from self._error
        return self._value


def default_threads() -> int:
    """Threads for a local model: the cores this process may use that are not already busy.

    llama.cpp's and torch's threads wait for each other at every step, so asking for more
    threads than there are idle cores makes generation much slower, not faster: measured here
    while the 2 cores were shared with other jobs (load average 15), llama.cpp gave 34 tokens/s
    with 1 thread and 20 with 2; transformers 7 tokens/s with 1 thread and 0.9 with 2. The
    count is chosen once, when the model loads, from the one-minute load average; at least 1,
    at most 4.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this platform
        busy = 0.0
    idle = cores - int(busy + 0.5)
    return max(1, min(4, cores, idle))
