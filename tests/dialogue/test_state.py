"""Dialogue state: versioned, round-trips through session attributes, stays small."""

from __future__ import annotations

import json

from dialogue.state import (
    ATTRIBUTE_KEY,
    MAX_RECENT,
    STATE_VERSION,
    ChatState,
    DialogueState,
    EvidenceCursor,
    Pending,
)


def _round_trip(state: DialogueState) -> DialogueState:
    wire = json.loads(json.dumps({ATTRIBUTE_KEY: state.to_attributes()}))
    return DialogueState.from_attributes(wire)


def test_full_state_round_trips_through_json() -> None:
    state = DialogueState(
        focus_product_id="demo-echo-dot",
        pending=Pending("more_evidence", {"product_id": "demo-echo-dot"}),
        last_speech="Hello.",
        last_reprompt="What next?",
        evidence=EvidenceCursor("demo-echo-dot", "is it loud", 2, "answer"),
        chat=ChatState(active=True, topic="books", topic_product_id="demo-sapiens", awaiting="opinion", turns=7),
        recent=("quote:demo-sapiens:r1:0", "view:demo-sapiens"),
    )
    assert _round_trip(state) == state


def test_empty_state_is_tiny() -> None:
    assert DialogueState().to_attributes() == {"v": STATE_VERSION}


def test_version_1_state_is_migrated() -> None:
    old = {ATTRIBUTE_KEY: {"v": 1, "focus": "demo-echo-dot", "pending": {"action": "x", "data": {}}}}
    state = DialogueState.from_attributes(old)
    assert state.focus_product_id == "demo-echo-dot"
    assert state.pending == Pending("x", {})
    assert state.chat == ChatState()


def test_unknown_version_and_garbage_start_fresh() -> None:
    assert DialogueState.from_attributes({ATTRIBUTE_KEY: {"v": 99, "focus": "x"}}) == DialogueState()
    assert DialogueState.from_attributes({ATTRIBUTE_KEY: "nonsense"}) == DialogueState()
    assert DialogueState.from_attributes(None) == DialogueState()
    broken = {ATTRIBUTE_KEY: {"v": STATE_VERSION, "ev": {"p": 5}, "chat": [], "rc": "x", "pending": 3}}
    state = DialogueState.from_attributes(broken)
    assert state.evidence is None and state.chat == ChatState() and state.recent == () and state.pending is None


def test_recent_keys_are_bounded_and_serialised_state_stays_small() -> None:
    state = DialogueState(last_speech="x" * 5000, evidence=EvidenceCursor("p", "q" * 500))
    for i in range(500):
        state = state.remember(f"quote:B01AHB9CN2:AVpe7AsMilAPnD_xQ78G{i:04d}:3")
    assert len(state.recent) == MAX_RECENT
    assert state.said("quote:B01AHB9CN2:AVpe7AsMilAPnD_xQ78G0499:3")
    assert not state.said("quote:B01AHB9CN2:AVpe7AsMilAPnD_xQ78G0000:3")
    size = len(json.dumps(state.to_attributes()))
    assert size < 8 * 1024, f"serialised state is {size} bytes; the whole response must stay under 24 KB"


def test_updates_return_copies() -> None:
    state = DialogueState()
    changed = state.updated(focus_product_id="a").remember("k")
    assert state.focus_product_id is None and state.recent == ()
    assert changed.focus_product_id == "a" and changed.recent == ("k",)
    assert changed.remember("k") is changed
