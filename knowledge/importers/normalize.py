"""Normalisation of names and dates coming from other tools' files.

Product names arrive with doubled CSV quotes (`6""`), curly quotes, stray spaces, trailing
punctuation and shouting or all-lower casing; dates in half a dozen spellings. Everything is
brought to one form here so ids, de-duplication and speech see the same text.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2033": '"', "\u2018": "'",
                         "\u2019": "'", "\u2032": "'", "\u00a0": " "})
_TRAILING = " \t.,;:!-–—/|"  # stripped with str.rstrip: linear even on hostile input
_LEADING = " \t.,;:-–—/|"
_SMALL_WORDS = frozenset("a an and as at but by for in of on or the to with w/ vs".split())


def clean_text(value: str) -> str:
    """Unescape HTML entities, straighten quotes and collapse whitespace."""
    return _SPACES.sub(" ", html.unescape(value).translate(_QUOTES)).strip()


def _title_case(name: str) -> str:
    words = name.lower().split(" ")
    out = []
    for i, word in enumerate(words):
        if i and word in _SMALL_WORDS:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def normalise_name(value: str) -> str:
    """A product name fit for lists and speech.

    Doubled quotes (`6""` as left by naive CSV writers) become one; surrounding quotes and
    trailing punctuation go; a name written ALL CAPS or all lower case is title-cased, while
    mixed-case names (brand styling like "iPad", "HD") are kept as written.
    """
    name = clean_text(value).replace('""', '"')
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1].strip()
    name = name.rstrip(_TRAILING).lstrip(_LEADING)
    letters = [ch for ch in name if ch.isalpha()]
    if letters and (all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)):
        if len(letters) > 4:
            name = _title_case(name)
    return name


def short_alias(name: str, brand: str = "") -> str:
    """The leading part of a long listing title, the way people say it.

    "Amazon Tap - Alexa-Enabled Portable Bluetooth Speaker" -> "amazon tap";
    "Fire HD 10 Tablet, 10.1 HD Display, Wi-Fi" -> "fire hd 10 tablet". Empty when the name
    is already short.
    """
    parts = [p.strip() for p in re.split(r"\s+-\s+|,|\(|\s+with\s+|\s+w/\s+", name) if p.strip()]
    parts = [p for p in parts if p.casefold() != brand.casefold()] or parts
    if not parts:
        return ""
    words = []
    for word in parts[0].replace('"', "").lower().split():
        if word in _SPEC_WORDS:
            break
        words.append(word)
    while words and words[0] in ("all-new", "brand", "new"):
        words.pop(0)
    alias = " ".join(words)
    if not alias or alias == name.lower() or not 2 <= len(words) <= 5:
        return ""
    return alias


_SPEC_WORDS = frozenset({"alexa-enabled", "bluetooth", "wifi", "wi-fi", "portable", "official",
                         "oem", "usb", "16gb", "32gb", "8gb", "4gb", "hd-display", "|"})
_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d-%b-%Y", "%b %d, %Y", "%B %d, %Y", "%m/%d/%Y",
                 "%Y/%m/%d", "%d %b %Y", "%d %B %Y")


def iso_date(value: str) -> str | None:
    """The YYYY-MM-DD form of a date or timestamp string; "" for empty, None when unreadable."""
    text = value.strip()
    if not text:
        return ""
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text):
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def date_from_unix(seconds: int | float) -> str:
    """The UTC calendar date of a Unix timestamp."""
    return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()

