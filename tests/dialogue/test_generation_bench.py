"""The generator benchmark's parts: SubjQA evidence loading, speed bookkeeping, the report."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from dialogue.bench.generators import (
    GeneratorBenchmark,
    QualityResult,
    load_quality_cases,
    measure_quality,
    measure_speed,
    speed_request,
)
from dialogue.bench.perplexity import PerplexityResult, dev_reviews, perplexity
from dialogue.generation.base import Generation, GenerationRequest
from dialogue.generation.none_backend import NoGenerator


@pytest.mark.shared_data
def test_subjqa_cases_have_question_and_bm25_evidence_from_the_same_item(shared_data: Path) -> None:
    cases = load_quality_cases(shared_data / "subjqa" / "dev.csv", limit=5)

    assert len(cases) == 5
    assert len({(c.item_id, c.question) for c in cases}) == 5
    for case in cases:
        assert case.question and 1 <= len(case.passages) <= 3
        assert all(len(p) >= 20 for p in case.passages)


def test_missing_subjqa_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="dev.csv"):
        load_quality_cases(tmp_path / "dev.csv", limit=1)


def test_subjqa_file_without_a_needed_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dev.csv"
    path.write_text("item_id,question\nA,How is it?\n", encoding="utf-8")

    with pytest.raises(ValueError, match="review"):
        load_quality_cases(path, limit=1)


def test_speed_medians_and_ratio_to_the_first_contender() -> None:
    none = NoGenerator()
    results = measure_speed(
        [("a", "m", none.generate, 0.0), ("b", "m", none.generate, 0.1)],
        [speed_request(8, v) for v in range(3)],
        runs=3,
        log=io.StringIO(),
    )

    assert [r.backend for r in results] == ["a", "b"]
    assert all(r.runs == 3 and r.median_tokens == 0 for r in results)
    assert results[1].load_s == 0.1


def test_contenders_sharing_a_backend_name_keep_their_own_runs() -> None:
    def fixed(tokens: int) -> Callable[[GenerationRequest], Generation]:
        return lambda request: Generation("x " * tokens, tokens, 0.5, "llama_cpp")

    results = measure_speed(
        [("llama_cpp", "file A", fixed(10), 0.0), ("llama_cpp", "file B", fixed(20), 0.0)],
        [speed_request(8, v) for v in range(3)],
        runs=2,
        log=io.StringIO(),
    )

    assert [(r.model, r.runs, r.median_tokens) for r in results] == [("file A", 2, 10), ("file B", 2, 20)]
    assert results[1].speedup == 2.0


def test_quality_of_a_silent_generator_is_zero() -> None:
    from dialogue.bench.generators import QualityCase

    cases = [QualityCase("A", "How is it?", ("It is good.",)), QualityCase("B", "Fit?", ("Fits well.",))]
    result = measure_quality("none", NoGenerator(), cases, None, io.StringIO())

    assert result.questions == 2 and result.sentences == 0 and result.answers_usable == 0.0


def test_speed_prompt_variants_start_differently_and_decode_greedily() -> None:
    requests = [speed_request(40, v) for v in range(6)]
    firsts = {r.messages[-1].content.split("\n- ")[1] for r in requests}

    assert len(firsts) == 6
    assert all(r.greedy and r.repetition_penalty == 1.0 and r.max_new_tokens == 40 for r in requests)


def test_report_has_both_tables() -> None:
    bench = GeneratorBenchmark(prompt_tokens=120)
    bench.quality.append(QualityResult("m", 1, 2, 0.5, 0.5, 1.0, 0.0, 0.4, 20, 0))
    bench.notes.append("noisy")

    text = bench.to_markdown()

    assert "| backend |" in text and "| m | 1 | 2 | 50% |" in text and "- noisy" in text


def test_report_lists_the_perplexity_of_each_file() -> None:
    bench = GeneratorBenchmark(prompt_tokens=120)
    bench.perplexity.append(PerplexityResult("shipped", "m.Q4_1.gguf", 98.2, 40, 5000, 41.82))

    text = bench.to_markdown()

    assert "first 40 SubjQA dev reviews (5000 predicted tokens" in text
    assert "| shipped (m.Q4_1.gguf) | 98 | 41.82 |" in text


def test_dev_reviews_are_distinct_in_file_order_and_a_missing_column_is_named(tmp_path: Path) -> None:
    good = tmp_path / "dev.csv"
    good.write_text(
        "item_id,review\nA,Great sound. ANSWERNOTFOUND\nA,Great sound.\nB,Too heavy.\nC,Loud.\n",
        encoding="utf-8",
    )
    assert dev_reviews(good, 2) == ["Great sound.", "Too heavy."]
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,text\nA,Great\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv: column 'review' missing \(line 1\)"):
        dev_reviews(bad, 2)


def test_real_reviews_are_likelier_than_the_same_words_shuffled(tmp_path: Path) -> None:
    import importlib.util
    import random

    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    from dialogue.generation.models import SMOLLM2_135M

    reviews = [
        "The battery lasts about two days and the screen is easy to read in bright sunlight.",
        "Sound quality is great for the price, but the bass gets muddy at high volume.",
    ]
    rng = random.Random(3)
    shuffled = [" ".join(rng.sample(r.split(), len(r.split()))) for r in reviews]
    model = SMOLLM2_135M.gguf_path(tmp_path)

    real = perplexity("shipped", model, reviews, threads=1)
    salad = perplexity("shipped", model, shuffled, threads=1)

    assert real.texts == 2 and real.tokens > 20 and real.file == model.name
    assert real.perplexity < salad.perplexity / 3
