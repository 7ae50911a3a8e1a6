"""The two prompts the product sends to its generator, kept short for a 135M model.

A small model follows a short, concrete instruction best and is slowed down by every prompt
token (the prompt is processed before the first new token), so evidence passages are trimmed
to a few hundred characters at a sentence boundary and only the best two are sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.generation.base import GenerationRequest, Message
from dialogue.generation.grounding import content_words
from dialogue.generation.text import split_sentences

ANSWER_SYSTEM = (
    "You answer shoppers' questions using only the customer reviews given. "
    "Reply in one or two short, plain sentences. Do not add facts that are not in the reviews."
)
SMALL_TALK_SYSTEM = (
    "You are a friendly shopping companion chatting by voice. "
    "Reply with one short, warm sentence and then one short question. No lists, no facts."
)
# Prompt processing dominates the latency of a short answer (about 1 s for 200 prompt tokens
# on one busy core), so the evidence is kept small. On 24 SubjQA dev questions, two passages
# of up to 250 characters gave the most grounded answers (9 of 24, 34 % of sentences kept;
# three of 300: 7, 24 %; three of 200: 5, 17 %) at a median 1.6 s instead of 1.9 s on the
# shared machine.
MAX_PASSAGES = 2
PASSAGE_CHARS = 250
# A mild penalty: without it SmolLM2-135M often loops ("The answer to the question is: The
# answer to ..."); on 15 SubjQA dev questions 1.15 kept the grounded share and cut the loops,
# while 1.3 pushed the model off the evidence's own words and fewer sentences survived.
ANSWER_REPETITION_PENALTY = 1.15
# The voice answer speaks at most two generated sentences, so generation stops after them.
ANSWER_SENTENCES = 2


def trim_passage(text: str, limit: int = PASSAGE_CHARS, question: str | None = None) -> str:
    """`text` on one line, cut to at most `limit` characters at sentence (or word) boundaries.

    Without a `question` the first sentences are kept. With one, the sentences sharing the
    most content words with the question are kept first (ties: the earlier sentence), then
    put back in their original order: the model sees, and grounding checks, the part of the
    review that talks about what was asked.
    """
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    order = list(range(len(sentences)))
    if question:
        wanted = content_words(question)
        order.sort(key=lambda i: -len(content_words(sentences[i]) & wanted))
    chosen: list[int] = []
    used = 0
    for index in order:
        cost = len(sentences[index]) + (1 if chosen else 0)
        if used + cost > limit:
            if question:
                continue  # a shorter, less relevant sentence may still fit
            break
        chosen.append(index)
        used += cost
    if chosen:
        return " ".join(sentences[i] for i in sorted(chosen))
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def answer_evidence(
    question: str,
    passages: Sequence[str],
    *,
    max_passages: int = MAX_PASSAGES,
    passage_chars: int = PASSAGE_CHARS,
) -> list[str]:
    """The evidence an answer request shows the model and grounding checks against: the first
    `max_passages` non-empty passages, each trimmed to what is most relevant to `question`."""
    kept = [p for p in passages if p.strip()][:max_passages]
    return [trim_passage(p, passage_chars, question) for p in kept]


def answer_request(
    question: str,
    passages: Sequence[str],
    *,
    max_new_tokens: int = 40,
    budget_s: float = 1.5,
    max_passages: int = MAX_PASSAGES,
    passage_chars: int = PASSAGE_CHARS,
) -> GenerationRequest:
    """The grounded-answer request: question + up to `max_passages` trimmed reviews, greedy."""
    evidence = answer_evidence(
        question, passages, max_passages=max_passages, passage_chars=passage_chars
    )
    reviews = "\n".join(f"- {p}" for p in evidence) or "- (no reviews)"
    user = f"Reviews:\n{reviews}\n\nQuestion: {question.strip()}\nAnswer from the reviews:"
    return GenerationRequest(
        messages=(Message("system", ANSWER_SYSTEM), Message("user", user)),
        max_new_tokens=max_new_tokens,
        temperature=0.0,
        stop=("\n\n", "Question:"),
        budget_s=budget_s,
        repetition_penalty=ANSWER_REPETITION_PENALTY,
        max_sentences=ANSWER_SENTENCES,
    )


def small_talk_request(
    utterance: str,
    *,
    topic: str | None = None,
    max_new_tokens: int = 32,
    budget_s: float = 1.5,
    temperature: float = 0.7,
) -> GenerationRequest:
    """The small-talk request for the chat: what the user said, and the topic if there is one."""
    context = f"We are chatting about {topic.strip()}.\n" if topic and topic.strip() else ""
    user = f"{context}The shopper says: {utterance.strip() or '(nothing)'}"
    return GenerationRequest(
        messages=(Message("system", SMALL_TALK_SYSTEM), Message("user", user)),
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        stop=("\n\n",),
        budget_s=budget_s,
    )
