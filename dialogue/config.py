"""Configuration of the dialogue layer: which generator answers and how long it may take."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

GENERATOR_BACKENDS = ("llama_cpp", "transformers", "bedrock", "none")


@dataclass(frozen=True)
class DialogueConfig:
    """Generator choice and time budgets.

    `generator` is one of GENERATOR_BACKENDS; every generation runs under
    `generation_budget_s`, and past it the extractive answer is spoken instead.
    """

    generator: str = "llama_cpp"
    generation_budget_s: float = 1.5
    max_new_tokens: int = 40
    progressive_after_s: float = 1.0
    model_cache_dir: Path = Path.home() / ".shoptalk" / "models"
    bedrock_model_id: str = "amazon.nova-micro-v1:0"
    aws_region: str = "us-east-1"

    def __post_init__(self) -> None:
        if self.generator not in GENERATOR_BACKENDS:
            raise ValueError(
                f"generator must be one of {', '.join(GENERATOR_BACKENDS)}, not {self.generator!r}"
            )
        if self.generation_budget_s <= 0:
            raise ValueError("generation_budget_s must be positive")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> DialogueConfig:
        """Read `SHOPTALK_*` variables; unset ones keep their defaults."""
        defaults = cls()
        return cls(
            generator=env.get("SHOPTALK_GENERATOR", defaults.generator),
            generation_budget_s=float(
                env.get("SHOPTALK_GENERATION_BUDGET_S", defaults.generation_budget_s)
            ),
            max_new_tokens=int(env.get("SHOPTALK_MAX_NEW_TOKENS", defaults.max_new_tokens)),
            model_cache_dir=Path(
                env.get("SHOPTALK_MODEL_CACHE_DIR", str(defaults.model_cache_dir))
            ).expanduser(),
            bedrock_model_id=env.get("SHOPTALK_BEDROCK_MODEL_ID", defaults.bedrock_model_id),
            aws_region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", defaults.aws_region)),
        )
