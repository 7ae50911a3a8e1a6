"""The ePQA ranker fit: the conditional logit, product-grouped folds, and the command end to
end on a sample of the shared ePQA tune file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.bench.__main__ import main
from knowledge.bench.epqa_fit import GATES, QuestionRows, fit_logit, grouped_folds, hits


def _question(asin: str, base: list[float], qa: list[float], label: list[bool]) -> QuestionRows:
    zeros = np.zeros(len(base))
    matrix = np.column_stack([qa, zeros, zeros])
    return QuestionRows(asin, np.array(base), {g: matrix for g in GATES}, np.array(label))


def test_the_logit_learns_a_prior_the_base_score_misses() -> None:
    # The answer is always the community answer (qa=1), which the base score ranks second.
    rows = [_question(f"P{i}", [1.0, 0.8 + 0.01 * i], [0, 1], [False, True]) for i in range(20)]
    before = hits(rows, GATES[0], np.array([1.0, 0, 0, 0]))
    w = fit_logit([r.features(GATES[0]) for r in rows], [r.label for r in rows], 0.1)
    assert not before.any()
    assert w[1] > 0 and hits(rows, GATES[0], w).all()


def test_grouped_folds_never_split_a_product() -> None:
    rows = [_question(f"P{i % 7}", [1.0], [0], [True]) for i in range(40)]
    fold = grouped_folds(rows, 5, np.random.default_rng(1))
    for asin in {r.asin for r in rows}:
        assert len({f for r, f in zip(rows, fold) if r.asin == asin}) == 1
    assert len(set(fold.tolist())) == 5


@pytest.mark.slow
@pytest.mark.shared_data
def test_fit_command_on_a_sample_of_epqa_tune(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["epqa", "--data", str(shared_data), "--limit", "80", "--cache", "", "--fit", "--json"])
    assert code == 0
    fit = json.loads(capsys.readouterr().out)
    assert 60 <= fit["questions"] <= 80
    assert tuple(fit["gate"]) in GATES
    assert len(fit["cv_hit1"]) == 5 and all(0 <= h <= 1 for h in fit["cv_hit1"])
    weights = [fit["params"][k] for k in ("qa_prior", "question_weight", "yes_no_weight")]
    assert all(isinstance(w, float) and np.isfinite(w) for w in weights)
    assert fit["fitted_hit1"] >= fit["unchanged_hit1"] - 0.05
