"""ShopTalk listens: dialogues through the simulator on real stores, judged as the
understanding benchmark judges them (dialogue.bench.understanding), plus scripts for each
behaviour: coreference, aspect follow-ups, a recommendation, a comparison, and a 20-turn chat
in which every reply to a statement must pick up the person's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dialogue.bench.understanding import load_spec, report, run
from dialogue.understanding import second_person
from skill.simulator import Simulator

pytestmark = pytest.mark.slow
Make = Callable[..., Simulator]
OWN_SPEC = Path(__file__).with_name("understanding_own.json")
_STOP = frozenset("i i'm my me a an the to of and is it in on for with just so very really".split())


def test_own_dialogues_hold(demo_dir: Path, demo_store: object) -> None:
    outcomes = run(load_spec(OWN_SPEC), {"demo": demo_dir})
    summary = report(outcomes)
    assert summary["share"] >= 0.85, summary["misses"]


@pytest.mark.shared_data
def test_the_shared_dev_dialogues_hold(shared_dir: Path, demo_dir: Path, datafiniti_dir: Path,
                                       demo_store: object) -> None:
    spec = load_spec(shared_dir / "conversations" / "understanding_dev.json")
    summary = report(run(spec, {"demo": demo_dir, "datafiniti": datafiniti_dir}))
    assert summary["share"] >= 0.85, summary["misses"]
    assert summary["latency_p95_ms"] <= 1500


def test_coreference_and_aspect_follow_ups(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    assert "Paperwhite" in sim.say("what do reviewers think of the kindle paperwhite").speech
    battery = sim.say("and the battery")
    assert re.search(r"battery|charge", battery.speech, re.I), battery.speech
    assert re.search(r"\d+ reviewers mention the battery|One reviewer mentions the battery", battery.speech)
    glare = sim.say("is it readable in bright sunlight")
    assert re.search(r"sun|glare|bright|light", glare.speech, re.I), glare.speech
    assert "Which product" not in glare.speech


def test_no_one_mentioned_it_is_said_honestly(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    sim.say("tell me about the cast iron skillet")
    reply = sim.say("how is the bluetooth")
    assert "has mentioned the connectivity" in reply.speech and "ask the community" in reply.speech, reply.speech


def test_a_recommendation_is_grounded_and_offers_to_go_deeper(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    reply = sim.say("what would you recommend for someone who loves jazz")
    assert reply.intent == "RecommendIntent"
    assert re.search(r"Kind of Blue|Blue|Rumours|Remain in Light|OK Computer", reply.speech), reply.speech
    assert "stars from" in reply.speech and reply.speech.endswith("?")
    deeper = sim.say("yes")
    assert "stars on average" in deeper.speech


def test_nothing_suitable_is_said_so(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    reply = sim.say("i need something to fix my car transmission")
    assert "couldn't find anything" in reply.speech or "stars from" in reply.speech
    assert reply.speech.endswith("?")


def test_a_comparison_names_both_products_figures(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    reply = sim.say("which is better for pet hair the roomba or the air purifier")
    assert reply.intent == "CompareIntent"
    assert "Roomba" in reply.speech and "Purifier" in reply.speech
    assert reply.speech.startswith("Reviewers give the Roomba") and reply.speech.count("stars from") == 2
    assert reply.speech.endswith("?")


STATEMENTS = (
    "my daughter starts college next month",
    "i have a long commute on the train",
    "we just moved into a tiny apartment",
    "i drink way too much coffee",
    "my husband snores all night",
    "i bake bread every sunday",
    "our cat sheds on the couch",
    "i run five miles before work",
    "my mom is learning to use a tablet",
    "i love old jazz records",
)


def test_twenty_turn_chat_picks_up_every_statement(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    sim.say("let's chat")
    for i, statement in enumerate(STATEMENTS):
        reply = sim.say(statement)
        said = f"{statement!r} -> {reply.intent}: {reply.speech!r}"
        content = set(second_person(statement).split()) - _STOP
        assert any(word in reply.speech.lower() for word in content), said
        assert reply.speech.endswith("?") and reply.reprompt and not reply.end_session, said
        assert "didn't get that" not in reply.speech and "went wrong" not in reply.speech, said
        other = sim.say("yes" if i % 2 else "i don't know")
        assert other.speech.endswith("?") and not other.end_session, other.speech


def test_what_was_said_comes_back_later(demo_simulator: Make) -> None:
    sim = demo_simulator(user="rememberer")
    sim.say("open shop talk")
    sim.say("let's chat")
    sim.say("i'm training for a marathon")
    sim.say("stop")
    sim.say("open shop talk")
    sim.say("let's chat")
    later = sim.say("i don't know")
    assert "training for a marathon" in later.speech, later.speech


def test_a_recommendation_shows_a_touchable_list_on_a_screen(demo_config: object) -> None:
    sim = Simulator.from_config(demo_config, user="screen-recommend", display=True)
    sim.say("open shop talk")
    reply = sim.say("what would you recommend for cooking")
    documents = [d for r in reply.responses for d in r["response"].get("directives", [])
                 if d.get("type") == "Alexa.Presentation.APL.RenderDocument"]
    assert documents, reply.speech
    text = str(documents[0]["datasources"])
    assert "stars" in text and ("Skillet" in text or "Salt" in text or "Coffee" in text), text[:500]


def test_thanks_is_welcomed_and_keeps_the_product_in_focus(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    sim.say("what's the verdict on the echo dot")
    thanked = sim.say("great, that was helpful")
    assert "welcome" in thanked.speech.lower() and "Echo Dot" in thanked.speech, thanked.speech
    assert not thanked.end_session
    follow_up = sim.say("how loud does it get")
    assert re.search(r"loud|volume|sound", follow_up.speech, re.I), follow_up.speech


def test_a_request_to_chat_in_other_words_starts_the_chat(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    reply = sim.say("could we just talk for a while")
    assert "didn't get that" not in reply.speech, reply.speech
    about = sim.say("honestly i feel like chatting about cooking")
    assert re.search(r"cook|kitchen|home|recipe", about.speech, re.I), about.speech


@pytest.mark.parametrize("question", ["is the echo dot worth it", "is the fire tv stick worth buying"])
def test_a_verdict_speaks_of_value(demo_simulator: Make, question: str) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    reply = sim.say(question)
    assert re.search(r"\bprice\b|value for money", reply.speech), reply.speech


def test_a_plain_summary_does_not_add_the_value_line(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    reply = sim.say("what do people say about the kindle paperwhite")
    assert "stars" in reply.speech and "value for money" not in reply.speech, reply.speech
