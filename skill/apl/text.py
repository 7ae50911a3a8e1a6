"""The few words the screen adds to what is spoken (attributions, counts), per locale like
the speech strings; a test checks every supported locale has every label."""

from __future__ import annotations

from collections.abc import Mapping

_ENGLISH = {
    "review_stars": "a {stars}-star review",
    "reviewer": "a reviewer",
    "community_answer": "a customer's answer",
    "reviews": "{count} reviews",
    "reviews_one": "one review",
    "votes": "{count} votes",
    "votes_one": "one vote",
}
LABELS: Mapping[str, Mapping[str, str]] = {"en-US": _ENGLISH, "en-GB": _ENGLISH}


def label(locale: str, key: str, **values: object) -> str:
    """The `key` label for `locale` with `values` filled in (a count of one has its own form)."""
    table = LABELS.get(locale) or LABELS["en-US"]
    if values.get("count") == 1 and f"{key}_one" in table:
        key = f"{key}_one"
    return table[key].format(**values)
