"""The learned Q&A terms: which questions are yes/no, which answers say yes or no, which
answers are about the question, and what each term adds (no model needed)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from knowledge.index.answer_terms import (
    answer_features,
    answer_head,
    is_yes_no_question,
    opens_with_yes_or_no,
    question_rows,
)
from knowledge.index.fusion import FusionParams
from knowledge.index.passages import ROLE_QA, ROLE_QUESTION, ROLE_REVIEW


@pytest.mark.parametrize(
    "text",
    ["does it work with Spotify?", "Is the screen bright enough outside", "  can't I pair two?",
     "Will this fit a 2019 model", "Has anyone tried it in the rain?", "should I get the 32GB one"],
)
def test_questions_opening_with_an_auxiliary_are_yes_no(text: str) -> None:
    assert is_yes_no_question(text)


@pytest.mark.parametrize(
    "text", ["how long does the battery last", "what colour is it", "which is louder", "isolation?"]
)
def test_open_questions_are_not_yes_no(text: str) -> None:
    assert not is_yes_no_question(text)


def test_answers_opening_with_yes_or_no() -> None:
    assert opens_with_yes_or_no("Yes, through the app.")
    assert opens_with_yes_or_no('"No" - it needs a hub')
    assert opens_with_yes_or_no("nope")
    assert not opens_with_yes_or_no("Nobody knows")  # a word starting with "no" is not "no"
    assert not opens_with_yes_or_no("It depends on the model")


def test_answer_head_is_the_start_of_the_answer_after_the_question() -> None:
    assert answer_head("Can it play Spotify? Yes, link your account.", "Can it play Spotify?") == (
        "Yes, link your account."
    )


def test_each_answer_finds_its_question_row_among_the_candidates() -> None:
    keys = np.array([7, 7, 7, 3, 9])
    roles = np.array([ROLE_QA, ROLE_QA, ROLE_QUESTION, ROLE_REVIEW, ROLE_QA])
    assert question_rows(keys, roles).tolist() == [2, 2, -1, -1, -1]


def _features(dense: list[float], query: str = "does it play spotify"):
    keys = np.array([1, 1, 2])
    roles = np.array([ROLE_QA, ROLE_QUESTION, ROLE_REVIEW])
    heads = {0: "Yes, link your account."}
    return answer_features(keys, roles, np.array(dense), lambda i: heads[i], query)


def test_an_answer_about_the_question_gets_the_prior_its_question_cosine_and_yes_no() -> None:
    params = FusionParams()
    terms = _features([0.6, 0.8, 0.7]).terms(params)
    expected = params.qa_prior + params.question_weight * 0.8 + params.yes_no_weight
    assert terms[0] == pytest.approx(expected)
    assert terms[2] == 0.0  # a review sentence gets nothing


def test_an_answer_far_below_the_best_match_gets_no_prior_nor_yes_no_bonus() -> None:
    params = FusionParams()
    terms = _features([0.1, 0.2, 0.7]).terms(params)  # 0.1 < 0.7 - margin
    assert terms[0] == pytest.approx(params.question_weight * 0.2)


def test_an_open_question_gets_no_yes_no_bonus_and_baselines_get_no_terms() -> None:
    params = FusionParams()
    open_terms = _features([0.6, 0.8, 0.7], query="how do I play spotify").terms(params)
    assert open_terms[0] == pytest.approx(params.qa_prior + params.question_weight * 0.8)
    off = replace(params, q2q=False)
    assert not _features([0.6, 0.8, 0.7]).terms(off).any()
    assert not _features([0.6, 0.8, 0.7]).terms(FusionParams.dense_only()).any()
