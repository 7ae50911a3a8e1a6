"""Moderation as the social features apply it, with positive and negative examples: words
that merely contain a rude string are not profanity; real profanity is masked; personal data
is redacted in spoken and written forms; abuse and spam are held back."""

from __future__ import annotations

import pytest

from knowledge.model import ReviewStatus
from knowledge.moderation import moderate


@pytest.mark.parametrize(
    "text",
    [
        "I drove it to Scunthorpe and back",
        "let me assess the sound quality",
        "a classic cocktail glass",
        "the assassin in the audiobook is great",
        "Middlesex delivery was quick",
        "the grass-green colour",
        "it was 12 hours of battery on 2 charges",
    ],
)
def test_clean_text_is_published_unchanged(text: str) -> None:
    result = moderate(text)
    assert result.status is ReviewStatus.PUBLISHED and result.text == text, result


@pytest.mark.parametrize(("text", "word"), [("this shit works", "shit"), ("fucking brilliant speaker", "fucking")])
def test_profanity_is_masked_but_published(text: str, word: str) -> None:
    result = moderate(text)
    assert result.status is ReviewStatus.PUBLISHED and word not in result.text and "profanity" in result.reasons


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("call me at 555 123 4567", "4567"),
        ("mail bob@example.com", "bob@example.com"),
        ("write to bob at example dot com", "example dot com"),
        ("my number is five five five one two three four five six seven", "six seven"),
        ("come to 12 Main Street tonight", "Main Street"),
    ],
)
def test_personal_data_is_redacted(text: str, leak: str) -> None:
    result = moderate(text)
    assert leak not in result.text and "removed]" in result.text, result


@pytest.mark.parametrize("text", ["you are an idiot", "BUY NOW http://cheap.example CLICK HERE"])
def test_attacks_and_spam_are_held(text: str) -> None:
    assert moderate(text).status is not ReviewStatus.PUBLISHED
