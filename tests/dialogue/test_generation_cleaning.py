"""Voice cleaning: model output becomes one or two plain, speakable sentences."""

from __future__ import annotations

import pytest

from dialogue.generation.cleaning import MAX_CHARS, clean_for_voice, clean_sentences
from dialogue.generation.text import split_sentences, strip_template_tokens


@pytest.mark.parametrize(
    ("raw", "spoken"),
    [
        ("**Great battery** and a _bright_ screen.", "Great battery and a bright screen."),
        ("## Verdict\nIt is worth it.", "Verdict. It is worth it."),
        ("- Light.\n- Sturdy.\n- Cheap.", "Light. Sturdy."),
        ("1. Fast charging\n2. Long battery life.", "Fast charging. Long battery life."),
        ("See https://example.com/review for more. It is quiet.", "See for more. It is quiet."),
        ("Read [the review](http://x.org) now.", "Read the review now."),
        ("It is great 😀👍 for kids!", "It is great for kids!"),
        ("As an AI, I have no opinions. Reviewers like the sound.", "Reviewers like the sound."),
        ("Sure! The sound is clear.", "The sound is clear."),
        ("Great question! I hope this helps.", ""),
        ("<|im_start|>assistant\nIt fits well.<|im_end|>", "It fits well."),
        ("Use `the app` to pair it.", "Use the app to pair it."),
        ("", ""),
    ],
)
def test_cleaning(raw: str, spoken: str) -> None:
    assert clean_for_voice(raw) == spoken


def test_at_most_two_sentences_and_the_char_limit() -> None:
    text = "One is here. Two is here. Three is here."
    long = " ".join(["This sentence is quite long indeed."] * 3)
    very_long = "word " * 200 + "end."

    assert clean_for_voice(text) == "One is here. Two is here."
    assert len(clean_for_voice(long)) <= MAX_CHARS
    assert clean_for_voice(very_long) == ""  # one sentence longer than the limit is not spoken


def test_unfinished_last_sentence_depends_on_truncation() -> None:
    text = "It is light. The battery lasts for"

    assert clean_sentences(text, truncated=True) == ["It is light."]
    assert clean_sentences(text, truncated=False) == ["It is light.", "The battery lasts for."]


def test_output_is_safe_to_escape_later() -> None:
    spoken = clean_for_voice("<b>Loud</b> & clear, {really} [yes] \\o/ ~great~ ^_^.")

    assert "<" not in spoken and ">" not in spoken and "{" not in spoken and "\\" not in spoken
    assert "&" in spoken  # kept as text; SSML escaping happens in dialogue/voice


def test_sentence_splitting_keeps_decimals_and_abbreviations() -> None:
    assert split_sentences("Rated 4.5 stars. It works, e.g. for travel. Nice!") == [
        "Rated 4.5 stars.",
        "It works, e.g. for travel.",
        "Nice!",
    ]


def test_template_tokens_are_stripped() -> None:
    assert strip_template_tokens("<start_of_turn>model\nHello<end_of_turn>") == "Hello"
