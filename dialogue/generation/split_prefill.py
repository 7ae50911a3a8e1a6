"""Prompt processing on a bf16 copy of the model, decoding on the Q8_0 copy: each where it is fast.

A short grounded answer spends a third of its time reading the prompt. llama.cpp's batched
kernels read a bf16 file about 1.7x faster than a Q8_0 one on CPUs with native bf16 arithmetic
(AVX512-BF16, AMX), while decoding, one token at a time, is bound by memory and is fastest from
the smaller Q8_0 file. Both files hold the same Q4_1 weights (bf16 exactly, Q8_0 to within
1/254 of a block's range), so the keys and values the bf16 copy computes for the prompt are
what the Q8_0 copy would have computed: they are copied into the decoding context (a few MB)
and generation continues there. Everything else (chat template, prefix reuse between calls,
sampling, streaming) is llama-cpp-python's own.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any

import numpy as np
from llama_cpp import Llama, llama_print_system_info, llama_state_seq_get_data
from llama_cpp import llama_state_seq_get_size, llama_state_seq_set_data

# Below this many new prompt tokens the hand-over costs more than it saves (a follow-up turn
# whose prompt is mostly cached, or a decoding step).
MIN_PREFILL_TOKENS = 16
SEQUENCE = 0  # llama-cpp-python keeps one sequence per context


def native_bf16() -> bool:
    """True when this llama.cpp build runs bf16 matrix products natively on this CPU."""
    info = llama_print_system_info().decode("utf-8", "replace")
    return "AVX512_BF16 = 1" in info or "AMX_BF16 = 1" in info


class SplitPrefillLlama(Llama):
    """A `Llama` on the decoding file that evaluates long prompt chunks on a prefill file."""

    def __init__(self, *, model_path: str, prefill_model_path: str, **kwargs: Any) -> None:
        super().__init__(model_path=model_path, **kwargs)
        prefill_kwargs = {k: v for k, v in kwargs.items() if k != "chat_format"}
        self._prefill = Llama(model_path=prefill_model_path, **prefill_kwargs)
        self.prefilled_tokens = 0  # prompt tokens the prefill file processed (for tests/benchmarks)

    def eval(self, tokens: Sequence[int]) -> None:
        """Evaluate `tokens` after the cached ones; long chunks go through the prefill file."""
        if len(tokens) < MIN_PREFILL_TOKENS:
            super().eval(tokens)
            return
        head = [int(t) for t in self.input_ids[: self.n_tokens]] + [int(t) for t in tokens[:-1]]
        self._prefill_to(head)
        if not self._take_state():
            # The decoding context refused the state: evaluate the whole sequence here instead.
            self.n_tokens = 0
            super().eval(head + [int(tokens[-1])])
            return
        self.input_ids[: len(head)] = head
        self.n_tokens = len(head)
        super().eval([int(tokens[-1])])  # the last token on the decoding file gives the logits

    def _prefill_to(self, head: list[int]) -> None:
        """Make the prefill context hold exactly `head`, reusing its longest cached prefix."""
        prefill = self._prefill
        cached = prefill.input_ids[: prefill.n_tokens]
        limit = min(len(cached), len(head))
        mismatch = np.flatnonzero(cached[:limit] != np.asarray(head[:limit], dtype=cached.dtype))
        common = int(mismatch[0]) if mismatch.size else limit
        prefill.n_tokens = common
        fresh = head[common:]
        prefill.eval(fresh)  # also drops cached cells past `common`
        self.prefilled_tokens += len(fresh)

    def _take_state(self) -> bool:
        """Copy the prefill context's keys and values into the decoding context."""
        size = llama_state_seq_get_size(self._prefill.ctx, SEQUENCE)
        buffer = (ctypes.c_uint8 * size)()
        if llama_state_seq_get_data(self._prefill.ctx, buffer, size, SEQUENCE) != size:
            return False
        return llama_state_seq_set_data(self.ctx, buffer, size, SEQUENCE) > 0
