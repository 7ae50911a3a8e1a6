"""Grounding: generated sentences survive only when the retrieved evidence supports them."""

from __future__ import annotations

import numpy as np
import pytest

from dialogue.generation.grounding import (
    LEXICAL_SUPPORT,
    content_words,
    ground,
    negated,
    numbers,
)

EVIDENCE = [
    "The battery lasts about two days with heavy use, which is great.",
    "Screen is bright and easy to read at night. Charging is slow, it takes 3 hours.",
    "The case feels cheap but it does not scratch.",
]


def test_supported_sentence_is_kept() -> None:
    result = ground("Charging is slow and takes about 3 hours.", EVIDENCE, truncated=False)

    assert result.grounded
    assert result.text == "Charging is slow and takes about 3 hours."
    assert result.checks[0].reason == "supported"
    assert result.survival_rate == 1.0


def test_invented_claim_is_dropped() -> None:
    result = ground("It comes with a free leather cover and a stylus.", EVIDENCE)

    assert not result.grounded
    assert result.text == ""
    assert result.dropped[0].reason == "unsupported"
    assert result.dropped[0].lexical < LEXICAL_SUPPORT


def test_invented_number_is_dropped_even_when_the_words_match() -> None:
    result = ground("The battery lasts about five days with heavy use.", EVIDENCE)

    assert not result.grounded
    assert result.dropped[0].reason == "new number 5"


def test_number_words_and_digits_are_the_same_number() -> None:
    result = ground("The battery lasts about 2 days with heavy use.", EVIDENCE)

    assert result.grounded, result.checks


def test_flipped_polarity_is_dropped() -> None:
    kept = ground("The case does not scratch.", EVIDENCE)
    flipped = ground("The screen is not bright at night.", EVIDENCE)

    assert kept.grounded
    assert not flipped.grounded and flipped.dropped[0].reason == "polarity"


def test_only_supported_sentences_survive_from_a_mixed_answer() -> None:
    text = (
        "The screen is bright and easy to read at night. "
        "It is waterproof to 10 meters. "
        "Charging is slow."
    )
    result = ground(text, EVIDENCE)

    assert result.kept == ("The screen is bright and easy to read at night.", "Charging is slow.")
    assert [c.reason for c in result.dropped] == ["new number 10"]
    assert result.survival_rate == pytest.approx(2 / 3)


def test_sentence_without_content_is_dropped() -> None:
    result = ground("Yes, it is.", EVIDENCE)

    assert not result.grounded and result.dropped[0].reason == "no content"


def test_markup_is_cleaned_before_checking_and_the_answer_is_short() -> None:
    text = "**Sure!** Here is what reviewers say:\n- Screen is bright.\n- Charging is slow.\n- The battery lasts two days."
    result = ground(text, EVIDENCE)

    assert result.text == "Screen is bright. Charging is slow."
    assert "*" not in result.text and "-" not in result.text


def test_unfinished_last_sentence_is_dropped_only_when_truncated() -> None:
    text = "Screen is bright. The battery lasts about two days with"

    assert ground(text, EVIDENCE, truncated=True).kept == ("Screen is bright.",)
    assert len(ground(text, EVIDENCE, truncated=False).kept) == 2


def test_semantic_support_rescues_a_paraphrase_but_not_an_invention() -> None:
    paraphrase = "The battery is excellent and lasts long."
    invention = "The speaker sounds excellent and lasts long."

    def embed(texts: list[str]) -> np.ndarray:
        # A deterministic stand-in for MiniLM: the paraphrase is close to the battery sentence.
        rows = []
        for text in texts:
            battery = "battery" in text.lower()
            rows.append([1.0, 0.0] if battery else [0.0, 1.0])
        return np.asarray(rows, dtype=np.float32)

    lexical_only = ground(paraphrase, EVIDENCE)
    with_embedding = ground(paraphrase, EVIDENCE, embed=embed)
    invented = ground(invention, EVIDENCE, embed=embed)

    assert not lexical_only.grounded
    assert with_embedding.grounded and with_embedding.checks[0].semantic == pytest.approx(1.0)
    assert not invented.grounded


def test_helpers() -> None:
    assert content_words("Batteries and charging!") == {"battery", "charg"}
    assert numbers("two days, 3 hours, 4.0 stars", include_ambiguous=True) == {"2", "3", "4"}
    assert numbers("one of the best", include_ambiguous=False) == set()
    assert negated("It doesn't fit") and not negated("It fits")


@pytest.mark.slow
def test_real_embedder_keeps_a_paraphrase_and_drops_an_on_topic_invention() -> None:
    embedder = pytest.importorskip("knowledge.index.embedder")
    try:
        embedder.model_path()
    except RuntimeError as exc:
        pytest.skip(str(exc))

    paraphrase = ground("The battery life is very good, it lasts 2 days.", EVIDENCE, embed=embedder.embed)
    invention = ground("The screen looks sharp and colourful in sunlight.", EVIDENCE, embed=embedder.embed)

    assert paraphrase.grounded, paraphrase.checks
    assert not invention.grounded, invention.checks
