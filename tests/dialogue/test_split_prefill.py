"""Prompts processed on the bf16 copy, decoding on the Q8_0 copy: the hand-over is exact enough."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama-cpp-python is not installed (it compiles from source; see README)",
)]

SYSTEM = "<|im_start|>system\nYou answer shoppers' questions using only the customer reviews given.<|im_end|>\n"
PROMPTS = (
    "<|im_start|>user\nReviews:\n- The battery lasts two days with heavy use.\n- The screen is bright."
    "\n\nQuestion: How long does the battery last?<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>user\nReviews:\n- The speaker is loud but the bass is muddy.\n- Setup took a minute."
    "\n\nQuestion: How does it sound?<|im_end|>\n<|im_start|>assistant\n",
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from dialogue.generation.models import SMOLLM2_135M
    from dialogue.generation.requantize import requantized_copy

    cache = tmp_path_factory.mktemp("models")
    source = SMOLLM2_135M.gguf_path(cache)
    return requantized_copy(source, cache, "q8_0"), requantized_copy(source, cache, "bf16")


def _last_logits(llama, text: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    tokens = llama.tokenize(text.encode(), add_bos=False, special=True)
    cached = llama.input_ids[: llama.n_tokens].tolist()
    common = 0
    while common < min(len(cached), len(tokens) - 1) and cached[common] == tokens[common]:
        common += 1
    llama.n_tokens = common
    llama.eval(tokens[common:])
    from llama_cpp import llama_get_logits_ith

    row = llama_get_logits_ith(llama.ctx, -1)
    return np.ctypeslib.as_array(row, shape=(llama.n_vocab(),)).copy()


def test_split_prefill_gives_the_logits_the_decoding_file_would_give(files: tuple[Path, Path]) -> None:
    from llama_cpp import Llama

    from dialogue.generation.split_prefill import SplitPrefillLlama

    q8, bf16 = files
    options = {"n_ctx": 512, "n_threads": 1, "n_threads_batch": 1, "flash_attn": True, "verbose": False}
    plain = Llama(model_path=str(q8), **options)
    split = SplitPrefillLlama(model_path=str(q8), prefill_model_path=str(bf16), **options)
    unrelated = None
    for prompt in PROMPTS:
        expected = _last_logits(plain, SYSTEM + prompt)
        got = _last_logits(split, SYSTEM + prompt)
        assert int(np.argmax(got)) == int(np.argmax(expected))
        assert np.corrcoef(got, expected)[0, 1] > 0.99
        if unrelated is not None:  # a broken hand-over would not beat an unrelated prompt
            assert np.corrcoef(got, unrelated)[0, 1] < np.corrcoef(got, expected)[0, 1]
        unrelated = expected
    # The second prompt shared the system prompt with the first: only the rest was prefilled.
    first_length = len(split.tokenize((SYSTEM + PROMPTS[0]).encode(), add_bos=False, special=True))
    second_length = len(split.tokenize((SYSTEM + PROMPTS[1]).encode(), add_bos=False, special=True))
    assert split.prefilled_tokens < first_length - 1 + second_length - 1


def test_short_chunks_are_decoded_on_the_decoding_file(files: tuple[Path, Path]) -> None:
    from dialogue.generation.split_prefill import MIN_PREFILL_TOKENS, SplitPrefillLlama

    q8, bf16 = files
    split = SplitPrefillLlama(
        model_path=str(q8), prefill_model_path=str(bf16), n_ctx=256, n_threads=1, verbose=False
    )
    tokens = split.tokenize(b"The battery lasts two days.", add_bos=False)
    assert len(tokens) < MIN_PREFILL_TOKENS
    split.eval(tokens)
    assert split.prefilled_tokens == 0 and split.n_tokens == len(tokens)


def test_the_default_generator_uses_split_prefill_exactly_when_the_cpu_has_bf16(tmp_path: Path) -> None:
    from dialogue.generation.base import GenerationRequest
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator
    from dialogue.generation.split_prefill import native_bf16

    generator = LlamaCppGenerator(cache_dir=tmp_path, n_threads=1)
    generator.warm_up()
    result = generator.generate(
        GenerationRequest.from_prompt(
            "Reviews:\n- The battery lasts two days.\n\nQuestion: How is the battery?",
            system="Answer in one short sentence using only the reviews.",
            budget_s=30.0,
        )
    )
    assert result.error is None and result.tokens > 0, result
    if native_bf16():
        assert generator.prefill_file is not None and generator.prefill_file.name.endswith(".bf16.gguf")
    else:
        assert generator.prefill_file is None
    off = LlamaCppGenerator(cache_dir=tmp_path, n_threads=1, split_prefill=False)
    off.warm_up()
    assert off.prefill_file is None
