"""The Generator protocol and its request/result types, shared by every backend.

A turn hands a `GenerationRequest` (chat messages, token cap, sampling, stop strings and a
time budget) to whichever backend the configuration chose and gets a `Generation` back. A
backend never raises for a model or network failure and never runs past the budget (plus a
small margin): it reports `timed_out` or `error` instead, and the caller speaks the extractive
answer. The text is the model's raw reply without template tokens; `dialogue.generation.cleaning`
makes it fit for voice and `dialogue.generation.grounding` checks it against the evidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

ROLES = ("system", "user", "assistant")


@dataclass(frozen=True)
class Message:
    """One chat message; `role` is "system", "user" or "assistant"."""

    role: str
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Message.role must be one of {', '.join(ROLES)}, not {self.role!r}")
        if not isinstance(self.content, str):
            raise TypeError(f"Message.content must be str, not {type(self.content).__name__}")


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate and within which limits.

    `temperature` 0 means greedy decoding (reproducible, what answers use); `budget_s` is the
    wall-clock limit for the whole call, model loading included when the model is not warm.
    """

    messages: tuple[Message, ...]
    max_new_tokens: int = 40
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    budget_s: float = 1.5
    repetition_penalty: float = 1.0  # > 1 discourages loops; hosted backends ignore it
    # Streaming backends stop once this many sentences are complete (the voice answer speaks
    # at most two, so the tokens after them are wasted time); None: no sentence limit.
    max_sentences: int | None = None
    # Benchmarks: the local backends never end the text early (no end-of-text token and no
    # default stop of their own before max_new_tokens; `stop` still applies), so every backend
    # is timed over the same number of tokens.
    ignore_eos: bool = False

    def __post_init__(self) -> None:
        if not self.messages:
            raise ValueError("GenerationRequest.messages must not be empty")
        if self.max_new_tokens < 1:
            raise ValueError(f"GenerationRequest.max_new_tokens must be >= 1, not {self.max_new_tokens}")
        if self.temperature < 0:
            raise ValueError(f"GenerationRequest.temperature must be >= 0, not {self.temperature}")
        if self.budget_s <= 0:
            raise ValueError(f"GenerationRequest.budget_s must be positive, not {self.budget_s}")
        if self.max_sentences is not None and self.max_sentences < 1:
            raise ValueError(
                f"GenerationRequest.max_sentences must be >= 1 or None, not {self.max_sentences}"
            )
        if self.repetition_penalty <= 0:
            raise ValueError(
                f"GenerationRequest.repetition_penalty must be positive, not {self.repetition_penalty}"
            )

    @classmethod
    def from_prompt(
        cls,
        user: str,
        system: str | None = None,
        **limits: object,
    ) -> GenerationRequest:
        """A request of one user message, optionally preceded by a system message."""
        messages = (Message("system", system),) if system else ()
        return cls(messages=(*messages, Message("user", user)), **limits)  # type: ignore[arg-type]

    @property
    def greedy(self) -> bool:
        """True when decoding picks the most likely token every step."""
        return self.temperature == 0.0

    @property
    def system(self) -> str:
        """The system messages joined (empty when there are none)."""
        return "\n\n".join(m.content for m in self.messages if m.role == "system")

    def without_system(self) -> tuple[Message, ...]:
        """The messages with the system text folded into the first user message.

        For models whose chat template has no system role (Gemma).
        """
        system = self.system
        rest = [m for m in self.messages if m.role != "system"]
        if not system:
            return tuple(rest)
        if rest and rest[0].role == "user":
            return (Message("user", f"{system}\n\n{rest[0].content}"), *rest[1:])
        return (Message("user", system), *rest)

    def as_completion_prompt(self) -> str:
        """The messages as one plain prompt, for base models without a chat template."""
        return "\n\n".join(m.content.strip() for m in self.messages if m.content.strip()) + "\n"


@dataclass(frozen=True)
class Generation:
    """The outcome of one call.

    `text` is what the model produced (possibly partial when `timed_out`); `tokens` counts
    generated tokens; `elapsed_s` is the wall-clock time of the call; `error` names a failure
    (model missing, service error) that made the backend give up. `usable` says whether the
    caller may use the text at all.
    """

    text: str
    tokens: int
    elapsed_s: float
    backend: str
    timed_out: bool = False
    error: str | None = None
    finish_reason: str = "stop"  # "stop", "length", "timeout", "error" or "empty"
    first_token_s: float | None = None  # seconds until the first new token (prompt processing)

    @property
    def usable(self) -> bool:
        """A complete, error-free, non-empty reply."""
        return not self.timed_out and self.error is None and bool(self.text.strip())

    @property
    def tokens_per_s(self) -> float:
        """Generated tokens per second of wall-clock time (0 when nothing was generated)."""
        return self.tokens / self.elapsed_s if self.elapsed_s > 0 and self.tokens else 0.0

    @property
    def decode_tokens_per_s(self) -> float | None:
        """Tokens per second after the first one (prompt processing excluded), if known."""
        if self.first_token_s is None or self.tokens < 2 or self.elapsed_s <= self.first_token_s:
            return None
        return (self.tokens - 1) / (self.elapsed_s - self.first_token_s)


@runtime_checkable
class Generator(Protocol):
    """A text generator behind a time budget. Implementations must be safe to share."""

    @property
    def name(self) -> str:
        """The backend's name as used in DialogueConfig.generator (e.g. "llama_cpp")."""
        ...

    def warm_up(self) -> None:
        """Load the model now (blocking), so the first turn does not pay for it."""
        ...

    def generate(self, request: GenerationRequest) -> Generation:
        """Generate a reply within `request.budget_s`; never raises for model failures."""
        ...


@dataclass
class Deadline:
    """A monotonic wall-clock deadline for one call (mutable: it is a running clock)."""

    budget_s: float
    start: float = field(default_factory=time.monotonic)

    @property
    def at(self) -> float:
        """The monotonic time at which the budget runs out."""
        return self.start + self.budget_s

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.at - time.monotonic())

    def passed(self) -> bool:
        """True once the budget is spent."""
        return time.monotonic() >= self.at

    def elapsed(self) -> float:
        """Seconds since the call started."""
        return time.monotonic() - self.start
