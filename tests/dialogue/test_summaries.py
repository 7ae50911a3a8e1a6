"""Review summaries: exact numbers, aspects mined from the reviews themselves, one quote."""

from __future__ import annotations

import pytest

from dialogue.summaries import aspect_terms, sentence_polarity, spoken_list, summarise
from knowledge.model import Product, Review

SPEAKER = Product("spk", "Acme Boombox Speaker", category="devices")


def reviews(*rows: tuple[int, str]) -> list[Review]:
    return [Review(id=f"r{i}", product_id="spk", rating=r, text=t) for i, (r, t) in enumerate(rows)]


def test_praise_and_complaints_come_from_the_reviews() -> None:
    summary = summarise(
        SPEAKER,
        reviews(
            (5, "The battery life is amazing. The sound is rich."),
            (5, "Love it, the battery life lasts all week."),
            (4, "Great speaker, the sound is clear and loud enough."),
            (2, "The app is confusing and crashes a lot."),
            (1, "Terrible. The app keeps losing my settings."),
            (3, "The app is slow but the battery life is great."),
            (4, "Nice design, the battery life is excellent."),
        ),
    )
    assert summary.review_count == 7
    assert summary.average_rating == pytest.approx(3.4)
    assert [a.term for a in summary.praised][:2] == ["battery life", "sound"]
    assert [a.term for a in summary.criticised] == ["app"]
    assert summary.quote and summary.quote_review_id is not None
    assert "speaker" not in {a.term for a in summary.praised}  # the product's own name words


def test_no_reviews_gives_an_empty_summary() -> None:
    summary = summarise(SPEAKER, [])
    assert (summary.review_count, summary.average_rating, summary.praised, summary.quote) == (0, 0.0, (), "")


def test_aspects_skip_places_people_and_generic_words() -> None:
    assert aspect_terms("I keep it in the kitchen for my grandson.") == set()
    assert aspect_terms("The screen is sharp and the remote works.") == {"screen", "remote"}
    assert aspect_terms("Sound is rich.") == {"sound"}
    assert "thing" not in aspect_terms("The thing is great.")


def test_sentence_polarity_with_negation() -> None:
    assert sentence_polarity("The sound is great") == 1
    assert sentence_polarity("The sound is not great") == -1
    assert sentence_polarity("It arrived on Tuesday") == 0


def test_spoken_lists() -> None:
    assert spoken_list([]) == ""
    assert spoken_list(["sound"]) == "sound"
    assert spoken_list(["sound", "battery"]) == "sound and battery"
    assert spoken_list(["a", "b", "c"], "or") == "a, b or c"
