"""Recommendations and related evidence from the whole catalog, grounded in reviews.

A need ("for music", "to help me sleep") is searched across every product's reviews and
community answers; products are ranked by how well their best passages support the need
(dense similarity of the two best distinct passages), optionally restricted to the product
type the person named ("speaker", "tablet", "album"). Nothing is recommended without a
passage above the evidence bar. Pure functions over SearchHits and Products: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dialogue.answers import qa_answer, quote_from, tidy_for_voice
from knowledge.index.hit import SearchHit
from knowledge.model import Product

EVIDENCE_BAR = 0.30  # dense similarity a passage needs to count as support for a need
MAX_PICKS = 3
_WORD = re.compile(r"[a-z0-9]+")
_NOT_TYPES = frozenset(
    """a an the and or for with to of in on my me i is are what which good best great nice something
    some one that this it need want would could should you recommend suggest buy get gift help find
    looking new all amazon edition gen generation inch""".split()
)


@dataclass(frozen=True)
class Pick:
    """A product that fits the need, with the passage that shows it."""

    product: Product
    support: float  # combined similarity of its best passages
    quote: str
    rating: int | None
    kind: str  # "review" or "qa"


def _plural_forms(word: str) -> set[str]:
    return {word, word.rstrip("s"), f"{word}s"}


def type_words(text: str, products: Sequence[Product], category_words: Callable[[Product], Iterable[str]]) -> set[str]:
    """Words of `text` that name a kind of product the catalog has ("speaker", "kindle")."""
    asked = {w for w in _WORD.findall(text.lower()) if w not in _NOT_TYPES and len(w) > 2}
    vocabulary: set[str] = set()
    for product in products:
        for name in (product.name, *product.aliases, *category_words(product)):
            for w in _WORD.findall(name.lower()):
                vocabulary |= _plural_forms(w)
    return {w for w in asked if _plural_forms(w) & vocabulary}


def matches_type(product: Product, words: set[str], category_words: Callable[[Product], Iterable[str]]) -> bool:
    """True when the product's names or category mention one of the type words."""
    if not words:
        return True
    own: set[str] = set()
    for name in (product.name, *product.aliases, *category_words(product)):
        for w in _WORD.findall(name.lower()):
            own |= _plural_forms(w)
    return bool(own & words)


def pick_products(
    need: str,
    hits: Sequence[SearchHit],
    products: Sequence[Product],
    allowed: Callable[[Product], bool],
    group_of: Callable[[str], str] = lambda pid: pid,
    limit: int = MAX_PICKS,
) -> list[Pick]:
    """Up to `limit` products whose passages best support `need` (one per product group)."""
    by_id = {p.id: p for p in products}
    best: dict[str, list[SearchHit]] = {}
    for hit in sorted(hits, key=lambda h: -h.dense):
        product = by_id.get(hit.product_id)
        if product is None or hit.dense < EVIDENCE_BAR or not allowed(product):
            continue
        best.setdefault(group_of(product.id), []).append(hit)
    picks = []
    for group_hits in best.values():
        top = group_hits[:2]
        support = top[0].dense + 0.5 * (top[1].dense if len(top) > 1 else 0.0)
        first = top[0]
        text = qa_answer(first) if first.kind == "qa" else first.text
        quote = tidy_for_voice(quote_from(need, text))
        picks.append(Pick(by_id[first.product_id], support, quote, first.rating, first.kind))
    picks.sort(key=lambda p: -p.support)
    return picks[:limit]
