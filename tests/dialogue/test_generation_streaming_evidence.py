"""The speed-ups of the generated answer: two-sentence early stop, question-relevant evidence,
and grounding that embeds only what lexical overlap cannot decide."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from dialogue.bench.generators import speed_request
from dialogue.generation.base import GenerationRequest
from dialogue.generation.grounding import ground
from dialogue.generation.prompts import ANSWER_SENTENCES, answer_evidence, answer_request, trim_passage
from dialogue.generation.text import end_of_sentences, split_sentences

REVIEW = (
    "I bought this for my daughter last spring. Shipping was quick and the box was intact. "
    "The battery lasts about two days with heavy use. She reads at night and the warm light "
    "is easy on the eyes. The case is sold separately, which is annoying."
)


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("It is great. The battery lasts 3.5 weeks. And then", 2, "It is great. The battery lasts 3.5 weeks."),
        ("It is great. The battery", 2, None),
        ("It is great. The battery lasts.", 2, None),  # the second sentence may still go on
        ("Use it e.g. Daily. Really good. More", 2, "Use it e.g. Daily. Really good."),
        ("One line\nSecond line\nthird", 2, "One line\nSecond line"),
        ("Fine. Next", 1, "Fine."),
    ],
)
def test_end_of_sentences_finds_the_end_once_the_next_sentence_begins(
    text: str, count: int, expected: str | None
) -> None:
    end = end_of_sentences(text, count)
    assert (text[:end] if end is not None else None) == expected


def test_end_of_sentences_needs_a_positive_count() -> None:
    with pytest.raises(ValueError, match="count must be >= 1, not 0"):
        end_of_sentences("A. B", 0)


def test_max_sentences_is_validated_and_set_for_answers_only() -> None:
    with pytest.raises(ValueError, match="max_sentences must be >= 1 or None, not 0"):
        GenerationRequest.from_prompt("hi", max_sentences=0)
    assert answer_request("Is it good?", [REVIEW]).max_sentences == ANSWER_SENTENCES == 2
    # The speed benchmark compares backends on the same number of new tokens: no early stop.
    assert speed_request(40).max_sentences is None


def test_a_passage_is_trimmed_to_the_sentences_about_the_question() -> None:
    trimmed = trim_passage(REVIEW, 120, question="How long does the battery last?")
    assert "battery lasts about two days" in trimmed
    assert len(trimmed) <= 120
    # The kept sentences stay in review order.
    sentences = split_sentences(REVIEW)
    positions = [sentences.index(s) for s in split_sentences(trimmed)]
    assert positions == sorted(positions)
    # Without a question the first sentences are kept, as before.
    assert trim_passage(REVIEW, 120).startswith("I bought this for my daughter")
    night = trim_passage(REVIEW, 120, question="Can she read at night?")
    assert "warm light" in night and "battery" not in night


def test_the_model_and_the_grounding_check_see_the_same_evidence() -> None:
    question = "Is the light good for reading at night?"
    evidence = answer_evidence(question, ["", REVIEW, "Short one.", "Third passage."])
    assert len(evidence) == 2 and evidence[1] == "Short one."
    user = answer_request(question, ["", REVIEW, "Short one.", "Third passage."]).messages[-1].content
    for passage in evidence:
        assert f"- {passage}" in user
    assert "Third passage" not in user


class CountingEmbed:
    """A bag-of-words embedder that records what it was asked to embed."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        vocabulary = sorted({w for t in texts for w in t.lower().split()})
        vectors = np.array(
            [[float(w in t.lower().split()) for w in vocabulary] for t in texts]
        )
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def test_grounding_embeds_nothing_when_lexical_overlap_decides() -> None:
    embed = CountingEmbed()
    result = ground(
        "The battery lasts about two days. Shipping was quick.", [REVIEW], embed=embed,
        truncated=False,
    )
    assert result.grounded and len(result.kept) == 2
    assert embed.calls == []
    assert all(c.semantic is None for c in result.checks)


def test_grounding_embeds_only_the_undecided_sentences() -> None:
    embed = CountingEmbed()
    decided = "The battery lasts about two days."
    unclear = "The warm light helps reading in bed at bedtime."  # some words shared, not most
    invented = "It comes with a free stylus and pen."  # no words shared: rejected without embedding
    result = ground(f"{decided} {unclear} {invented}", [REVIEW], embed=embed, truncated=False)
    assert len(embed.calls) == 1
    generated = embed.calls[0][:1]
    assert generated == [unclear]
    by_sentence = {c.sentence: c for c in result.checks}
    assert by_sentence[decided].kept and by_sentence[decided].semantic is None
    assert by_sentence[unclear].semantic is not None
    assert not by_sentence[invented].kept and by_sentence[invented].semantic is None


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["fp32", "auto"])
def test_the_grounding_embedder_gives_the_knowledge_embedders_vectors_in_slices(
    precision: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slices of four give the vectors of one call: exactly in fp32; under bf16 (auto on a CPU
    with native bf16) within the embedder's documented cosine 0.9999, since bf16 rounding depends
    on how a batch is padded, so the same text differs by a few 1e-4 between batch shapes."""
    from dialogue.generation.compose import knowledge_embed

    embed = knowledge_embed()
    if embed is None:
        pytest.skip("the MiniLM embedder package is not installed")
    from knowledge.index import embedder

    monkeypatch.setenv(embedder.PRECISION_ENV, precision)
    texts = [f"The battery lasts {n} days and the screen is bright." for n in range(9)]
    texts.append("Short one.")  # a different length, so the batches are padded differently
    sliced = embed(texts)
    whole = embedder.embed(texts)
    assert sliced.shape == (len(texts), embedder.DIMENSION)
    if embedder.precision() == "fp32":
        np.testing.assert_allclose(sliced, whole, atol=1e-5)
    else:
        assert float(np.min(np.sum(sliced * whole, axis=1))) >= 0.9999


@pytest.mark.slow
def test_the_q8_copy_is_made_once_and_answers_like_the_original(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator
    from dialogue.generation.models import SMOLLM2_135M
    from dialogue.generation.requantize import requantized_copy

    source = SMOLLM2_135M.gguf_path(tmp_path)
    copy = requantized_copy(source, tmp_path, "q8_0")
    assert copy.is_file() and copy.parent == tmp_path and copy.name.endswith(".q8_0.gguf")
    made = copy.stat().st_mtime_ns
    assert requantized_copy(source, tmp_path) == copy and copy.stat().st_mtime_ns == made  # once
    assert not list(tmp_path.glob(".*.partial"))
    with pytest.raises(ValueError, match="unknown GGUF copy type 'q3_k'"):
        requantized_copy(source, tmp_path, "q3_k")
    generator = LlamaCppGenerator(cache_dir=tmp_path)
    generator.warm_up()
    assert generator.model_file == copy
    answer = generator.generate(
        answer_request(
            "How long does the battery last?",
            ["The battery lasts two days with heavy use. The screen is bright."],
            budget_s=30.0,
        )
    )
    assert answer.error is None and "two days" in answer.text, answer
