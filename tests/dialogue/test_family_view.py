"""dialogue.family_view on a real SQLite file: aspect mentions are counted over the family's
reviews once, and counted again as soon as a review is published."""

from __future__ import annotations

from pathlib import Path

from dialogue.family_view import FamilyView
from dialogue.linking import ProductLinker
from knowledge.model import Product, Review
from knowledge.store.sqlite import SQLiteStore

DOT = Product("dot", "Echo Dot (5th Gen)", aliases=("echo dot",), brand="Amazon", category="devices")


def test_mentions_are_recounted_when_a_review_is_published(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    try:
        store.put_products([DOT])
        store.put_reviews([
            Review("r1", "dot", 5, "Great value for the price, I love it."),
            Review("r2", "dot", 2, "Too expensive for what it does."),
            Review("r3", "dot", 4, "The sound is fine for a kitchen."),
        ])
        view = FamilyView(store, ProductLinker(store))
        first = view.mentions(DOT, "price")
        assert first.mentions == 2
        assert view.mentions(DOT, "price") is first  # the same count, not read again
        store.put_reviews([Review("r4", "dot", 5, "At this price it is a bargain.")])
        again = view.mentions(DOT, "price")
        assert again.mentions == 3 and again.positive >= 2
        assert view.mentions(DOT, "sound").mentions == 1
    finally:
        store.close()
