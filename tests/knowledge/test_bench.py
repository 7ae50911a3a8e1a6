"""The retrieval benchmarks' code paths, on small samples, so the commands do not rot.

SubjQA parsing and span matching are checked on a hand-written CSV; `quality` and `scale`
run end to end (real MiniLM) on a few questions / a few thousand rows of the real data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.bench.__main__ import main
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
