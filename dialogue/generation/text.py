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
