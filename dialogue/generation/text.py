"""Small text helpers shared by the backends, cleaning and grounding: template tokens, sentences."""

from __future__ import annotations

import re

# Chat-template control tokens of the models we run (ChatML, Gemma, Llama-2 style).
_TEMPLATE_TOKEN = re.compile(
    r"<\|[a-z_]+\|>|<(?:start|end)_of_turn>|</?s>|<<\s*/?SYS\s*>>|\[/?INST\]|<bos>|<eos>"
)
_ROLE_PREFIX = re.compile(r"^\s*(?:assistant|model)\s*[:\n]", re.IGNORECASE)

# A sentence ends at . ! or ? followed by space and an upper-case letter, digit or quote;
# abbreviations such as "e.g." or "approx." and decimals ("4.5") do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "mr.", "mrs.", "dr.", "no.")


def strip_template_tokens(text: str) -> str:
    """Remove chat-template control tokens and a leading role label from model output."""
    text = _TEMPLATE_TOKEN.sub(" ", text)
    text = _ROLE_PREFIX.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split plain text into sentences (a simple rule set, good enough for short answers)."""
    pieces: list[str] = []
    for block in re.split(r"\n+", text):
        block = block.strip()
        if not block:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(block):
            candidate = block[start : match.start()].strip()
            if candidate.lower().endswith(_ABBREVIATIONS):
                continue
            pieces.append(candidate)
            start = match.end()
        tail = block[start:].strip()
        if tail:
            pieces.append(tail)
    return [p for p in pieces if p]


def end_of_sentences(text: str, count: int) -> int | None:
    """Index just past the `count`-th complete sentence of `text`, or None if not there yet.

    A sentence counts as complete only once the next one has visibly begun (the same rule as
    `split_sentences`), so a streaming caller can stop generating there and drop the start of
    the sentence after it. Line breaks end a sentence too.
    """
    if count < 1:
        raise ValueError(f"count must be >= 1, not {count}")
    found = 0
    start = 0
    for match in re.finditer(r"\n+", text):
        block_end = match.start()
        found, end = _count_in_block(text, start, block_end, found, count, closed=True)
        if end is not None:
            return end
        start = match.end()
    _, end = _count_in_block(text, start, len(text), found, count, closed=False)
    return end


def _count_in_block(
    text: str, start: int, stop: int, found: int, count: int, *, closed: bool
) -> tuple[int, int | None]:
    """Count sentence ends in text[start:stop]; the end position once `count` is reached."""
    block = text[start:stop]
    piece_start = 0
    for match in _SENTENCE_END.finditer(block):
        candidate = block[piece_start : match.start()].strip()
        if candidate.lower().endswith(_ABBREVIATIONS):
            continue
        if candidate:
            found += 1
            if found >= count:
                return found, start + match.start()
        piece_start = match.end()
    if closed and block[piece_start:].strip():
        found += 1
        if found >= count:
            return found, stop
    return found, None
