"""The retrieval benchmarks' code paths, on small samples, so the commands do not rot.

SubjQA parsing and span matching are checked on a hand-written CSV; `quality` and `scale`
run end to end (real MiniLM) on a few questions / a few thousand rows of the real data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.bench.__main__ import main
from knowledge.bench.quality import (
    QualityReport,
    Score,
    differences,
    format_report,
    paired_interval,
)
from knowledge.bench.subjqa import SubjqaError, contains_span, load_split, normalise, strip_marker

HEADER = "item_id,question,review_id,review,human_ans_spans\n"


def _write(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    lines = [HEADER] + [",".join(f'"{c}"' for c in row) + "\n" for row in rows]
    path.write_text("".join(lines))
    return path


def test_spans_match_across_tokenisation_differences() -> None:
    assert normalise("The build quality , is  GREAT!") == "the build quality is great"
    assert contains_span("Overall, the build quality is great. Love it.", ("build quality , is great",))
    assert not contains_span("the build is great", ("build quality is great",))
    assert not contains_span("greatness", ("great",))  # whole words only
    assert strip_marker("Nice cable. ANSWERNOTFOUND") == "Nice cable."


def test_load_split_dedupes_reviews_and_groups_spans(tmp_path: Path) -> None:
    csv = _write(
        tmp_path / "mini.csv",
        [
            ("P1", "How is the sound?", "r1", "The sound is crisp. ANSWERNOTFOUND", "The sound is crisp"),
            ("P1", "How is the sound?", "r2", "Bass is weak. ANSWERNOTFOUND", "Bass is weak"),
            ("P1", "Is it heavy?", "r1", "The sound is crisp. ANSWERNOTFOUND", "ANSWERNOTFOUND"),
            ("P2", "Is it loud?", "r3", "Very loud indeed. ANSWERNOTFOUND", "Very loud"),
        ],
    )
    split = load_split(csv)
    assert [r.text for r in split.reviews] == ["The sound is crisp.", "Bass is weak.", "Very loud indeed."]
    assert {(q.product_id, q.text): q.spans for q in split.questions} == {
        ("P1", "How is the sound?"): ("The sound is crisp", "Bass is weak"),
        ("P2", "Is it loud?"): ("Very loud",),
    }


def test_bad_subjqa_file_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,question\nP1,hello\n")
    with pytest.raises(SubjqaError, match=r"bad.csv:1: missing column\(s\) review, review_id"):
        load_split(bad)
    with pytest.raises(SubjqaError, match="not found"):
        load_split(tmp_path / "absent.csv")


def test_paired_interval_is_zero_width_when_rankers_agree_and_excludes_zero_for_a_clear_win() -> None:
    same = np.array([1, 0, 1, 1, 0, 0, 1, 0], dtype=bool)
    assert paired_interval(same, same) == (0.0, 0.0)
    # ours wins 30 questions, loses none, over 100: the whole interval is above zero
    ours = np.zeros(100, dtype=bool)
    ours[:30] = True
    base = np.zeros(100, dtype=bool)
    low, high = paired_interval(ours, base)
    assert 0.0 < low < 30.0 < high <= 45.0
    assert paired_interval(ours, base) == (low, high), "the fixed seed makes it reproducible"


def test_paired_interval_of_a_one_question_edge_straddles_zero() -> None:
    # 60 questions, ours and the baseline each win 10 the other misses, ours one more:
    # +1 question is well inside the noise, so the interval must contain zero
    ours = np.zeros(60, dtype=bool)
    base = np.zeros(60, dtype=bool)
    ours[:11] = True
    base[11:21] = True
    low, high = paired_interval(ours, base)
    assert low < 0.0 < high
    with pytest.raises(ValueError):
        paired_interval(ours, base[:10])


def test_differences_name_each_baseline_and_the_report_prints_them() -> None:
    top1 = {
        "bm25": np.array([1, 0, 0, 0], dtype=bool),
        "dense": np.array([0, 1, 0, 0], dtype=bool),
        "ours": np.array([1, 1, 1, 0], dtype=bool),
    }
    diffs = differences(top1)
    assert [(d.name, d.baseline) for d in diffs] == [("ours", "bm25"), ("ours", "dense")]
    assert all(d.points == pytest.approx(50.0) and d.low <= d.points <= d.high for d in diffs)
    assert differences({"bm25": top1["bm25"]}) == ()
    report = QualityReport(
        "dev", 4, 2, 10, 4,
        tuple(Score(n, float(v.mean()), 1.0, 4) for n, v in top1.items()),
        1.0,
        diffs,
    )
    text = format_report(report)
    assert "ours - bm25: +50.0 points of hit@1, 95% interval" in text
    assert "ours - dense: +50.0 points of hit@1" in text


def test_bad_usage_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["quality", "--split", "nope"])
    assert exc.value.code == 2
    assert main(["quality", "--data", str(tmp_path)]) == 1
    assert "SubjQA file not found" in capsys.readouterr().err
    assert main(["scale", "--sizes", "ten"]) == 2


@pytest.mark.slow
def test_quality_command_on_a_small_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    (data / "subjqa").mkdir(parents=True)
    _write(
        data / "subjqa" / "dev.csv",
        [
            (
                "P1",
                "How is the battery life?",
                "r1",
                "I bought it for travel. The battery lasts two full days of use. The screen "
                "scratches easily though, so get a cover. Shipping was quick and the box was "
                "intact. The speaker is loud enough for podcasts. ANSWERNOTFOUND",
                "The battery lasts two full days",
            ),
            ("P1", "Is the screen durable?", "r1", "x ANSWERNOTFOUND", "The screen scratches easily"),
            ("P2", "Is it loud?", "r2", "Too quiet for a party. Nice colour. ANSWERNOTFOUND", "Too quiet"),
        ],
    )
    code = main(["quality", "--data", str(data), "--split", "dev", "--cache", "", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 3
    assert report["reachable"] == 3
    scores = {s["name"]: s for s in report["scores"]}
    assert set(scores) == {"bm25", "dense", "ours"}
    assert scores["ours"]["hit3"] == 1.0
    assert scores["ours"]["hit1"] >= 2 / 3
    gaps = {d["baseline"]: d for d in report["differences"]}
    assert set(gaps) == {"bm25", "dense"}
    for name, gap in gaps.items():
        assert gap["points"] == pytest.approx(100 * (scores["ours"]["hit1"] - scores[name]["hit1"]))
        assert gap["low"] <= gap["points"] <= gap["high"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_scale_command_on_a_small_sample(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "scale", "--data", str(shared_data), "--sizes", "3000", "--ingest-sample", "40",
            "--queries", "5", "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["base_passages"] > 50_000
    assert report["ingest_per_second"] > 0
    (size,) = report["sizes"]
    assert size["passages"] == 3000
    assert size["index_bytes"]["vectors"] >= 3000 * 384 * 4
    assert size["search"]["p95_ms"] > 0


@pytest.mark.slow
@pytest.mark.shared_data
def test_engines_command_on_a_small_sample(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pgserver", reason="pgserver from requirements-dev.txt")
    code = main(["engines", "--data", str(shared_data), "--sizes", "3000", "--queries", "6",
                 "--clients", "2", "--duration", "1", "--no-quality"])
    assert code == 0
    out = capsys.readouterr().out
    assert "3,000 passages" in out and "postgres" in out and "embedded" in out
    assert "0 errors" in out
    recall = float(out.split("ef_search=40: ")[1].split(",")[0])
    assert recall >= 0.9  # a small graph is all but exact
    lexical = int(out.split("lexical candidates hold ")[1].split("%")[0])
    assert lexical >= 80  # at this size the budget never binds: the candidates are BM25's own
