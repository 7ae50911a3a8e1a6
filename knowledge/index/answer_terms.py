"""What a community answer adds to its fused score: the learned Q&A terms.

A Q&A passage is its question and one answer, so its cosine with the query mixes how well
the community question matches with how well the answer does. Three terms, fitted on ePQA
tune by product-grouped cross-validation (`python -m knowledge.bench epqa --fit`, see
BENCHMARKS.md), turn that into how well the passage answers: a prior for community answers
that are about the question (cosine at least `answer_floor` and within `answer_margin` of
the search's best: they were written to answer a question, a review sentence was not), a negative weight on the cosine of
the community question alone (the part of the match owed to the question, not the answer),
and a bonus where a yes/no question meets such an answer opening with yes or no. The floor
and the margin keep an unrelated answer from outranking the review that does answer. Both index backends
build these features the same way and add `AnswerFeatures.terms`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from knowledge.index.fusion import FusionParams
from knowledge.index.passages import ROLE_QA, ROLE_QUESTION, answer_of

_YES_NO_QUESTION = re.compile(
    r"^\W*(is|isn't|are|aren't|am|does|doesn't|do|don't|did|didn't|can|can't|could|will|won't"
    r"|would|should|has|hasn't|have|haven't|had|was|wasn't|were|weren't|may|might|must)\b",
    re.IGNORECASE,
)
_YES_NO_ANSWER = re.compile(
    r"^\W*(yes|no|yeah|yep|yup|nope|nah|absolutely|definitely)\b", re.IGNORECASE
)
ANSWER_HEAD_CHARS = 24  # enough of an answer's start to read its first word


def is_yes_no_question(text: str) -> bool:
    """True for a question that opens with an auxiliary verb ("does it ...", "is the ...")."""
    return bool(_YES_NO_QUESTION.match(text))


def opens_with_yes_or_no(answer: str) -> bool:
    """True for an answer whose first word says yes or no."""
    return bool(_YES_NO_ANSWER.match(answer))


def answer_head(passage_text: str, question: str) -> str:
    """The start of a Q&A passage's answer (what the PostgreSQL search selects in SQL)."""
    return answer_of(passage_text, question)[:ANSWER_HEAD_CHARS]


@dataclass(frozen=True)
class AnswerFeatures:
    """Per candidate row: is it a community answer, its and its question's cosine, yes/no."""

    is_answer: np.ndarray  # bool
    answer_dense: np.ndarray  # cosine of the query with the Q&A passage (0 for other rows)
    top_dense: float  # the best cosine of any answer or review row of this search
    question_dense: np.ndarray  # cosine of the query with the community question alone; 0 if none
    yes_no: np.ndarray  # bool: a yes/no question and an answer opening with yes or no

    def terms(self, params: FusionParams) -> np.ndarray:
        """What each row adds to its fused score (zeros when the Q&A terms are off)."""
        if not params.q2q:
            return np.zeros(len(self.is_answer), dtype=np.float64)
        return self.matrix(params.answer_margin, params.answer_floor) @ np.array(
            [params.qa_prior, params.question_weight, params.yes_no_weight]
        )

    def answerability(self, best_dense: np.ndarray, params: FusionParams) -> np.ndarray:
        """A hit's absolute cosine signal: an answer is as answerable as its question is close."""
        if not params.q2q:
            return best_dense
        return np.where(self.is_answer, np.maximum(best_dense, self.question_dense), best_dense)

    def matrix(self, margin: float, floor: float) -> np.ndarray:
        """The features the three weights multiply: answer about the question, question
        cosine, and a yes/no match of such an answer."""
        about = self.is_answer & (self.answer_dense >= max(floor, self.top_dense - margin))
        return np.column_stack([about, self.question_dense, self.yes_no & about]).astype(np.float64)


def question_rows(keys: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """For each Q&A row, the index of its source's question row among the same rows; else -1."""
    out = np.full(len(keys), -1, dtype=np.int64)
    asked = np.flatnonzero(roles == ROLE_QUESTION)
    answers = np.flatnonzero(roles == ROLE_QA)
    if len(asked) == 0 or len(answers) == 0:
        return out
    order = np.argsort(keys[asked], kind="stable")
    sorted_keys = keys[asked][order]
    at = np.clip(np.searchsorted(sorted_keys, keys[answers]), 0, len(asked) - 1)
    found = sorted_keys[at] == keys[answers]
    out[answers[found]] = asked[order[at[found]]]
    return out


def answer_features(
    keys: np.ndarray,
    roles: np.ndarray,
    dense: np.ndarray,
    head_of: Callable[[int], str],
    query: str,
) -> AnswerFeatures:
    """Features of candidate rows from their source keys, roles, cosines and answer heads.

    `head_of(i)` gives the start of row i's answer; it is called for Q&A rows only, and only
    for a yes/no question.
    """
    is_answer = roles == ROLE_QA
    answer_dense = np.where(is_answer & np.isfinite(dense), dense, 0.0).astype(np.float64)
    scored = (roles != ROLE_QUESTION) & np.isfinite(dense)
    top_dense = float(np.max(dense[scored])) if scored.any() else 0.0
    question = question_rows(keys, roles)
    question_dense = np.zeros(len(keys), dtype=np.float64)
    has_question = question >= 0
    values = np.asarray(dense, dtype=np.float64)[question[has_question]]
    question_dense[has_question] = np.where(np.isfinite(values), values, 0.0)
    yes_no = np.zeros(len(keys), dtype=bool)
    if is_yes_no_question(query):
        for i in np.flatnonzero(is_answer):
            yes_no[i] = opens_with_yes_or_no(head_of(int(i)))
    return AnswerFeatures(is_answer, answer_dense, top_dense, question_dense, yes_no)
