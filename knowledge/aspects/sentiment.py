"""Sentence polarity from VADER (the vaderSentiment package), adapted to product reviews.

VADER is a validated rule-based sentiment model (lexicon plus rules for negation, degree
words, contrast and punctuation) that runs offline from its registry package, a few thousand
sentences a second on one core. Product reviews say some things its general lexicon reads as
neutral ("the battery dies", "it froze", "returned it"), so a small domain lexicon is added
to VADER's own before use; VADER's rules then apply to those words too ("never freezes").
A few review phrases decide a clause's lean before VADER does: wishes and workarounds name a
shortcoming ("I wish it were louder", "had to buy an extender"), a low price is praise.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# valence on VADER's -4..4 scale for words its general lexicon misses in product reviews
DOMAIN_LEXICON: dict[str, float] = {
    "dies": -2.0, "died": -2.0, "dead": -2.0, "drains": -1.5, "drained": -1.5,
    "froze": -2.0, "freezes": -2.0, "freezing": -1.5, "crashes": -2.0, "crashed": -2.0,
    "glitchy": -2.0, "glitch": -1.5, "glitches": -1.5, "laggy": -2.0, "lags": -1.5,
    "sluggish": -1.8, "unresponsive": -2.0, "flimsy": -2.0, "cheaply": -1.5, "defective": -2.5,
    "returned": -1.5, "returning": -1.5, "refund": -1.5, "junk": -2.5, "garbage": -2.5,
    "disconnects": -1.8, "overheats": -2.0, "tinny": -1.8, "muffled": -1.8, "distorted": -1.8,
    "crackles": -1.8, "dim": -1.0, "grainy": -1.5, "blurry": -1.5, "pixelated": -1.5,
    "durable": 1.8, "sturdy": 1.8, "crisp": 1.8, "responsive": 1.5, "intuitive": 1.8,
    "affordable": 1.5, "inexpensive": 1.0, "bargain": 1.8, "lightweight": 1.2, "portable": 0.8,
    "loud": 0.8, "clear": 1.2, "rich": 1.2, "bright": 1.0, "sharp": 1.2, "fast": 1.0, "quick": 1.0,
    "slow": -1.5, "overpriced": -2.0, "pricey": -1.0, "breaks": -1.8, "broke": -2.0,
    "cracked": -1.8, "stopped": -1.0, "lacks": -1.5, "lacking": -1.5, "lack": -1.2,
    "expensive": -1.2, "buffering": -1.5, "buffers": -1.5, "killer": 1.5, "simple": 1.0,
    "faster": 1.0, "snappy": 1.5, "vivid": 1.5,
}
# Review phrases whose lean VADER's word-by-word scoring reads wrongly: a wish names a
# shortcoming ("I wish it were louder", "could be brighter"); a low price is good.
_SHORTCOMING = re.compile(
    r"\b(?:i wish|wish (?:it|they|there|the|i|that)|wish\b.*\b(?:was|were|had|could)|could (?:definitely |really )?be|"
    r"should (?:be|have|come)|would have liked?|would like (?:it|to see)|had to (?:buy|get|return|replace)|"
    r"not as (?:good|loud|bright|clear|fast)|(?:stopped|quit) working|turned off|not (?:being )?available)\b"
)
_GOOD_PRICE = re.compile(
    r"\b(?:(?:low|lower|lowest|great|good|right|reasonable|fair|nice) (?:price|cost)|price (?:is|was) right|"
    r"selling point|serves (?:its|it's) purpose|worth (?:the|every))\b"
)
POSITIVE_AT = 0.05  # VADER's own thresholds on its compound score
NEGATIVE_AT = -0.05


@functools.cache
def analyzer() -> SentimentIntensityAnalyzer:
    """VADER with the domain lexicon added, built once per process on first use."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    vader.lexicon.update(DOMAIN_LEXICON)
    return vader


def compound(text: str) -> float:
    """VADER's compound score of `text`, -1 (negative) to 1 (positive)."""
    return float(analyzer().polarity_scores(text)["compound"])


def polarity(text: str) -> int:
    """+1, -1 or 0 for a positive, negative or neutral sentence."""
    low = text.lower()
    if _SHORTCOMING.search(low):
        return -1
    if _GOOD_PRICE.search(low):
        return 1
    score = compound(text)
    return 1 if score >= POSITIVE_AT else -1 if score <= NEGATIVE_AT else 0
