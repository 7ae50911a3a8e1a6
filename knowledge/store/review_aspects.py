"""The aspects one review talks about and how it leans on each, as the stores keep them.

Both stores call `review_polarities` once when a review is written, so a family's aspect
figures are sums over what is stored, kept current by every import, new review, moderation
decision and deletion. The analysis itself lives in knowledge.aspects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from knowledge.model import Review
from knowledge.store.base import AspectFigure


def review_polarities(review: Review) -> dict[str, int]:
    """Aspect -> +1 (positive), -1 (negative) or 0 (neutral or mixed) for one review."""
    from knowledge.aspects import review_aspects

    return dict(review_aspects(f"{review.title}. {review.text}" if review.title else review.text))


def figures(counts: Iterable[tuple[str, int, int, int]]) -> list[AspectFigure]:
    """(aspect, mentions, positive, negative) rows as figures, most mentioned first."""
    return sorted((AspectFigure(a, m, p, n) for a, m, p, n in counts if m),
                  key=lambda f: (-f.mentions, f.aspect))


def summed(tallies: Iterable[Mapping[str, tuple[int, int, int]]]) -> list[AspectFigure]:
    """Several listings' tallies (aspect -> (mentions, positive, negative)) as one family's."""
    total: dict[str, list[int]] = {}
    for tally in tallies:
        for aspect, (mentions, positive, negative) in tally.items():
            row = total.setdefault(aspect, [0, 0, 0])
            row[0] += mentions
            row[1] += positive
            row[2] += negative
    return figures((a, m, p, n) for a, (m, p, n) in total.items())
