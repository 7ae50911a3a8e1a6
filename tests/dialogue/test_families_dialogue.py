"""Product families in conversation, on the real Datafiniti reviews: figures are per family,
the Echo Show links without asking, and a listing is still named by what sets it apart."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from skill.simulator import Simulator

pytestmark = pytest.mark.slow
Make = Callable[..., Simulator]


def test_figures_are_per_family_and_a_variant_can_be_named(datafiniti_simulator: Make) -> None:
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    summary = sim.say("what do people say about the fire hd 8").speech
    assert "four point six stars" in summary and "1069 reviews" in summary, summary
    capacity = sim.say("and what about the thirty two gig one").speech
    assert re.search(r"Of the 1069 reviews of the Fire HD 8, 221 are of the 32 GB one", capacity), capacity
    colour = sim.say("how about the magenta one").speech
    assert "837 are of the Magenta one" in colour, colour


def test_one_product_with_two_listings_needs_no_question(datafiniti_simulator: Make) -> None:
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    show = sim.say("tell me about the echo show").speech
    assert "845 reviews" in show and "or the" not in show, show
    tap = sim.say("what do people think of the amazon tap").speech
    assert "the Amazon Tap" in tap and "225 reviews" in tap, tap
