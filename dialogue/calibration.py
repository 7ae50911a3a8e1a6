"""Calibrate the answerability threshold on SubjQA train/dev.

A product question is answerable when the best retrieved passage's dense similarity to the
question (`SearchHit.dense`, the cosine of MiniLM embeddings) reaches
`dialogue.answers.ANSWERABLE_DENSE`. This module chooses that constant: every SubjQA row is a
question with one review; the review is split into the same sentence windows the index builds
(knowledge.index.passages), the feature is the best window's cosine with the question, and the
label is "the annotators found an answer span" (human_ans_spans != ANSWERNOTFOUND). The
threshold maximising F0.5 on train (precision weighs more: a wrong answer spoken with
confidence is worse than handing the question to the community) is then measured on dev.

    python -m dialogue.calibration [--data ../shared/data/subjqa]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.index.passages import sentence_windows

NOT_FOUND = "ANSWERNOTFOUND"
BETA = 0.5  # F-beta weighting: precision counts four times as much as recall
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "subjqa"


@dataclass(frozen=True)
class Example:
    """One SubjQA row: question, the review it was asked of, and whether it answers it."""

    question: str
    review: str
    answerable: bool


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F-beta of predicting "answerable" at one threshold."""

    threshold: float
    precision: float
    recall: float
    f_beta: float
    positives: int
    total: int


def read_split(path: Path) -> list[Example]:
    """The rows of one SubjQA CSV file; a missing column is reported by file and name."""
    if not path.is_file():
        raise FileNotFoundError(f"SubjQA split not found: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"question", "review", "human_ans_spans"}
        missing = needed - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        out = []
        for row in reader:
            review = row["review"].replace(NOT_FOUND, " ").strip()
            out.append(
                Example(row["question"].strip(), review, row["human_ans_spans"].strip() != NOT_FOUND)
            )
    return out


def best_similarity(examples: Sequence[Example], progress: bool = True) -> np.ndarray:
    """For each example, the highest cosine between its question and its review's windows."""
    from knowledge.index.embedder import embed

    windows: list[str] = []
    owner: list[int] = []
    for i, ex in enumerate(examples):
        for w in sentence_windows(ex.review) or [ex.review]:
            windows.append(w)
            owner.append(i)
    unique_windows = list(dict.fromkeys(windows))
    position = {w: j for j, w in enumerate(unique_windows)}
    w_vecs = embed(unique_windows, progress=progress)
    q_vecs = embed([ex.question for ex in examples], progress=progress)
    best = np.full(len(examples), -1.0, dtype=np.float32)
    for w, i in zip(windows, owner, strict=True):
        best[i] = max(best[i], float(w_vecs[position[w]] @ q_vecs[i]))
    return best


def score_at(features: np.ndarray, labels: np.ndarray, threshold: float) -> Scores:
    """Precision / recall / F-beta of `feature >= threshold` against `labels`."""
    predicted = features >= threshold
    tp = int(np.sum(predicted & labels))
    precision = tp / int(np.sum(predicted)) if np.any(predicted) else 1.0
    recall = tp / int(np.sum(labels)) if np.any(labels) else 0.0
    b2 = BETA * BETA
    denom = b2 * precision + recall
    f_beta = (1 + b2) * precision * recall / denom if denom else 0.0
    return Scores(threshold, precision, recall, f_beta, int(np.sum(labels)), len(labels))


def choose_threshold(features: np.ndarray, labels: np.ndarray) -> Scores:
    """The threshold (rounded to 0.01) with the best F-beta on these examples."""
    candidates = np.round(np.arange(0.0, 1.0, 0.01), 2)
    return max((score_at(features, labels, float(t)) for t in candidates), key=lambda s: s.f_beta)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the chosen threshold with its train and dev precision/recall."""
    parser = argparse.ArgumentParser(prog="python -m dialogue.calibration", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with train.csv and dev.csv")
    args = parser.parse_args(argv)
    try:
        train = read_split(args.data / "train.csv")
        dev = read_split(args.data / "dev.csv")
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    f_train = best_similarity(train)
    f_dev = best_similarity(dev)
    y_train = np.array([ex.answerable for ex in train])
    y_dev = np.array([ex.answerable for ex in dev])
    chosen = choose_threshold(f_train, y_train)
    on_dev = score_at(f_dev, y_dev, chosen.threshold)
    base_dev = score_at(f_dev, y_dev, -1.0)
    print(f"feature: best window cosine (MiniLM) of question and review; F{BETA} maximised on train")
    for name, s in (("train", chosen), ("dev", on_dev)):
        print(
            f"{name:5}  threshold {s.threshold:.2f}  precision {s.precision:.3f}  "
            f"recall {s.recall:.3f}  F{BETA} {s.f_beta:.3f}  ({s.positives}/{s.total} answerable)"
        )
    print(f"dev baseline (answer everything): precision {base_dev.precision:.3f} recall 1.000")
    print(f"ANSWERABLE_DENSE = {chosen.threshold:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
