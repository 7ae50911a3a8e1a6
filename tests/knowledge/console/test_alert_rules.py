"""Severity rules match words and phrases, not substrings, and skip negations."""

from __future__ import annotations

import pytest

from knowledge.alerts.rules import match_review
from knowledge.model import Review


def _review(text: str, rating: int = 2) -> Review:
    return Review("r1", "p1", rating, text)


@pytest.mark.parametrize("text, rule", [
    ("The charger caught fire on my desk.", "caught fire"),
    ("It caught on fire after a week", "caught fire"),
    ("the adapter burned my hand", "burned"),
    ("Smelled like plastic and it burned.", "burned"),
    ("I got a shock from the cable", "shock"),
    ("gave me an electric shock!", "shock"),
    ("small parts are a choking hazard for toddlers", "choking"),
    ("my son was injured by the strap", "injured"),
    ("Worst purchase. I want a refund.", "refund"),
    ("Broke in a day, asked for my money back", "refund"),
])
def test_severe_reviews_match(text: str, rule: str) -> None:
    found = match_review(_review(text, 1))
    assert found is not None and found.rule.name == rule


@pytest.mark.parametrize("text, rating", [
    ("I was shocked at how good the sound is", 5),
    ("Fire TV stick works great, firestick is fast", 5),
    ("Kindle Fire is on fire with deals", 5),
    ("I burned through the battery in a day", 3),
    ("the bulb burned out after a year", 3),
    ("It never caught fire, unlike my old one", 4),
    ("didn't get a shock at all, well insulated", 4),
    ("refundable within 30 days, good policy", 1),
    ("Got a refund easily, still 4 stars", 4),  # refunds count only in one-star reviews
    ("uninjured and happy", 5),
    ("the flame effect is firey", 4),
])
def test_harmless_reviews_do_not_match(text: str, rating: int) -> None:
    assert match_review(_review(text, rating)) is None
