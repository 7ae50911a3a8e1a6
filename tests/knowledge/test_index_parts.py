"""Fast tests of the index's parts that need no model: passages, BM25 with its delta, columns."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knowledge.index.columns import CodeColumn, StringColumn, VectorColumn
from knowledge.index.lexical import LexicalIndex, tokenize
from knowledge.index.passages import (
    ROLE_QA,
    ROLE_QUESTION,
    ROLE_REVIEW,
    question_key,
    question_passages,
    review_passages,
    split_sentences,
)
from knowledge.model import Answer, Question, Review, ReviewStatus

LONG = (
    "I bought this for my daughter. The screen is bright and sharp.The battery lasts two days "
    "with heavy use! Parental controls were easy to set up? Shipping took a week, which was "
    "slower than promised, but the box was intact and nothing was missing at all."
)


def test_sentences_split_at_punctuation_even_without_a_space() -> None:
    sentences = split_sentences(LONG)
    assert sentences[1] == "The screen is bright and sharp."
    assert sentences[2] == "The battery lasts two days with heavy use!"
    assert len(sentences) == 5


def test_run_on_sentences_are_cut() -> None:
    run_on = ", ".join(["the sound is good"] * 60)
    parts = split_sentences(run_on)
    assert len(parts) > 1
    assert all(len(p) <= 401 for p in parts)


def test_long_review_gives_one_passage_per_sentence_with_the_title_as_context() -> None:
    review = Review("r1", "p1", 4, LONG, title="Great first tablet")
    passages = review_passages(review)
    assert [p.text for p in passages] == split_sentences(LONG)
    assert all(p.role == ROLE_REVIEW and p.source_id == "r1" and p.rating == 4 for p in passages)
    assert passages[0].index_text == "Great first tablet. I bought this for my daughter."
    assert passages[1].context == ""


def test_short_review_is_one_passage_and_unpublished_ones_none() -> None:
    assert len(review_passages(Review("r2", "p1", 5, "Love it. Works great."))) == 1
    pending = Review("r3", "p1", 5, LONG, status=ReviewStatus.PENDING)
    assert review_passages(pending) == []


def test_question_passages_and_key_follow_published_answers() -> None:
    answers = (
        Answer("a1", "q1", "Only with an adapter.", votes=1),
        Answer("a2", "q1", "Yes, over Bluetooth.", votes=7),
        Answer("a3", "q1", "spam", status=ReviewStatus.REJECTED),
    )
    question = Question("q1", "p1", "Does it connect to my TV?", answers=answers)
    passages = question_passages(question)
    assert [p.role for p in passages] == [ROLE_QA, ROLE_QA, ROLE_QUESTION]
    assert passages[0].text == "Does it connect to my TV? Yes, over Bluetooth."  # best voted first
    assert passages[2].text == "Does it connect to my TV?" and passages[2].target == 0
    more = Question("q1", "p1", question.text, answers=(*answers, Answer("a4", "q1", "No.")))
    assert question_key(more) != question_key(question)
    assert question_passages(Question("q2", "p1", "Unanswered?")) == []


def test_tokenize_stems_and_drops_stop_words() -> None:
    assert tokenize("The straps are running loose") == ["strap", "run", "loos"]
    assert tokenize("") == []


def test_bm25_delta_scores_new_documents_on_the_main_scale(tmp_path: Path) -> None:
    docs = [
        "the battery lasts a week",
        "screen is bright",
        "sound quality is great",
        "the strap broke after a month",
    ]
    full = LexicalIndex()
    full.build(docs + ["battery died in a day"])
    incremental = LexicalIndex()
    incremental.build(docs)
    incremental.add("battery died in a day")
    assert incremental.doc_count == 5 and incremental.delta_count == 1
    got, want = incremental.scores("battery"), full.scores("battery")
    assert got[4] > 0 and got[1] == 0
    # same ranking, and the delta's score close to what a full rebuild gives
    assert list(np.argsort(-got)[:2]) == list(np.argsort(-want)[:2])
    assert abs(got[4] - want[4]) < 0.25 * want[4]

    incremental.save(tmp_path / "bm25")
    loaded = LexicalIndex()
    assert loaded.load(tmp_path / "bm25") == 4
    loaded.add("battery died in a day")
    assert np.allclose(loaded.scores("battery"), got)
    assert LexicalIndex().load(tmp_path / "absent") is None


def test_columns_round_trip_and_grow() -> None:
    texts = StringColumn()
    for value in ("héllo", "", "wörld"):
        texts.append(value)
    assert [texts[i] for i in range(3)] == ["héllo", "", "wörld"]
    codes = CodeColumn()
    for value in ("a", "b", "a"):
        codes.append(value)
    assert list(codes.as_array()) == [0, 1, 0] and codes[2] == "a"
    vectors = VectorColumn(4, np.float16)
    data = np.eye(4, dtype=np.float32)
    for _ in range(600):
        vectors.extend(data)
    assert len(vectors) == 2400
    scores = vectors.scores(np.array([0, 1, 0, 0], dtype=np.float32))
    assert scores.dtype == np.float32 and scores[1] == 1.0 and scores[0] == 0.0
    assert np.array_equal(vectors.scores(np.ones(4, np.float32), np.array([5, 6])), [1.0, 1.0])


def _bag_of_words(texts: Sequence[str]) -> np.ndarray:
    """A deterministic stand-in embedder for ranking arithmetic: hashed stemmed words."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, text in enumerate(texts):
        for token in tokenize(text):
            out[i, sum(map(ord, token)) % 384] += 1.0
        out[i] /= max(float(np.linalg.norm(out[i])), 1e-6)
    return out


def test_document_terms_reward_review_relevance_and_penalise_late_sentences() -> None:
    from knowledge.index.fusion import FusionParams, document_terms

    params = FusionParams(review_weight=0.5, position_weight=0.04)
    terms = document_terms(np.array([0.2, 0.6, 0.2]), np.array([0, 0, 3]), params)
    assert abs(terms[1] - terms[0] - 0.5 * 0.4) < 1e-9
    assert abs(terms[0] - terms[2] - 0.04 * np.log(4)) < 1e-9
    assert not document_terms(np.ones(2), np.ones(2), FusionParams.dense_only()).any()


def test_a_sentence_of_an_on_topic_review_wins_and_filtered_equals_unfiltered() -> None:
    from knowledge.index.fusion import FusionParams
    from knowledge.index.search_index import SearchIndex

    off_topic = Review(
        "r-off", "p1", 5,
        "The strap broke within a week of normal use. The battery is great. The colour faded "
        "after one wash in cold water. The clasp scratches my wrist whenever I type. Customer "
        "service never answered my emails about the strap. The replacement strap was also "
        "too short for my wrist and the buckle rattles when I walk.",
    )
    on_topic = Review(
        "r-on", "p1", 5,
        "The battery charges fast from any port. The battery is great. Battery life is long, "
        "two full days with the screen on. I never worry about the battery when I travel. "
        "Charging the battery every night is not needed. After a year the battery still holds "
        "a charge for most of a weekend away from any power outlet.",
    )
    # only the sentence's own cosine and its review's relevance: the two sentences tie on
    # the first, so without the review term the earlier-added (off-topic) one would win
    params = FusionParams(
        context_weight=0.0, lexical_weight=0.0, position_weight=0.0, review_weight=0.5
    )
    index = SearchIndex(embedder=_bag_of_words, params=params)
    index.add_review(off_topic)
    index.add_review(on_topic)
    filtered = index.search("is the battery great", product_id="p1", k=1)
    assert filtered[0].source_id == "r-on"
    tied = index.search("is the battery great", "p1", 1, replace(params, review_weight=0.0))
    assert tied[0].source_id == "r-off"
    both = FusionParams()  # the product's defaults, filtered and unfiltered alike
    unfiltered = index.search("how is the battery", k=3, params=both)
    same = index.search("how is the battery", product_id="p1", k=3, params=both)
    assert [(h.source_id, h.text, round(h.score, 9)) for h in unfiltered] == [
        (h.source_id, h.text, round(h.score, 9)) for h in same
    ]


def test_a_small_bm25_build_logs_no_debug_notes_and_draws_no_bars(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    lexical = LexicalIndex()

    lexical.build(["The battery lasts two days.", "The screen is bright at night."], progress=True)

    assert not [r for r in caplog.records if r.name.startswith("bm25s")]
    assert "BM25S" not in capsys.readouterr().err
