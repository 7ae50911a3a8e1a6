"""Aspects with sentiment: what a review talks about and how it leans, clause by clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.aspects import clauses, mentions, question_aspects, review_aspects


def test_contrast_splits_opinions_on_two_aspects() -> None:
    assert review_aspects("The sound is great but the battery dies fast.") == {"sound": 1, "battery": -1}


def test_negation_and_domain_words_lean_the_right_way() -> None:
    assert review_aspects("The screen is not bright enough and looks grainy.") == {"screen": -1}
    assert review_aspects("It never freezes and the apps are really responsive.") == {"app": 1, "speed": 1}
    assert review_aspects("Set up was not difficult at all.") == {"setup": 1}


def test_multiword_terms_and_plurals_name_aspects_precisely() -> None:
    assert set(review_aspects("Battery life is amazing, easy to use for my kids.")) == {"battery", "ease of use", "kids"}
    assert review_aspects("Love all the apps.") == {"app": 1}
    assert review_aspects("I set the alarm and it lasts.") == {}  # "set", "last" alone name nothing in reviews


def test_a_review_leans_by_the_sum_of_its_clauses() -> None:
    text = "Great speaker. The speaker crackles at full volume. Still, the sound is wonderful!"
    assert review_aspects(text) == {"sound": 1}
    assert [m.polarity for m in mentions(text)] == [1, -1, 1]


def test_clauses_follow_sentences_and_contrast_words() -> None:
    assert clauses("Works well; however the app is slow. Price was fine") == [
        "Works well", "the app is slow.", "Price was fine"]


def test_questions_use_the_generous_vocabulary() -> None:
    assert question_aspects("how long does the battery last") == ("battery", "durability")
    assert question_aspects("can i take it to the beach") == ("portability",)


@pytest.mark.slow
def test_precision_on_the_hand_checked_held_out_sample(shared_data: Path) -> None:
    from knowledge.bench.aspects import evaluate, load_labels

    report = evaluate(load_labels(shared_data, sample="held_out"))
    assert report["clauses"] >= 100
    assert report["aspect_precision"] >= 0.9
    ours, whole_review, _stars = report["polarity"]
    assert ours["positive"] >= 0.85 and ours["negative"] >= 0.65 and ours["accuracy"] >= 0.72
    assert ours["accuracy"] > whole_review["accuracy"]
