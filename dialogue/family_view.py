"""What reviewers say of a product, counted over its whole family of listings.

A family (the Fire HD 8 in three colours) is one product to a shopper, so its figures,
reviews, summary and aspect mentions are the family's. Summaries and mention counts are
cached per product and recomputed only when the family's review count changes, so a turn
reads every review of a family only when something new was published.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dialogue.aspect_evidence import AspectMentions, mentions_of
from dialogue.linking import ProductLinker, normalise
from dialogue.summaries import Summary, summarise
from knowledge.model import Product, Review
from knowledge.store.base import ProductStats, Store


@dataclass
class FamilyView:
    """A product's family figures, reviews and summary, read from the store."""

    store: Store
    linker: ProductLinker
    _summaries: dict[tuple[str, int], Summary] = field(default_factory=dict, repr=False)
    _mentions: dict[tuple[str, int], dict[str, AspectMentions]] = field(default_factory=dict, repr=False)

    def stats(self, product: Product) -> ProductStats:
        """Count and average over every listing of the product's family."""
        family = self.linker.family_of(product)
        if family is not None:
            return self.store.family_stats(family.id)
        parts = [self.store.product_stats(p.id) for p in self.linker.listings(product)]
        count = sum(p.review_count for p in parts)
        if not count:
            return ProductStats(0, None)
        total = sum(p.review_count * float(p.average_rating) for p in parts if p.average_rating is not None)
        return ProductStats(count, total / count)

    def reviews(self, product: Product) -> list[Review]:
        """The published reviews of every listing of the family, newest first."""
        reviews = [r for p in self.linker.listings(product) for r in self.store.reviews_for(p.id)]
        return sorted(reviews, key=lambda r: (r.date, r.id), reverse=True)

    def reviews_of(self, product_id: str) -> list[Review]:
        """`reviews` by product id ([] for an unknown id)."""
        product = self.linker.get(product_id)
        return self.reviews(product) if product is not None else []

    def summary(self, product: Product) -> Summary:
        """The family's summary, recomputed only when its review count changes."""
        stats = self.stats(product)
        key = (product.id, stats.review_count)
        if key not in self._summaries:
            family = self.linker.family_of(product)
            figures = self.store.family_aspects(family.id) if family is not None else None
            summary = summarise(product, self.reviews(product), self._other_names(product), figures)
            if stats.average_rating is not None:
                summary = replace(summary, review_count=stats.review_count,
                                  average_rating=round(float(stats.average_rating), 1))
            self._summaries = {k: v for k, v in self._summaries.items() if k[0] != product.id}
            self._summaries[key] = summary
        return self._summaries[key]

    def mentions(self, product: Product, aspect: str) -> AspectMentions:
        """How many of the family's reviews mention `aspect`, and how they lean."""
        key = (product.id, self.stats(product).review_count)
        if key not in self._mentions:
            self._mentions = {k: v for k, v in self._mentions.items() if k[0] != product.id}
            self._mentions[key] = {}
        by_aspect = self._mentions[key]
        if aspect not in by_aspect:
            by_aspect[aspect] = mentions_of(aspect, self.reviews(product))
        return by_aspect[aspect]

    def _other_names(self, product: Product) -> frozenset[str]:
        """Words of other products' names, which a summary must not take for aspects."""
        own = set(normalise(self.linker.speakable(product)).split())
        words: set[str] = set()
        for other in self.linker.products():
            if other.id != product.id:
                words.update(normalise(self.linker.speakable(other)).split())
        return frozenset(w for w in words - own if len(w) > 2)
