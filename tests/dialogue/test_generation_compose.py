"""grounded_answer and small_talk: prompt -> generate -> clean -> ground, with the fallbacks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dialogue.generation.compose import (
    FALLBACK_EMPTY,
    FALLBACK_TIMEOUT,
    FALLBACK_UNGROUNDED,
    grounded_answer,
    small_talk,
)
from dialogue.generation.none_backend import NoGenerator
from dialogue.generation.prompts import (
    MAX_PASSAGES,
    PASSAGE_CHARS,
    answer_request,
    small_talk_request,
    trim_passage,
)
from tests.dialogue.generation_harness import converse_response, stubbed_bedrock

PASSAGES = [
    "The battery lasts about two days with heavy use, which is great.",
    "Screen is bright and easy to read at night. Charging is slow, it takes 3 hours.",
]


def _bedrock_saying(text: str, latency_s: float = 0.0):  # type: ignore[no-untyped-def]
    generator, stubber = stubbed_bedrock(latency_s)
    stubber.add_response("converse", converse_response(text, len(text.split())))
    return generator


def test_grounded_text_is_spoken() -> None:
    generator = _bedrock_saying("**Reviewers say** the screen is easy to read at night. It is waterproof.")

    answer = grounded_answer(generator, "Can I read at night?", PASSAGES, semantic=False)

    assert answer.usable
    assert answer.text == "Reviewers say the screen is easy to read at night."
    assert answer.grounding is not None and len(answer.grounding.dropped) == 1


def test_ungrounded_text_falls_back() -> None:
    generator = _bedrock_saying("It has a great camera and 128 GB of storage.")

    answer = grounded_answer(generator, "How is the camera?", PASSAGES, semantic=False)

    assert not answer.usable and answer.fallback == FALLBACK_UNGROUNDED and answer.text == ""


def test_timeout_falls_back() -> None:
    generator = _bedrock_saying("Too late.", latency_s=0.5)

    answer = grounded_answer(generator, "How is it?", PASSAGES, budget_s=0.05, semantic=False)

    assert answer.fallback == FALLBACK_TIMEOUT and answer.generation.timed_out


def test_none_backend_always_falls_back() -> None:
    answer = grounded_answer(NoGenerator(), "How is it?", PASSAGES)

    assert answer.fallback == FALLBACK_EMPTY and not answer.usable


def test_small_talk_drops_numbers_and_markup() -> None:
    generator = _bedrock_saying("Hiking is lovely! I walked 20 miles once. What trail do you like?")

    reply = small_talk(generator, "I love hiking")

    assert reply.usable and reply.text == "Hiking is lovely! What trail do you like?"


def test_answer_prompt_is_short_and_carries_the_evidence() -> None:
    long_passage = "It is good. " * 100
    request = answer_request("Is it good?", [long_passage, *PASSAGES, "x", "y"], budget_s=0.8)
    user = request.messages[-1].content

    assert request.greedy and request.budget_s == 0.8 and request.max_new_tokens == 40
    assert user.count("\n- ") == MAX_PASSAGES
    assert len(user) < 1200 and "Question: Is it good?" in user
    assert len(trim_passage(long_passage)) <= PASSAGE_CHARS


def test_small_talk_prompt_mentions_the_topic() -> None:
    request = small_talk_request("I like it", topic="the Kindle Paperwhite")

    assert "the Kindle Paperwhite" in request.messages[-1].content and not request.greedy


@pytest.mark.slow
def test_real_model_answer_is_grounded_or_falls_back(tmp_path: Path) -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator

    generator = LlamaCppGenerator(cache_dir=tmp_path)
    generator.warm_up()
    answer = grounded_answer(generator, "How long does the battery last?", PASSAGES, budget_s=30.0, semantic=False)

    assert answer.generation.error is None and not answer.generation.timed_out
    if answer.usable:
        assert answer.grounding is not None
        assert answer.text.split(". ")[0].rstrip(".") in " ".join(answer.grounding.kept)
        assert all(c.reason == "supported" for c in answer.grounding.checks if c.kept)
    else:
        assert answer.fallback == FALLBACK_UNGROUNDED
