"""Redaction of personal data: emails, phone numbers, street addresses and card numbers.

Users talk to ShopTalk by voice, so each rule also knows the spoken form ("bob at example dot
com", "five five five one two three four five six seven", "twelve main street"). Each
redaction replaces the whole match with a bracketed label naming what was removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL_LABEL = "[email removed]"
PHONE_LABEL = "[phone number removed]"
ADDRESS_LABEL = "[address removed]"
CARD_LABEL = "[card number removed]"

_TLDS = r"(?:com|net|org|edu|gov|io|co|uk|de|fr|info|me|us|ca|au)"
# Every repetition is bounded (RFC limits: 64-character mailbox, 63-character labels) so a
# hostile text like "bob.bob.bob..." cannot make a pattern backtrack for minutes.
_LOCAL = r"[A-Za-z0-9._%+-]{1,64}"
_LABEL = r"[A-Za-z0-9-]{1,63}"
_EMAIL = re.compile(rf"\b{_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,6}}\.[A-Za-z]{{2,24}}\b")
_SPOKEN_EMAIL = re.compile(
    rf"\b[A-Za-z0-9._-]{{1,64}}(?:\s+dot\s+{_LABEL}){{0,4}}\s+at\s+{_LABEL}(?:\s+dot\s+{_LABEL}){{0,4}}\s+dot\s+{_TLDS}\b",
    re.I,
)
# "bob at example.com": how a recogniser may write a spoken address. The part before "at"
# must not be a word that usually precedes a shop ("bought it at amazon.com").
_MIXED_EMAIL = re.compile(
    rf"\b(?P<local>{_LOCAL})\s+at\s+{_LABEL}(?:\.{_LABEL}){{0,6}}\.{_TLDS}\b"
    rf"|\b{_LOCAL}@{_LABEL}(?:\s+dot\s+{_LABEL}){{0,4}}\s+dot\s+{_TLDS}\b",
    re.I,
)
_NOT_A_MAILBOX = frozenset(
    """it them one this that these those mine ours yours me us him her home work store shop
    shops online price deal deals sale sales cost costs costing available found bought buy
    sold order ordered look looked check checked get got go went is was be been are""".split()
)
_NUMBER_RUN = re.compile(
    r"(?<![\w+])(?:\+\s?\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,19}(?:[\s.-]\d{1,5}){0,5}(?![\w])"
)
_UNIT_AFTER = re.compile(r"\s?(?:[kmg]?hz|mah|mm|cm|nm|rpm|mb|gb|kb|w|v|watts?|volts?|dpi|ppi|lumens?)\b", re.I)
_LOCAL_NUMBER = re.compile(r"^\d{3}[-.]\d{4}$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")

_DIGIT_WORDS = {
    "zero": 1, "oh": 1, "one": 1, "two": 1, "three": 1, "four": 1, "five": 1, "six": 1,
    "seven": 1, "eight": 1, "nine": 1,
}
_SPOKEN_DIGITS = re.compile(
    r"\b(?:(?:double|triple)\s+)?(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d{1,19})"
    r"(?:[\s,-]{1,3}(?:(?:double|triple)\s+)?(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d{1,19})){1,24}\b",
    re.I,
)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred"
)
_STREET_TYPES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    "terrace|close|crescent|highway|hwy|parkway|pkwy|square|sq|row|mews|gardens"
)
# Words that cannot be part of a street name: they show the number counts something else
# ("3 hour drive", "5 stars down the road").
_NOT_A_NAME = frozenset(
    """a an the on in of to for at by from with and or my our your his her their this that it
    its is was be me i we you they he she hour hours minute minutes mile miles day days week
    weeks month months year years star stars time times more less down up long short way
    whole full few many other same new old""".split()
) | frozenset(_STREET_TYPES.split("|"))
_ADDRESS = re.compile(
    rf"\b(?P<number>\d{{1,5}}[A-Za-z]?|(?:{_NUMBER_WORDS})(?:[\s-](?:{_NUMBER_WORDS})){{0,4}})\s+"
    rf"(?P<name>(?:[A-Za-z][A-Za-z'-]{{0,30}}\s+){{1,3}}?)(?P<type>{_STREET_TYPES})\b\.?",
    re.I,
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _classify_number(run: str) -> str | None:
    """"card", "phone" or None for a run of digits with separators."""
    digits = re.sub(r"\D", "", run)
    groups = re.findall(r"\d+", run)
    if 13 <= len(digits) <= 19 and (_luhn_ok(digits) or [len(g) for g in groups] == [4, 4, 4, 4]):
        return "card"
    if all(_YEAR.match(g) for g in groups):
        return None
    if len(groups) >= 3 and all(len(g) == 4 for g in groups) and run[0].isdigit():
        return None  # "8800 8830 9000": a list of model numbers
    if 10 <= len(digits) <= 15 and (len(groups) == 1 or all(len(g) >= 2 for g in groups[1:])):
        return "phone"
    if _LOCAL_NUMBER.match(run.strip()):
        return "phone"
    return None


def _spoken_digit_count(run: str) -> int:
    """Digits a spoken run stands for; 0 unless 3+ digits are spelled out or 5+ said singly."""
    spelled = sum(1 for w in re.findall(r"[A-Za-z]+", run.lower()) if w in _DIGIT_WORDS)
    singles = len(re.findall(r"\b\d\b", run))  # "5 5 5 1 2 3 ..." as a recogniser may write it
    if spelled < 3 and singles < 5:
        return 0
    count = 0
    multiplier = 1
    for word in re.findall(r"[A-Za-z]+|\d+", run.lower()):
        if word == "double":
            multiplier = 2
        elif word == "triple":
            multiplier = 3
        else:
            count += (len(word) if word.isdigit() else _DIGIT_WORDS.get(word, 0)) * multiplier
            multiplier = 1
    return count


# Street types that are also everyday words ("in one convenient place", "the other way"):
# after a spelled-out number they are not taken as an address.
_AMBIGUOUS_TYPES = frozenset("way place close court row square sq pl ct dr st gardens mews terrace crescent".split())


def _is_address(match: re.Match[str]) -> bool:
    names = match.group("name").split()
    if not names or any(n.lower() in _NOT_A_NAME for n in names):
        return False
    spelled = not match.group("number")[0].isdigit()
    return not (spelled and match.group("type").lower() in _AMBIGUOUS_TYPES)


def redact_personal_data(text: str) -> tuple[str, tuple[str, ...]]:
    """Redact emails, card numbers, phone numbers and street addresses.

    Returns the redacted text and the kinds found, in a fixed order
    ("email", "card_number", "phone", "address").
    """
    found: list[str] = []

    def sub(pattern: re.Pattern[str], label: str, kind: str, keep: Callable[[re.Match[str]], bool]) -> None:
        nonlocal text

        def replace(match: re.Match[str]) -> str:
            if not keep(match):
                return match.group(0)
            if kind not in found:
                found.append(kind)
            return label

        text = pattern.sub(replace, text)

    sub(_EMAIL, EMAIL_LABEL, "email", lambda m: True)
    sub(_SPOKEN_EMAIL, EMAIL_LABEL, "email", lambda m: True)
    sub(_MIXED_EMAIL, EMAIL_LABEL, "email",
        lambda m: (m.group("local") or "").lower() not in _NOT_A_MAILBOX)

    def number(match: re.Match[str]) -> str:
        if _UNIT_AFTER.match(match.string, match.end()):
            return match.group(0)  # "800-1900 MHz" is a range, not a number to call
        kind = _classify_number(match.group(0))
        if kind is None:
            return match.group(0)
        name = "card_number" if kind == "card" else "phone"
        if name not in found:
            found.append(name)
        return CARD_LABEL if kind == "card" else PHONE_LABEL

    text = _NUMBER_RUN.sub(number, text)
    sub(_SPOKEN_DIGITS, PHONE_LABEL, "phone", lambda m: _spoken_digit_count(m.group(0)) >= 7)
    sub(_ADDRESS, ADDRESS_LABEL, "address", _is_address)
    order = ("email", "card_number", "phone", "address")
    return text, tuple(k for k in order if k in found)
