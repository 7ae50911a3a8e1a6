"""Product questions and review summaries through the simulator (real envelopes, real store,
real index) on the demo catalog."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from dialogue.state import ATTRIBUTE_KEY, DialogueState
from knowledge.store.base import Store
from skill.simulator import Simulator

Make = Callable[..., Simulator]


def _state(result) -> DialogueState:  # noqa: ANN001 - a simulator TurnResult
    attributes = result.responses[-1].get("sessionAttributes") or {}
    return DialogueState.from_attributes(attributes)


def _open(sim: Simulator) -> None:
    assert not sim.say("open shop talk").end_session


def test_question_answer_attribution_offer_then_another_opinion(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    first = sim.say("is the kindle paperwhite good for reading at night")
    assert first.intent == "ProductQuestionIntent"
    assert "reviewer" in first.speech.lower()
    assert first.speech.endswith("Want to hear another opinion?")
    assert not first.end_session and first.reprompt
    assert _state(first).focus_product_id == "demo-kindle-paperwhite"
    heard = {first.speech}
    for word in ("yes", "next", "another one"):
        more = sim.say(word)
        assert more.speech.startswith("Here's another opinion.") or "That's all" in more.speech, more.speech
        assert more.speech not in heard
        heard.add(more.speech)
        assert more.speech.rstrip().endswith("?") and not more.end_session


def test_answer_quotes_text_that_is_in_the_reviews(demo_simulator: Make, demo_store: Store) -> None:
    sim = demo_simulator()
    _open(sim)
    answer = sim.say("how is the sound on the echo dot")
    match = re.search(r"(?:wrote|answered): (.+?) Want to hear", answer.speech)
    assert match, answer.speech
    quote = match.group(1).rstrip(".")
    corpus = " ".join(r.text for r in demo_store.reviews_for("demo-echo-dot"))
    corpus += " ".join(a.text for q in demo_store.questions_for("demo-echo-dot") for a in q.answers)
    assert quote[1:40] in corpus, f"quote not from the reviews: {quote!r}"


def test_no_ends_the_evidence_politely(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    sim.say("is the kindle paperwhite good for reading at night")
    reply = sim.say("no")
    assert reply.speech == "Okay. What would you like to do?"
    assert _state(reply).pending is None


def test_unanswerable_question_offers_the_community(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    reply = sim.say("does the lodge skillet work on the moon during a lunar eclipse")
    assert "I couldn't find anything in the reviews" in reply.speech, reply.speech
    assert reply.speech.endswith("Would you like me to ask the community?")
    pending = _state(reply).pending
    assert pending is not None and pending.action == "ask_community"
    assert pending.data["product_id"] == "demo-lodge-skillet"
    assert "moon" in pending.data["question"]


def test_it_refers_to_the_product_in_focus(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    sim.say("what do people say about the echo buds")
    reply = sim.say("what do people say about it")
    assert "Echo Buds" in reply.speech, reply.speech


def test_ambiguous_name_asks_one_question_and_yes_picks(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    ask = sim.say("what do people say about blue")
    assert ask.speech == "Do you mean Blue or Kind of Blue?", ask.speech
    assert _state(ask).pending.action == "pick_product"
    picked = sim.say("yes")
    assert "Blue" in picked.speech and "stars on average" in picked.speech


def test_ambiguous_name_answered_with_a_name(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    ask = sim.say("what do people say about the echo")
    assert ask.speech.startswith("Do you mean"), ask.speech
    picked = sim.say("what do people say about the echo show")
    assert "Echo Show 8" in picked.speech


def test_summary_has_exact_count_average_aspects_and_quote(demo_simulator: Make, demo_store: Store) -> None:
    sim = demo_simulator()
    _open(sim)
    reply = sim.say("what do people say about the echo dot")
    assert reply.intent == "ReviewSummaryIntent"
    count, average = demo_store.product_stats("demo-echo-dot")
    assert f"from {count} reviews" in reply.speech
    from dialogue.voice.renderer import speak_number

    assert f"{speak_number(round(average, 1))} stars on average" in reply.speech
    assert "Customers praise the" in reply.speech
    assert "one customer wrote:" in reply.speech
    assert reply.speech.endswith("?")
    another = sim.say("yes")
    assert another.speech.startswith("Here's another opinion.")


def test_unknown_product_is_said_honestly(demo_simulator: Make) -> None:
    sim = demo_simulator()
    _open(sim)
    reply = sim.say("what do people say about the zorblax 9000")
    assert "couldn't find" in reply.speech and reply.speech.endswith("?")


@pytest.mark.parametrize("locale", ["en-GB"])
def test_other_locale_renders_every_string(demo_simulator: Make, locale: str) -> None:
    sim = demo_simulator(locale=locale)
    _open(sim)
    reply = sim.say("what do people say about the echo dot")
    assert "Fancy hearing another opinion?" in reply.speech
