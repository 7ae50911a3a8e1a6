"""The answerability calibration: its arithmetic, its input checks, and (on the real SubjQA
dev split) that the committed threshold separates answerable questions better than chance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dialogue.answers import ANSWERABLE_DENSE
from dialogue.calibration import best_similarity, choose_threshold, main, read_split, score_at


def test_scores_at_a_threshold() -> None:
    features = np.array([0.9, 0.8, 0.3, 0.2])
    labels = np.array([True, False, True, False])
    s = score_at(features, labels, 0.5)
    assert (s.precision, s.recall, s.positives, s.total) == (0.5, 0.5, 2, 4)
    assert score_at(features, labels, 0.95).precision == 1.0  # nothing predicted: vacuous


def test_the_chosen_threshold_separates_a_separable_set() -> None:
    features = np.array([0.1, 0.2, 0.25, 0.6, 0.7, 0.8])
    labels = np.array([False, False, False, True, True, True])
    chosen = choose_threshold(features, labels)
    assert 0.25 < chosen.threshold <= 0.6 and chosen.precision == 1.0 and chosen.recall == 1.0


def test_bad_input_is_reported_by_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "train.csv"
    bad.write_text("question,review\nq,r\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"train.csv: missing column\(s\) human_ans_spans"):
        read_split(bad)
    with pytest.raises(FileNotFoundError, match="dev.csv"):
        read_split(tmp_path / "dev.csv")
    assert main(["--data", str(tmp_path)]) == 1


@pytest.mark.slow
@pytest.mark.shared_data
def test_committed_threshold_beats_the_base_rate_on_dev(shared_data: Path) -> None:
    dev = read_split(shared_data / "subjqa" / "dev.csv")[:120]
    features = best_similarity(dev, progress=False)
    labels = np.array([ex.answerable for ex in dev])
    at_threshold = score_at(features, labels, ANSWERABLE_DENSE)
    base_rate = labels.mean()
    assert at_threshold.precision > base_rate + 0.05, (at_threshold, base_rate)
    assert features[labels].mean() > features[~labels].mean()
