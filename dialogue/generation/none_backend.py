"""The "none" backend: generates nothing, so the extractive answer is always spoken.

For deployments without a model (or tests of the extractive path); it costs nothing and
answers at once.
"""

from __future__ import annotations

from dialogue.generation.base import Generation, GenerationRequest

NAME = "none"


class NoGenerator:
    """A Generator that always returns an empty Generation (finish_reason "empty")."""

    @property
    def name(self) -> str:
        """The backend name used in DialogueConfig.generator."""
        return NAME

    def warm_up(self) -> None:
        """Nothing to load."""

    def generate(self, request: GenerationRequest) -> Generation:
        """An empty reply, immediately."""
        return Generation(text="", tokens=0, elapsed_s=0.0, backend=NAME, finish_reason="empty")
