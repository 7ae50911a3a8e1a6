"""Whole-word profanity, slur and personal-attack detection with leetspeak folding.

A token is compared as a whole against the word lists after folding look-alike characters
("sh1t", "$hit", "a55") and squeezing stretched letters ("shiiit"), so a listed word hidden
inside a longer clean word ("Scunthorpe", "assess", "cocktail") is never matched.
"""

from __future__ import annotations

import re

from knowledge.moderation.wordlists import INSULTS, PROFANITY, SLURS, THREATS

_TOKEN = re.compile(r"[A-Za-z0-9@$!*|]+")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "@": "a", "$": "s", "!": "i", "|": "i"})
_RUNS_TO_ONE = re.compile(r"(.)\1+")
_RUNS_TO_TWO = re.compile(r"(.)\1{2,}")
_HAS_LETTER = re.compile(r"[A-Za-z]")

_FILLERS = r"(?:(?:such|so|a|an|the|total|complete|real|absolute|utter|little|big|fucking|freaking|bloody|stupid|dumb|fat)\s+){0,3}"
_INSULT_ALT = "|".join(sorted(INSULTS, key=len, reverse=True))
_ATTACK_PATTERNS = (
    re.compile(rf"\b(?:you|u|ya)(?:\s*'re|\s+are|\s+r|re)?\s+{_FILLERS}(?:{_INSULT_ALT})\b", re.I),
    re.compile(rf"\b(?:your|ur)\s+(?:an?|such\s+an?|so)\s+{_FILLERS}(?:{_INSULT_ALT})\b", re.I),
    re.compile(r"\byou\s+(?:suck|stink)\b", re.I),
    re.compile(r"\bshut\s+up\b", re.I),
)
_THREAT_PATTERNS = tuple(re.compile(p, re.I) for p in THREATS)


def _forms(token: str) -> set[str]:
    """The spellings a token could stand for: folded, and with stretched letters squeezed."""
    core = token.strip("!*|").lower()
    if not core or not _HAS_LETTER.search(core):
        return set()
    folded = core.translate(_LEET)
    return {folded, _RUNS_TO_TWO.sub(r"\1\1", folded), _RUNS_TO_ONE.sub(r"\1", folded)}


def _starred_match(token: str, words: frozenset[str]) -> bool:
    """True for self-censored spellings like "f*ck" or "sh**" that stand for a listed word."""
    core = token.strip("!|").lower()
    if "*" not in core.strip("*") or not _HAS_LETTER.search(core):
        return False
    pattern = re.compile("".join("." if ch == "*" else re.escape(ch) for ch in core.translate(
        str.maketrans({k: v for k, v in zip("0134578@$", "oieastbas")}))))
    return any(pattern.fullmatch(word) for word in words)


def _matches(token: str, words: frozenset[str]) -> bool:
    return bool(_forms(token) & words) or _starred_match(token, words)


def _mask(word: str) -> str:
    return word[0] + "*" * (len(word) - 1)


def mask_words(text: str, words: frozenset[str]) -> tuple[str, int]:
    """Replace every whole-word match of `words` by its first letter and stars; returns the count."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group(0)
        if _matches(token, words):
            count += 1
            core = token.rstrip("!")
            return _mask(core) + token[len(core):]
        return token

    return _TOKEN.sub(replace, text), count


def mask_profanity(text: str) -> tuple[str, int]:
    """Mask profanity (whole words, leetspeak-aware); returns the cleaned text and how many."""
    return mask_words(text, PROFANITY)


def mask_slurs(text: str) -> tuple[str, int]:
    """Mask slurs (whole words, leetspeak-aware); returns the cleaned text and how many."""
    return mask_words(text, SLURS)


def is_personal_attack(text: str) -> bool:
    """True when an insult is aimed at the listener ("you are an idiot", "you suck")."""
    return any(p.search(text) for p in _ATTACK_PATTERNS)


def is_threat(text: str) -> bool:
    """True for threats of violence or incitement to self-harm ("kill yourself")."""
    return any(p.search(text) for p in _THREAT_PATTERNS)
