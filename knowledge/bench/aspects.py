"""Aspect and sentiment precision on hand-checked review clauses: `python -m knowledge.bench.aspects`.

The sample (`aspect_labels.json`) holds references, never text: a review file under the shared
data dir, the review's line in it, the clause's index in that review (knowledge.aspects.clauses)
and, for each aspect the vocabulary names in the clause, a person's judgement: is the clause
really about that aspect, and does it lean positive (+1), negative (-1) or neither (0). It was
drawn with `--draw N --seed S` (a seeded draw among clauses that name an aspect) and labelled
by hand, reading each clause, without looking at the analyser's polarity.

Reported: aspect precision (the named aspect is what the clause talks about), and polarity
precision per class for ours (VADER with the domain lexicon, on the clause) beside two
baselines from the same run: plain VADER on the whole review, and the review's star rating
(4-5 positive, 1-2 negative, 3 neutral), which is what a tally without sentence sentiment has.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.aspects import clauses, review_aspects
from knowledge.aspects.analysis import review_vocabulary
from knowledge.aspects.sentiment import polarity
from knowledge.model import Review

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data"
LABELS = Path(__file__).with_name("aspect_labels.json")
REVIEW_FILES = ("reviews/datafiniti_amazon_devices.csv", "reviews/amazon_alexa.tsv")


@dataclass(frozen=True)
class Labelled:
    """One hand-checked (clause, aspect) pair and the review it comes from."""

    file: str
    line: int
    clause_index: int
    aspect: str
    about: bool
    polarity: int
    clause: str
    review: Review


def load_reviews(data: Path) -> dict[tuple[str, int], Review]:
    """Every review of the sample's files by (file, line), read through the importers."""
    from knowledge.importers import ImportOptions
    from knowledge.importers.runner import parse_file

    found: dict[tuple[str, int], Review] = {}
    for name in REVIEW_FILES:
        result = parse_file(data / name, ImportOptions(progress=False))
        for review in result.reviews:
            found[(name, review.provenance.source_line)] = review
    return found


def draw(data: Path, count: int, seed: int, labels: Path = LABELS) -> list[dict[str, object]]:
    """A seeded sample of clauses that name an aspect, as label templates to fill in; clauses
    already in a labelled sample are never drawn again."""
    reviews = load_reviews(data)
    taken = set()
    if labels.exists():
        for sample in json.loads(labels.read_text(encoding="utf-8"))["samples"].values():
            taken.update((e["file"], e["line"], e["clause"]) for e in sample)
    pool = []
    for (name, line), review in sorted(reviews.items()):
        for index, clause in enumerate(clauses(review.text)):
            aspects = review_vocabulary().aspects_in(clause)
            if aspects and (name, line, index) not in taken:
                pool.append((name, line, index, clause, aspects))
    picked = random.Random(seed).sample(pool, count)
    return [{"file": n, "line": ln, "clause": i, "text": c,
             "labels": [{"aspect": a, "about": None, "polarity": None} for a in aspects]}
            for n, ln, i, c, aspects in picked]


def load_labels(data: Path, path: Path = LABELS, sample: str = "held_out") -> list[Labelled]:
    """One hand-checked sample joined with the texts it refers to (ValueError if one is gone)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if sample not in document["samples"]:
        raise ValueError(f"{path}: no sample {sample!r} (has {', '.join(document['samples'])})")
    reviews = load_reviews(data)
    labelled = []
    for n, entry in enumerate(document["samples"][sample], start=1):
        review = reviews.get((entry["file"], entry["line"]))
        if review is None:
            raise ValueError(f"{path}: sample {n}: no review at {entry['file']}:{entry['line']}")
        pieces = clauses(review.text)
        if entry["clause"] >= len(pieces):
            raise ValueError(f"{path}: sample {n}: review {entry['file']}:{entry['line']} has no clause {entry['clause']}")
        for label in entry["labels"]:
            labelled.append(Labelled(entry["file"], entry["line"], entry["clause"], label["aspect"],
                                     bool(label["about"]), int(label["polarity"]), pieces[entry["clause"]], review))
    return labelled


@dataclass(frozen=True)
class PolarityScore:
    """Precision of one polarity method per predicted class, over the on-aspect pairs."""

    name: str
    positive: float
    negative: float
    neutral: float
    accuracy: float


def _score(name: str, pairs: Sequence[Labelled], predict: Callable[[Labelled], int]) -> PolarityScore:
    guesses = [(predict(p), p.polarity) for p in pairs]

    def precision(cls: int) -> float:
        chosen = [truth for guess, truth in guesses if guess == cls]
        return sum(1 for truth in chosen if truth == cls) / len(chosen) if chosen else 0.0

    accuracy = sum(1 for g, t in guesses if g == t) / len(guesses) if guesses else 0.0
    return PolarityScore(name, precision(1), precision(-1), precision(0), accuracy)


def _stars(rating: int) -> int:
    return 1 if rating >= 4 else -1 if rating <= 2 else 0


def evaluate(labelled: Sequence[Labelled]) -> dict[str, object]:
    """Aspect precision, polarity precision (ours and baselines) and analysis throughput."""
    on_aspect = [p for p in labelled if p.about]
    scores = [
        _score("ours: clause VADER + review lexicon", on_aspect, lambda p: polarity(p.clause)),
        _score("baseline: VADER on the whole review", on_aspect, lambda p: _plain_vader(p.review.text)),
        _score("baseline: the review's stars", on_aspect, lambda p: _stars(p.review.rating)),
    ]
    texts = list(dict.fromkeys(p.review.text for p in labelled))
    started = time.perf_counter()
    for text in texts:
        review_aspects(text)
    elapsed = time.perf_counter() - started
    return {
        "pairs": len(labelled),
        "clauses": len({(p.file, p.line, p.clause_index) for p in labelled}),
        "aspect_precision": len(on_aspect) / len(labelled) if labelled else 0.0,
        "polarity": [s.__dict__ for s in scores],
        "reviews_per_s": len(texts) / elapsed if elapsed else 0.0,
    }


def _plain_vader(text: str) -> int:
    score = _plain_analyzer().polarity_scores(text)["compound"]
    return 1 if score >= 0.05 else -1 if score <= -0.05 else 0


@functools.cache
def _plain_analyzer() -> Any:
    """VADER as it ships, without the review lexicon (the baseline)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def format_report(report: dict[str, object]) -> str:
    lines = [f"{report['clauses']} hand-checked clauses, {report['pairs']} (clause, aspect) pairs",
             f"aspect precision: {report['aspect_precision']:.3f}",
             f"{'polarity (on-aspect pairs)':<40} {'P(pos)':>7} {'P(neg)':>7} {'P(neu)':>7} {'acc':>7}"]
    for s in report["polarity"]:  # type: ignore[attr-defined]
        lines.append(f"{s['name']:<40} {s['positive']:7.3f} {s['negative']:7.3f} {s['neutral']:7.3f} {s['accuracy']:7.3f}")
    lines.append(f"analysis: {report['reviews_per_s']:,.0f} reviews/s (one core)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.bench.aspects", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data dir")
    parser.add_argument("--labels", type=Path, default=LABELS, help="the hand-checked sample")
    parser.add_argument("--sample", default=None, help="only this sample (tuning, held_out)")
    parser.add_argument("--draw", type=int, default=0, metavar="N", help="print N label templates instead")
    parser.add_argument("--seed", type=int, default=11, help="seed of --draw")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        if args.draw:
            print(json.dumps(draw(args.data, args.draw, args.seed), indent=1, ensure_ascii=False))
            return 0
        names = [args.sample] if args.sample else list(json.loads(args.labels.read_text(encoding="utf-8"))["samples"])
        reports = {name: evaluate(load_labels(args.data, args.labels, name)) for name in names}
    except (ValueError, OSError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(reports))
    else:
        print("\n\n".join(f"sample {name!r}: {format_report(r)}" for name, r in reports.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
