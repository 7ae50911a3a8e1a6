"""Product answers, summaries, linking and chat on the Datafiniti Amazon-devices reviews,
imported with `python -m knowledge import` into a fresh data directory (which seeds no demo
catalog), through the simulator. Skipped with a reason where ../shared is absent."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from dialogue.voice.renderer import speak_number
from knowledge.store.base import Store
from skill.simulator import Simulator

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

Make = Callable[..., Simulator]
AMAZON_TAP = "B01BH83OOM"


def test_summary_of_an_imported_product_has_exact_numbers(datafiniti_simulator: Make, datafiniti_store: Store) -> None:
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    reply = sim.say("what do people say about the amazon tap")
    count, average = datafiniti_store.product_stats(AMAZON_TAP)
    assert count == 225
    assert reply.speech.startswith(
        f"Customers give the Amazon Tap {speak_number(round(average, 1))} stars on average, from {count} reviews."
    ), reply.speech
    assert "Customers praise the" in reply.speech and "sound" in reply.speech
    assert "one customer wrote:" in reply.speech and reply.speech.endswith("?")
    more = sim.say("yes")
    assert more.speech.startswith("Here's another opinion.")


def test_question_about_an_imported_product_quotes_its_reviews(datafiniti_simulator: Make, datafiniti_store: Store) -> None:
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    reply = sim.say("how is the amazon tap for battery life")
    assert reply.intent == "ProductQuestionIntent"
    match = re.search(r"wrote: (.+?) Want to hear another opinion\?$", reply.speech)
    assert match, reply.speech
    corpus = " ".join(r.text for r in datafiniti_store.reviews_for(AMAZON_TAP))
    assert match.group(1)[1:30] in corpus
    assert "battery" in match.group(1).lower()
    assert sim.say("next").speech.startswith("Here's another opinion.")


def test_fire_hd_8_links_to_the_most_reviewed_variant(datafiniti_simulator: Make) -> None:
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    reply = sim.say("is the fire hd 8 good for kids")
    assert "Fire HD 8" in reply.speech and "Kids" not in reply.speech.split(".")[0], reply.speech
    assert reply.speech.endswith("?")


def test_echo_show_is_one_family_never_a_question_between_listings(
    datafiniti_simulator: Make, datafiniti_store: Store
) -> None:
    listings = [p for p in datafiniti_store.list_products() if "Echo Show" in p.name]
    assert len(listings) == 2  # the import seeded no demo Echo Show 8 beside them
    total = sum(datafiniti_store.product_stats(p.id).review_count for p in listings)
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    reply = sim.say("what do people say about the echo show")
    assert not reply.speech.startswith("Do you mean"), reply.speech
    assert f"from {total} reviews" in reply.speech and "Echo Show 8" not in reply.speech


def test_chat_about_an_imported_product(datafiniti_simulator: Make) -> None:
    sim = datafiniti_simulator()
    sim.say("open shop talk")
    first = sim.say("let's chat about the echo plus")
    assert "customers rate the Echo Plus" in first.speech, first.speech
    for word in ("yes", "no", "yes", "purple monkey dishwasher"):
        turn = sim.say(word)
        assert turn.speech.endswith("?") and not turn.end_session, turn.speech
        assert "went wrong" not in turn.speech
