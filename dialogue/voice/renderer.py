"""Turn `Say` keys into speech: look the keys up in the locale's string files, escape every
parameter for SSML and speak numbers naturally.

Strings live in dialogue/locales/<locale>/*.json (one file per feature family, merged; a key
defined twice is an error naming both files). They are loaded once per process and locale.
Strings are trusted SSML written by us; parameters are untrusted (user reviews, messages,
names) and are always escaped, so user text can never inject a tag.
"""

from __future__ import annotations

import functools
import json
import re
import string
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dialogue.reply import Say

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LOCALE = "en-US"
MAX_SPEECH_CHARS = 7_900  # Alexa rejects outputSpeech of 8,000 characters or more

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
_ESCAPE_RE = re.compile("[&<>\"']")
_TAG_RE = re.compile(r"<[^>]*>")
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


class LocaleError(ValueError):
    """A locale file is missing, unreadable, or defines a key twice."""


def escape_ssml(text: str) -> str:
    """Escape the five XML special characters so `text` is inert inside `<speak>`."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


def strip_ssml(ssml: str) -> str:
    """Plain text of an SSML fragment (tags removed, entities decoded) for logs and tests."""
    text = _TAG_RE.sub("", ssml)
    for raw, escaped in _ESCAPES.items():
        text = text.replace(escaped, raw)
    return " ".join(text.split())


def _words_below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + ("" if unit == 0 else f" {_UNITS[unit]}")


def speak_number(value: float | int | Decimal) -> str:
    """A number as people say it: whole numbers as digits ("845"), which Alexa reads well;
    fractions spelled out with "point" ("four point three"), rounded to one decimal."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    if number == number.to_integral_value():
        whole = int(number)
        return _words_below_100(whole) if 0 <= whole < 100 and not isinstance(value, int) else str(whole)
    sign = "minus " if number < 0 else ""
    whole, fraction = divmod(abs(number), 1)
    whole_text = _words_below_100(int(whole)) if whole < 100 else str(int(whole))
    return f"{sign}{whole_text} point {_UNITS[int(fraction * 10)]}"


def _format_param(value: Any) -> str:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return speak_number(value)
    return escape_ssml(str(value))


@functools.cache
def load_strings(locale: str) -> Mapping[str, str]:
    """All strings of `locale`, merged from its files; cached for the life of the process."""
    folder = LOCALES_DIR / locale
    files = sorted(folder.glob("*.json"))
    if not files:
        raise LocaleError(f"no string files for locale {locale!r} in {folder}")
    merged: dict[str, str] = {}
    origin: dict[str, Path] = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise LocaleError(f"{path}: line {exc.lineno}: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise LocaleError(f"{path}: expected an object of key -> string")
        for key, text in data.items():
            if not isinstance(text, str):
                raise LocaleError(f"{path}: key {key!r}: expected a string")
            if key in merged:
                raise LocaleError(f"key {key!r} is defined in both {origin[key]} and {path}")
            merged[key] = text
            origin[key] = path
    return MappingProxyType(merged)


def supported_locale(locale: str | None) -> str:
    """`locale` when we have strings for it, else the default (requests may carry any locale)."""
    if locale and (LOCALES_DIR / locale).is_dir():
        return locale
    return DEFAULT_LOCALE


def render_one(say: Say, locale: str) -> str:
    """One key rendered with its escaped parameters."""
    strings = load_strings(supported_locale(locale))
    try:
        template = strings[say.key]
    except KeyError:
        raise LocaleError(f"locale {supported_locale(locale)} has no string {say.key!r}") from None
    params = {name: _format_param(value) for name, value in say.params.items()}
    needed = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    missing = needed - params.keys()
    if missing:
        raise LocaleError(f"string {say.key!r} needs parameters {sorted(missing)}")
    return template.format_map(params)


def fit_speech(ssml: str, limit: int = MAX_SPEECH_CHARS) -> str:
    """Cut speech that would exceed Alexa's limit at the last sentence end (never inside a
    tag or an entity)."""
    if len(ssml) <= limit:
        return ssml
    cut = ssml[:limit]
    # never leave a half tag or half entity behind
    lt, amp = cut.rfind("<"), cut.rfind("&")
    if lt > cut.rfind(">"):
        cut = cut[:lt]
    if amp > cut.rfind(";"):
        cut = cut[:amp]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > 0 else cut


def render(says: Sequence[Say], locale: str, limit: int = MAX_SPEECH_CHARS) -> str:
    """The SSML body (without `<speak>`) for `says`, within Alexa's length limit.

    When it is too long, the earlier parts are cut at a sentence end and the last part (the
    question that keeps a conversation going) is kept whole when it is short."""
    parts = [render_one(say, locale) for say in says]
    speech = " ".join(parts)
    if len(speech) <= limit:
        return speech
    last = parts[-1]
    if len(parts) > 1 and len(last) < limit // 4:
        return f"{fit_speech(' '.join(parts[:-1]), limit - len(last) - 1)} {last}"
    return fit_speech(speech, limit)
