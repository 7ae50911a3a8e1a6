"""ePQA questions for the retrieval benchmark: each shopper question with its graded candidates.

A question counts when at least one of its review or community-Q&A candidates fully answers
it (label 2); catalog-copy candidates (bullets, attributes, descriptions) are not stored by
ShopTalk and so are left out. Each candidate carries the key of the record the ePQA importer
makes from it, so a search hit maps back to the candidate it came from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from knowledge.importers.epqa import STORED_SOURCES, cqa_record_ids, review_record_id, split_cqa
from knowledge.importers.normalize import clean_text

FULL_ANSWER = 2
BENCH_COLUMNS = ("qid", "question", "ASIN", "candidate", "source", "label")


class EpqaError(ValueError):
    """The ePQA file is missing or not in the expected format."""


@dataclass(frozen=True)
class Candidate:
    """One review or cqa candidate of a question: its record key and graded label."""

    key: tuple[str, ...]  # ("r", review id) or ("q", question id, answer text)
    source: str
    label: int


@dataclass(frozen=True)
class EpqaQuestion:
    """A shopper question about one ASIN and the candidates graded for it."""

    qid: str
    text: str
    asin: str
    candidates: tuple[Candidate, ...]
    rows: tuple[int, ...]  # the file's data-row indexes holding this question's candidates

    @property
    def answers(self) -> frozenset[tuple[str, ...]]:
        return frozenset(c.key for c in self.candidates if c.label >= FULL_ANSWER)

    @property
    def keys(self) -> frozenset[tuple[str, ...]]:
        return frozenset(c.key for c in self.candidates)


def candidate_key(asin: str, source: str, text: str) -> tuple[str, ...] | None:
    """The record key the importer gives a candidate; None for catalog copy or bad cqa text."""
    text = clean_text(text)
    if source == "review":
        return ("r", review_record_id(asin, text))
    if source == "cqa":
        cqa = split_cqa(text)
        if cqa is None:
            return None
        return ("q", cqa_record_ids(asin, cqa)[0], cqa.answer)
    return None


def load_questions(path: Path) -> list[EpqaQuestion]:
    """The answerable questions of an ePQA CSV, in file order."""
    if not path.is_file():
        raise EpqaError(f"{path}: ePQA file not found")
    grouped: dict[str, dict[str, object]] = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in BENCH_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise EpqaError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for index, row in enumerate(reader):
            qid = row["qid"].strip()
            try:
                label = int(row["label"])
            except ValueError:
                raise EpqaError(f"{path}: data row {index + 1}: label: not a whole number, "
                                f"got {row['label']!r}") from None
            entry = grouped.setdefault(qid, {"text": row["question"].strip(),
                                             "asin": row["ASIN"].strip(),
                                             "candidates": [], "rows": []})
            entry["rows"].append(index)  # type: ignore[union-attr]
            if row["source"].strip() not in STORED_SOURCES:
                continue
            key = candidate_key(row["ASIN"].strip(), row["source"].strip(), row["candidate"])
            if key is not None:
                entry["candidates"].append(Candidate(key, row["source"].strip(), label))  # type: ignore[union-attr]
    questions = [
        EpqaQuestion(qid, str(e["text"]), str(e["asin"]), _merge(e["candidates"]),  # type: ignore[arg-type]
                     tuple(e["rows"]))  # type: ignore[arg-type]
        for qid, e in grouped.items()
    ]
    return [q for q in questions if q.answers]


def _merge(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """One candidate per record key, with the highest label it was given."""
    best: dict[tuple[str, ...], Candidate] = {}
    for c in candidates:
        if c.key not in best or c.label > best[c.key].label:
            best[c.key] = c
    return tuple(best.values())


def write_subset(source: Path, questions: Iterable[EpqaQuestion], out: Path) -> Path:
    """Copy the header and the rows of `questions` from `source` to `out` (a smaller import)."""
    wanted = {row for q in questions for row in q.rows}
    with open(source, newline="", encoding="utf-8-sig") as f, open(
        out, "w", newline="", encoding="utf-8"
    ) as w:
        reader = csv.reader(f)
        writer = csv.writer(w)
        writer.writerow(next(reader))
        for index, cells in enumerate(reader):
            if index in wanted:
                writer.writerow(cells)
    return out
