"""One progress-bar helper for long jobs (imports, index builds), shown on stderr.

The bar appears only when asked for and when stderr is a terminal, so piped output, logs and
tests stay clean; tqdm is imported only when a bar is actually drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def bar_enabled(requested: bool) -> bool:
    """True when a bar was requested and stderr is an interactive terminal."""
    return requested and sys.stderr.isatty()


def progress(
    items: Iterable[T],
    desc: str,
    enabled: bool = True,
    total: int | None = None,
    unit: str = " rows",
) -> Iterator[T]:
    """Iterate `items`, drawing a tqdm bar on stderr when `bar_enabled(enabled)`."""
    if not bar_enabled(enabled):
        yield from items
        return
    from tqdm import tqdm

    with tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False,
              dynamic_ncols=True, mininterval=0.2) as bar:
        yield from bar
