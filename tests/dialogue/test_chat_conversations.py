"""Social chat through the simulator: a 40-turn conversation without errors, dead ends or
repeats; memory across sessions; shopping questions in the middle of a chat."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from knowledge.ids import stable_id
from knowledge.store.base import Store
from skill.context import hash_alexa_user_id
from skill.simulator import Simulator

Make = Callable[..., Simulator]


def _user_id(name: str) -> str:
    """The internal id of a simulated user (the id their profile has or will have)."""
    return stable_id("user", hash_alexa_user_id(f"amzn1.ask.account.{name}"))

FORTY_TURNS = [
    "let's chat",
    "i love reading books",
    "yes",
    "it sounds great",
    "the weather is lovely today",
    "let's chat about music",
    "yes",
    "i like jazz a lot",
    "no",
    "tell me more",
    "chat about the echo dot",
    "yes",
    "i think it's a bit small",
    "what do people say about the kindle paperwhite",
    "no",
    "let's chat about cooking",
    "yes",
    "maybe someday",
    "i bought a new bike last week",
    "yes",
    "let's talk about gadgets",
    "yes",
    "it looks nice",
    "next",
    "i don't know",
    "yes",
    "chat about sapiens",
    "yes",
    "it was fine",
    "what do you think of the roomba",
    "yes",
    "i'm bored",
    "yes",
    "tell me something about coffee",
    "yes",
    "sounds lovely",
    "no",
    "let's talk about something else",
    "yes",
    "purple monkey dishwasher",
]


def test_forty_turn_chat_has_no_errors_dead_ends_or_repeats(demo_simulator: Make) -> None:
    assert len(FORTY_TURNS) == 40
    sim = demo_simulator()
    sim.say("open shop talk")
    turns = [sim.say(utterance) for utterance in FORTY_TURNS]
    for turn in turns:
        said = f"{turn.utterance!r} -> {turn.intent}: {turn.speech!r}"
        assert "went wrong" not in turn.speech and "didn't get that" not in turn.speech, said
        assert not turn.end_session, said
        assert turn.speech.rstrip().endswith("?") and turn.reprompt, f"dead end: {said}"
    repeats = sum(n - 1 for n in Counter(t.speech for t in turns).values())
    assert repeats <= 0.05 * len(turns), f"{repeats} repeated responses in {len(turns)} turns"
    chat_turns = [t for t in turns if t.intent in ("ChatIntent", "ConverseIntent", "AMAZON.FallbackIntent")]
    assert len(chat_turns) >= 15


def test_chat_remembers_interests_and_products_across_sessions(demo_simulator: Make, demo_store: Store) -> None:
    sim = demo_simulator(user="memory-keeper")
    sim.say("open shop talk")
    sim.say("let's chat about books")
    sim.say("chat about the echo buds")
    sim.say("stop")
    memory = demo_store.get_memory(_user_id("memory-keeper"))
    assert memory is not None
    assert "books" in memory.interests
    assert "demo-echo-buds" in memory.products_discussed
    again = demo_simulator(user="memory-keeper")
    again.say("open shop talk")
    recalled = again.say("let's chat")
    assert "Last time we talked about the Echo Buds" in recalled.speech, recalled.speech


def test_an_opinion_is_remembered(demo_simulator: Make, demo_store: Store) -> None:
    sim = demo_simulator(user="opinionated")
    sim.say("open shop talk")
    sim.say("chat about the echo dot")
    reply = sim.say("i love how small it is")
    assert "I'll remember what you think of the Echo Dot" in reply.speech, reply.speech
    memory = demo_store.get_memory(_user_id("opinionated"))
    assert memory is not None
    assert any("how small it is" in said for _, said in memory.opinions)


def test_goodbye_to_the_chat_closes_it_gracefully(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    sim.say("let's chat")
    bye = sim.say("let's talk about bye for now")
    assert "I've really enjoyed chatting with you" in bye.speech
    assert bye.speech.endswith("What would you like to do?") and not bye.end_session
    after = sim.say("purple monkey dishwasher")
    assert "didn't get that" in after.speech  # no longer in chat: the normal fallback


def test_go_home_leaves_the_chat(demo_simulator: Make) -> None:
    sim = demo_simulator()
    sim.say("open shop talk")
    sim.say("let's chat about music")
    sim.say("go home")
    assert "didn't get that" in sim.say("purple monkey dishwasher").speech


def test_delete_my_data_erases_chat_memory(demo_simulator: Make, demo_store: Store) -> None:
    sim = demo_simulator(user="forgetful")
    sim.say("open shop talk")
    sim.say("let's chat about music")
    assert demo_store.get_memory(_user_id("forgetful")) is not None
    from knowledge.privacy import erase_user

    erase_user(demo_store, _user_id("forgetful"))  # what "delete my data" runs for this user
    assert demo_store.get_memory(_user_id("forgetful")) is None
