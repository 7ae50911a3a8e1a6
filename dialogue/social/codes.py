"""Speakable friend codes: a word plus two digits spoken as words ("tiger four two").

Codes are easy to say and to hear, and they are parsed back leniently from whatever speech
recognition produced: "tiger 42", "Tiger forty two", "tiger four to", "tigr 4 2". Digits run
from one to nine (no zero: "oh", "zero" and "o" are too easy to mishear), and the words are
short, common and unlike each other and unlike number words.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from rapidfuzz import fuzz, process

CODE_WORDS: tuple[str, ...] = tuple(
    """
    tiger river maple comet pepper falcon meadow harbor cactus panda rocket willow
    lemon otter violet canyon jasper walrus mango pebble raven cobalt lantern bison
    cricket dolphin ember fossil garden hazel igloo jungle kettle lotus marble nectar
    orbit parrot quartz robin saddle tulip velvet wagon yellow zebra anchor bamboo
    candle dragon engine feather glacier hammer island jacket koala ladder magnet
    noodle oyster pickle rabbit salmon turtle umbrella vulture waffle yogurt basket
    button cherry donkey falafel giraffe helmet iguana jigsaw kayak lizard muffin
    napkin olive puffin rhubarb spider tractor unicorn volcano whistle badger banjo
    biscuit cobra daisy eagle ferret goose hippo jelly llama moose pirate sparrow
    """.split()
)
DIGIT_WORDS: tuple[str, ...] = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_UNITS = {w: i + 1 for i, w in enumerate(DIGIT_WORDS)}
# what speech recognition writes for a spoken digit
_SOUNDALIKES = {"won": 1, "to": 2, "too": 2, "for": 4, "fore": 4, "ate": 8, "tree": 3, "free": 3}
_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}
_TENS = {
    "twenty": 2, "thirty": 3, "forty": 4, "fourty": 4, "fifty": 5, "sixty": 6, "seventy": 7,
    "eighty": 8, "ninety": 9,
}
_TOKEN = re.compile(r"[a-z]+|\d+")
WORD_MATCH_CUTOFF = 80.0  # rapidfuzz ratio: "tigr" and "tyger" still find "tiger"


def code_from_parts(word: str, first: int, second: int) -> str:
    """The canonical spoken form: "tiger four two"."""
    return f"{word} {DIGIT_WORDS[first - 1]} {DIGIT_WORDS[second - 1]}"


def candidate_code(seed: str, attempt: int) -> str:
    """The `attempt`-th candidate code for `seed` (deterministic, so tests are repeatable)."""
    digest = hashlib.sha256(f"{seed}\x1f{attempt}".encode()).digest()
    word = CODE_WORDS[int.from_bytes(digest[:4], "big") % len(CODE_WORDS)]
    return code_from_parts(word, digest[4] % 9 + 1, digest[5] % 9 + 1)


def new_friend_code(seed: str, is_taken: Callable[[str], bool], attempts: int = 400) -> str:
    """A code no one has yet; ValueError when `attempts` candidates were all taken."""
    for attempt in range(attempts):
        code = candidate_code(seed, attempt)
        if not is_taken(code):
            return code
    raise ValueError(f"no free friend code after {attempts} attempts")


def _digits(tokens: list[str]) -> str:
    """The digits a run of spoken or written number tokens stands for ("forty two" -> "42")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit():
            out.append(token)
        elif token in _UNITS:
            out.append(str(_UNITS[token]))
        elif token in _SOUNDALIKES:
            out.append(str(_SOUNDALIKES[token]))
        elif token in _TEENS:
            out.append(_TEENS[token])
        elif token in _TENS:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in _UNITS or nxt in _SOUNDALIKES:
                out.append(f"{_TENS[token]}{_UNITS.get(nxt) or _SOUNDALIKES[nxt]}")
                i += 1
            else:
                out.append(f"{_TENS[token]}0")
        elif token in ("and", "dash", "hyphen", "number"):
            pass
        else:
            return ""  # something that is not a number: not a code
        i += 1
    return "".join(out)


def _is_number_token(token: str) -> bool:
    return (
        token.isdigit() or token in _UNITS or token in _TEENS or token in _TENS
        or token in ("and", "dash", "hyphen")
    )


def parse_friend_code(spoken: str | None) -> str | None:
    """The canonical code in what was heard, or None when it does not look like a code.

    Leading carrier words ("the code is", "it's") are skipped; the code word is matched
    fuzzily against CODE_WORDS; the digits may be written, spoken one by one, or spoken as a
    two-digit number.
    """
    tokens = _TOKEN.findall((spoken or "").lower().replace("-", " "))
    if not tokens:
        return None
    # the code word is the last word-like token that is followed only by numbers
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if _is_number_token(token) or token in _SOUNDALIKES:
            continue
        word_token, number_tokens = token, tokens[index + 1 :]
        break
    else:
        return None
    digits = _digits(number_tokens)
    if len(digits) != 2 or "0" in digits:
        return None
    if word_token in CODE_WORDS:
        word = word_token
    else:
        match = process.extractOne(word_token, CODE_WORDS, scorer=fuzz.ratio, score_cutoff=WORD_MATCH_CUTOFF)
        if match is None:
            return None
        word = match[0]
    return code_from_parts(word, int(digits[0]), int(digits[1]))
