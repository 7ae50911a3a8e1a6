"""Prompt -> generate -> clean -> ground, in one call, for the dialogue manager.

`grounded_answer` returns the sentences the evidence supports, or an empty text with the reason
the caller must speak its extractive answer instead (timeout, error, nothing generated, nothing
grounded). `small_talk` returns one or two cleaned sentences for the chat, without numbers
(the chat's small talk must not state facts). Neither raises for a model failure.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dialogue.generation.base import Generation, Generator
from dialogue.generation.cleaning import clean_sentences, join_for_voice
from dialogue.generation.grounding import Embed, GroundedText, ground, numbers
from dialogue.generation.prompts import answer_evidence, answer_request, small_talk_request

FALLBACK_TIMEOUT = "timeout"
FALLBACK_ERROR = "error"
FALLBACK_EMPTY = "empty"
FALLBACK_UNGROUNDED = "ungrounded"


@dataclass(frozen=True)
class GeneratedText:
    """Speakable generated text, or empty with `fallback` naming why it cannot be used."""

    text: str
    generation: Generation
    grounding: GroundedText | None = None
    fallback: str | None = None

    @property
    def usable(self) -> bool:
        """True when `text` may be spoken."""
        return self.fallback is None and bool(self.text)


@functools.cache
def knowledge_embed() -> Embed | None:
    """The knowledge index's already-loaded MiniLM embedder, on one thread, or None when its
    package is not installed.

    The grounding check embeds a handful of sentences; the embedder runs up to
    SINGLE_THREAD_UP_TO texts on one torch thread (on the shared 2-core machine two threads
    wait for each other at every step: hundreds of ms instead of tens), so the texts go in
    slices of that size.
    """
    try:
        from knowledge.index import embedder

        embedder.model_path()
    except (ImportError, RuntimeError):
        return None
    step = max(1, embedder.SINGLE_THREAD_UP_TO)

    def embed_on_one_thread(texts: Sequence[str]) -> np.ndarray:
        if len(texts) <= step:
            return embedder.embed(texts)
        return np.concatenate(
            [embedder.embed(texts[i : i + step]) for i in range(0, len(texts), step)]
        )

    return embed_on_one_thread


def _failure(generation: Generation) -> str | None:
    if generation.timed_out:
        return FALLBACK_TIMEOUT
    if generation.error is not None:
        return FALLBACK_ERROR
    if not generation.text.strip():
        return FALLBACK_EMPTY
    return None


def grounded_answer(
    generator: Generator,
    question: str,
    passages: Sequence[str],
    *,
    budget_s: float = 1.5,
    max_new_tokens: int = 40,
    embed: Embed | None = None,
    semantic: bool = True,
) -> GeneratedText:
    """An answer to `question` from `passages`, kept only where the passages support it.

    `embed` defaults to the knowledge index's MiniLM embedder (when `semantic` is True and
    it is installed); the evidence checked is the same trimmed passages the model saw.
    """
    request = answer_request(question, passages, max_new_tokens=max_new_tokens, budget_s=budget_s)
    generation = generator.generate(request)
    failure = _failure(generation)
    if failure is not None:
        return GeneratedText("", generation, None, failure)
    if embed is None and semantic:
        embed = knowledge_embed()
    evidence = answer_evidence(question, passages)
    checked = ground(
        generation.text,
        evidence,
        embed=embed,
        truncated=generation.finish_reason == "length",
    )
    if not checked.grounded:
        return GeneratedText("", generation, checked, FALLBACK_UNGROUNDED)
    return GeneratedText(checked.text, generation, checked)


def small_talk(
    generator: Generator,
    utterance: str,
    *,
    topic: str | None = None,
    budget_s: float = 1.5,
    max_new_tokens: int = 32,
    temperature: float = 0.7,
) -> GeneratedText:
    """A short chat reply to `utterance`; sentences stating numbers are left out."""
    request = small_talk_request(
        utterance,
        topic=topic,
        max_new_tokens=max_new_tokens,
        budget_s=budget_s,
        temperature=temperature,
    )
    generation = generator.generate(request)
    failure = _failure(generation)
    if failure is not None:
        return GeneratedText("", generation, None, failure)
    sentences = [
        s
        for s in clean_sentences(generation.text, truncated=generation.finish_reason == "length")
        if not numbers(s, include_ambiguous=False)
    ]
    text = join_for_voice(sentences, max_sentences=2, max_chars=220)
    if not text:
        return GeneratedText("", generation, None, FALLBACK_EMPTY)
    return GeneratedText(text, generation)
