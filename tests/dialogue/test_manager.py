"""DialogueManager behaviours that need no envelope: progressive responses, follow-ups,
memory, and the locale strings every reply uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogue.chat.generators import QUOTE_QUESTIONS, SMALL_TALK_KEYS
from dialogue.config import DialogueConfig
from dialogue.manager import ASK_COMMUNITY, MORE_EVIDENCE, PICK_PRODUCT, DialogueManager
from dialogue.memory import MAX_ITEMS, MemoryKeeper, with_interest, with_opinion, with_product
from dialogue.reply import Say
from dialogue.state import DialogueState, Pending
from dialogue.voice.renderer import load_strings
from knowledge.model import UserMemory
from knowledge.store.base import Store

DIALOGUE = Path(__file__).resolve().parents[2] / "dialogue"


def _keys_used() -> set[str]:
    keys: set[str] = set()
    for path in [DIALOGUE / "manager.py", *sorted((DIALOGUE / "chat").glob("*.py"))]:
        keys.update(re.findall(r'Say\(\s*"([a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    keys.update(f"answers.tone.{t}" for t in ("positive", "negative", "mixed", "qa"))
    keys.update(f"chat.ack.{w}" for w in ("yes", "no"))
    keys.update(SMALL_TALK_KEYS, QUOTE_QUESTIONS)
    return keys


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_every_key_the_dialogue_speaks_exists_in_every_locale(locale: str) -> None:
    strings = load_strings(locale)
    missing = sorted(k for k in _keys_used() if k not in strings)
    assert not missing, f"{locale} lacks {missing}"


def test_question_keys_end_with_a_question_mark() -> None:
    strings = load_strings("en-US")
    for key in ["answers.offer_more", "answers.offer_done", "answers.offer_community", "products.which",
                "products.did_you_mean", "products.which_of", "chat.ask.interest", "chat.recall",
                *SMALL_TALK_KEYS, *QUOTE_QUESTIONS]:
        assert strings[key].endswith("?"), key


def test_more_evidence_walks_distinct_passages_then_stops(demo_manager: DialogueManager) -> None:
    reply = demo_manager.product_question(DialogueState(), "how is the sound", "echo dot")
    state = reply.state
    assert state.pending == Pending(MORE_EVIDENCE, {"product_id": "demo-echo-dot"})
    spoken = [reply.speech]
    for _ in range(12):
        reply = demo_manager.more_evidence(state)
        spoken.append(reply.speech)
        state = reply.state
        if state.pending is None:
            break
    assert state.pending is None and state.evidence is None, "the evidence never ran out"
    assert len({repr(s) for s in spoken}) == len(spoken), "an opinion was repeated"


def test_unanswerable_hands_over_to_the_community(demo_manager: DialogueManager) -> None:
    reply = demo_manager.product_question(DialogueState(), "can it translate ancient sumerian poetry", "smart plug")
    assert reply.state.pending.action == ASK_COMMUNITY
    assert reply.state.pending.data == {
        "product_id": "demo-amazon-smart-plug", "question": "can it translate ancient sumerian poetry"}
    assert reply.speech[-1] == Say("answers.offer_community")


def test_pick_product_no_asks_again_and_a_name_picks(demo_manager: DialogueManager) -> None:
    asked = demo_manager.review_summary(DialogueState(), "echo")
    assert asked.state.pending.action == PICK_PRODUCT
    declined = demo_manager.pick_product(asked.state, "no")
    assert declined.speech == (Say("products.which"),) and declined.state.pending is None
    picked = demo_manager.review_summary(asked.state, "the echo show")
    assert picked.state.focus_product_id == "demo-echo-show-8"


def test_no_generator_means_no_progressive_response(demo_manager: DialogueManager) -> None:
    reply = demo_manager.product_question(DialogueState(), "is it good for reading at night", "paperwhite")
    assert reply.progressive is None


@pytest.mark.slow
def test_generator_turns_announce_themselves_with_a_progressive_response(demo_store: Store, demo_dir: Path) -> None:
    from dialogue.generation import build_generator
    from knowledge.config import KnowledgeConfig
    from knowledge.index import open_index

    config = DialogueConfig(generator="llama_cpp", generation_budget_s=8.0)  # room even on a busy machine
    generator = build_generator(config)
    index = open_index(demo_store, KnowledgeConfig(data_dir=demo_dir))
    manager = DialogueManager(demo_store, lambda: index, lambda: generator, config)
    reply = manager.product_question(DialogueState(), "is it good for reading at night", "paperwhite")
    assert reply.progressive == Say("answers.progressive")
    said: list[Say] = []
    again = manager.product_question(DialogueState(), "is it good for reading at night", "paperwhite", progress=said.append)
    assert said == [Say("answers.progressive")] and again.progressive is None
    assert again.speech[-1] == Say("answers.offer_more")  # generated or extractive, the shape holds


def test_memory_updates_are_bounded_and_pure() -> None:
    memory = UserMemory("u1")
    for i in range(MAX_ITEMS + 5):
        memory = with_product(memory, f"p{i}")
    assert len(memory.products_discussed) == MAX_ITEMS and memory.products_discussed[-1] == f"p{MAX_ITEMS + 4}"
    memory = with_product(memory, "p10")
    assert memory.products_discussed[-1] == "p10" and memory.products_discussed.count("p10") == 1
    memory = with_opinion(with_opinion(memory, "Echo Dot", "too quiet"), "Echo Dot", "fine actually " * 40)
    assert [t for t, _ in memory.opinions] == ["Echo Dot"] and len(memory.opinions[0][1]) <= 200
    assert with_interest(memory, " Books ").interests == ("books",)


def test_memory_keeper_writes_only_changes_of_known_users(demo_store: Store) -> None:
    keeper = MemoryKeeper(demo_store)
    assert keeper.load(None) == UserMemory("")
    keeper.save(UserMemory(""), with_interest(UserMemory(""), "books"))  # anonymous: nothing stored
    before = keeper.load("memory-test-user")
    after = with_interest(before, "music")
    keeper.save(before, after)
    assert demo_store.get_memory("memory-test-user").interests == ("music",)
