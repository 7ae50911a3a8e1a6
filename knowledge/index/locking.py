"""The lock decorator of the in-process index (the web service may add while it searches)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


def locked(method: Callable[..., _T]) -> Callable[..., _T]:
    """Serialise a method on its object's `_lock` (a re-entrant lock)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: object, **kwargs: object) -> _T:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper
