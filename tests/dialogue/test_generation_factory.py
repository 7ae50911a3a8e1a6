"""build_generator: the backend the config names, built without loading anything heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dialogue.config import DialogueConfig
from dialogue.generation import GenerationRequest, Generator, build_generator

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("backend", ["llama_cpp", "transformers", "bedrock", "none"])
def test_build_generator_returns_the_named_backend(backend: str, tmp_path: Path) -> None:
    generator = build_generator(DialogueConfig(generator=backend, model_cache_dir=tmp_path))

    assert isinstance(generator, Generator)
    assert generator.name == backend


def test_default_backend_is_llama_cpp() -> None:
    assert build_generator(DialogueConfig()).name == "llama_cpp"


def test_importing_and_building_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from dialogue.config import DialogueConfig\n"
        "from dialogue.generation import build_generator\n"
        "for name in ('llama_cpp', 'transformers', 'bedrock', 'none'):\n"
        "    build_generator(DialogueConfig(generator=name))\n"
        "heavy = [m for m in ('torch', 'transformers', 'llama_cpp', 'boto3') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "", f"imported at build time: {out.stdout.strip()}"


def test_missing_model_package_is_reported_not_raised(tmp_path: Path) -> None:
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator
    from dialogue.generation.models import ModelSpec

    missing = ModelSpec("nope", "Missing model", "no_such_model_package", "x.gguf", "chatml")
    generator = LlamaCppGenerator(model=missing, cache_dir=tmp_path)

    result = generator.generate(GenerationRequest.from_prompt("hi"))

    assert result.error is not None and "no-such-model-package" in result.error
    assert not result.usable
