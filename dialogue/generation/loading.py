"""Load a model once per process, in the background, without blocking a turn past its budget.

The first turn that needs the model starts loading it on a daemon thread and waits only for
what is left of its budget; if the model is not ready by then the turn falls back to the
extractive answer and a later turn finds the model loaded. `warm_up()` waits for it fully.
`default_threads` picks how many threads a local model may use (deterministically).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
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


THREADS_ENV = "SHOPTALK_MODEL_THREADS"


def default_threads(environ: Mapping[str, str] | None = None) -> int:
    """Threads for a local model: SHOPTALK_MODEL_THREADS if set, else half the usable cores.

    The choice is deterministic (it does not depend on how busy the machine happened to be when
    the model loaded, which used to pin a process that started busy to 1 thread for good).
    llama.cpp's and torch's threads wait for each other at every step, so a thread whose core
    is taken by another job stalls all of them: measured here on 2 shared cores (load average
    4.5-5.4), llama.cpp processed the prompt and generated 40 tokens in 0.87 s with 1 thread and
    3.3 s with 2; transformers gave 7 tokens/s with 1 thread and 0.9 with 2 at load 15. Half the
    cores (at least 1, at most 4) leaves room for the web server, the embedder and neighbours;
    a dedicated machine can set SHOPTALK_MODEL_THREADS to all its cores.
    """
    env = os.environ if environ is None else environ
    configured = env.get(THREADS_ENV, "").strip()
    if configured:
        try:
            value = int(configured)
        except ValueError:
            raise ValueError(
                f"{THREADS_ENV} must be a whole number of threads, not {configured!r}"
            ) from None
        if value < 1:
            raise ValueError(f"{THREADS_ENV} must be at least 1, not {value}")
        return value
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores // 2))
