"""Build the generator that DialogueConfig.generator names (the composition root calls this)."""

from __future__ import annotations

from dialogue.config import DialogueConfig
from dialogue.generation.base import Generator


def build_generator(config: DialogueConfig) -> Generator:
    """The configured backend, not yet loaded (models load on first use or on `warm_up()`).

    Call it once per process and keep the result (skill.app.Services does): each instance
    holds its own model.
    """
    if config.generator == "llama_cpp":
        from dialogue.generation.llama_cpp_backend import LlamaCppGenerator

        return LlamaCppGenerator(cache_dir=config.model_cache_dir)
    if config.generator == "transformers":
        from dialogue.generation.transformers_backend import TransformersGenerator

        return TransformersGenerator(cache_dir=config.model_cache_dir)
    if config.generator == "bedrock":
        from dialogue.generation.bedrock_backend import BedrockGenerator

        return BedrockGenerator(
            model_id=config.bedrock_model_id,
            region=config.aws_region,
            read_timeout_s=config.generation_budget_s + 1.0,
        )
    if config.generator == "none":
        from dialogue.generation.none_backend import NoGenerator

        return NoGenerator()
    raise ValueError(f"unknown generator backend {config.generator!r} in DialogueConfig.generator")
