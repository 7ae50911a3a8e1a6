"""Answerability, evidence selection and quotes, on SearchHits as the index returns them."""

from __future__ import annotations

from dialogue.answers import (
    ANSWERABLE_DENSE,
    content_words,
    evidence_from,
    is_answerable,
    quote_from,
    tidy_for_voice,
    tone,
)
from knowledge.index.hit import SearchHit


def hit(text: str, dense: float, score: float = 1.0, source: str = "r1", rating: int | None = 5,
        kind: str = "review", question: str = "") -> SearchHit:
    return SearchHit(text=text, kind=kind, product_id="p", score=score, source_id=source,
                     dense=dense, rating=rating, question=question)


def test_answerable_only_above_the_calibrated_threshold() -> None:
    assert not is_answerable([])
    assert not is_answerable([hit("x", ANSWERABLE_DENSE - 0.01)])
    assert is_answerable([hit("x", ANSWERABLE_DENSE - 0.2), hit("y", ANSWERABLE_DENSE)])


def test_quote_picks_the_sentences_that_match_the_question() -> None:
    passage = (
        "I bought it for my daughter. The battery easily lasts two weeks of reading. "
        "Shipping was quick!!! Overall a good buy."
    )
    quote = quote_from("how long does the battery last", passage)
    assert quote.startswith("The battery easily lasts two weeks")
    assert "Shipping" not in quote


def test_quote_is_short_and_tidy() -> None:
    long = "and " + "really " * 80 + "great screen"
    quote = quote_from("screen", long)
    assert len(quote) <= 220 and quote.endswith(".") and quote[0].isupper()
    assert tidy_for_voice("but honestly great!!!") == "Honestly great!"
    assert tidy_for_voice("  ") == ""


def test_evidence_is_one_per_source_best_first_and_drops_weak_hits() -> None:
    hits = [
        hit("The sound is rich and loud.", 0.6, score=3.0, source="a"),
        hit("The sound fills the room.", 0.55, score=2.0, source="a"),  # same review again
        hit("Sound is muddy at high volume.", 0.5, score=1.5, source="b", rating=2),
        hit("Shipping took a week.", 0.05, score=1.0, source="c"),  # not about the question
    ]
    evidence = evidence_from("how is the sound", hits)
    assert [e.source_id for e in evidence] == ["a", "b"]
    assert evidence[0].quote == "The sound is rich and loud."
    assert evidence[1].rating == 2


def test_qa_evidence_quotes_the_answer_not_the_question() -> None:
    q = "Does it work with Spotify?"
    evidence = evidence_from("spotify", [hit(f"{q} Yes, Spotify works fine.", 0.7, kind="qa", rating=None, question=q)])
    assert evidence[0].kind == "qa" and evidence[0].quote == "Yes, Spotify works fine."


def test_tone_follows_the_star_ratings() -> None:
    def ev(*ratings: int) -> tuple:
        return evidence_from("sound", [hit("Sound is good.", 0.6, source=str(i), rating=r) for i, r in enumerate(ratings)])

    assert tone(ev(5, 4, 5)) == "positive"
    assert tone(ev(1, 2, 1)) == "negative"
    assert tone(ev(5, 1, 3)) == "mixed"
    assert tone(()) == ""


def test_content_words_meet_across_word_forms() -> None:
    assert content_words("reading at night") & content_words("I read every night")
    assert not content_words("is it the one")


def test_a_repeated_sentence_is_quoted_once() -> None:
    passage = "The battery life is great on trips. The battery life is great on trips."
    assert quote_from("battery life", passage) == "The battery life is great on trips."


def test_a_community_answer_is_spoken_from_its_start() -> None:
    q = "How long does the battery last?"
    text = f"{q} Weeks. I read about an hour a day and charge every three weeks. Great device."
    evidence = evidence_from("battery life", [hit(text, 0.8, kind="qa", rating=None, question=q)])
    assert evidence[0].quote == "Weeks. I read about an hour a day and charge every three weeks."
