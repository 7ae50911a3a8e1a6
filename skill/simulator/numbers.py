"""Spoken numbers to digits, the way AMAZON.NUMBER fills its slot ("five" -> "5")."""

from __future__ import annotations

_SMALL = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if word != "_"
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_ALIASES = {"a": 1, "an": 1, "oh": 0, "no": 0}


def parse_number(text: str) -> int | None:
    """The integer `text` names ("5", "five", "twenty one", "a hundred and two"), or None."""
    words = text.lower().replace("-", " ").split()
    if not words:
        return None
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    total = current = 0
    seen = False
    for word in words:
        if word == "and" and seen:
            continue
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _ALIASES and not seen:
            current += _ALIASES[word]
        elif word in _SCALES and seen:
            scale = _SCALES[word]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        elif word.isdigit():
            current += int(word)
        else:
            return None
        seen = True
    return total + current
