"""Spam signals: links, stretched or repeated text, shouting and known spam phrases.

Each check returns True when the text shows the signal. They are deliberately tolerant of
ordinary enthusiasm ("sooo good!!!", "very very good", one capitalised word) and aimed at
what promotional or automated posts look like.
"""

from __future__ import annotations

import re

from knowledge.moderation.wordlists import SPAM_PHRASES

_LINK_TLDS = r"(?:com|net|org|io|ly|biz|info|xyz|co|ru|cn|top|shop|site|online|link|click|me|tv|app)"
_URL = re.compile(
    rf"\bhttps?://\S+|\bwww\.\S+|\b[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}}){{0,6}}\.{_LINK_TLDS}\b(?:/\S*)?",
    re.I,
)
_SPOKEN_URL = re.compile(rf"\b[A-Za-z0-9-]{{1,63}}\s+dot\s+{_LINK_TLDS}\b", re.I)
# Shops customers mention by name in honest reviews ("bought it on amazon.com").
_ALLOWED_DOMAINS = frozenset({"amazon.com", "amazon.co.uk", "amazon.ca", "amazon dot com",
                              "audible.com", "audible dot com", "goodreads.com"})

_STRETCHED_LETTER = re.compile(r"([A-Za-z])\1{6,}")
_REPEATED_WORD = re.compile(r"\b(\w{1,40})(?:\W{1,5}\1\b){3,}", re.I)  # bounded: no runaway backtracking
_SPAM_PHRASES = tuple(re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", re.I) for p in SPAM_PHRASES)


def has_link(text: str) -> bool:
    """True for URLs, www. addresses and bare or spoken domains other than well-known shops."""
    for pattern in (_URL, _SPOKEN_URL):
        for match in pattern.finditer(text):
            if match.group(0).lower().rstrip("/.") not in _ALLOWED_DOMAINS:
                return True
    return False


def has_repetition(text: str) -> bool:
    """True for a letter stretched 7+ times or a word said 4+ times running.

    Runs of punctuation ("!!!!!!!!", "........") are left alone: real customers type them.
    """
    return bool(_STRETCHED_LETTER.search(text) or _REPEATED_WORD.search(text))


def is_shouting(text: str) -> bool:
    """True when a text of 4+ words and 20+ letters is at least 70% capital letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20 or len(text.split()) < 4:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) >= 0.7


def has_spam_phrase(text: str) -> bool:
    """True when the text contains a known promotional phrase ("click here", "promo code")."""
    return any(p.search(text) for p in _SPAM_PHRASES)
