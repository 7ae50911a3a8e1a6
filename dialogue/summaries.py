"""Review summaries: exact count and average, the aspects people praise and complain about,
and one short quote, all mined from the product's own reviews.

Aspects are noun phrases introduced by a determiner or possessive ("the battery life is
great", "its screen", "this album's production"): the one or two words after "the / its /
this / their ..." up to a verb, conjunction or punctuation, minus adjectives and generic
words. Each mention takes the sentiment of its sentence from a small opinion lexicon (with
negation flipping it), falling back to the review's star rating when the sentence has no
opinion word. Nothing is specific to one product or category.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.index.passages import split_sentences
from knowledge.model import Product, Review
from knowledge.store.base import AspectFigure

MAX_ASPECTS = 3
MIN_MENTIONS = 2  # an aspect must be mentioned in at least this many reviews
MAX_QUOTE_CHARS = 160

POSITIVE = frozenset(
    """good great excellent amazing awesome love loved loves lovely perfect fantastic wonderful
    best nice easy clear crisp beautiful fast quick solid sturdy comfortable bright sharp
    brilliant superb impressive reliable helpful happy pleased enjoy enjoyed enjoyable fun
    favorite favourite recommend worth gorgeous smooth quiet compact rich warm gripping
    delightful stunning timeless classic incredible responsive accurate durable clean tasty
    simple intuitive affordable cheap value strong better works fine decent""".split()
)
NEGATIVE = frozenset(
    """bad poor terrible awful horrible hate hated worst broke broken break breaks died dies
    dead disappointing disappointed disappointment slow difficult hard cheap flimsy annoying
    useless problem problems issue issues fail failed fails failure noisy loud muddy tinny weak
    short dull boring confusing frustrating frustrated return returned refund defective
    expensive overpriced glitchy buggy laggy lag crashes crash stopped stuck uncomfortable
    hurts hurt scratched cracked leaks leak worse waste mediocre unreliable drops dropped tedious
    overrated dim heavy complaint complaints""".split()
)
_NEGATORS = frozenset({"not", "no", "never", "isn't", "wasn't", "doesn't", "don't", "didn't",
                       "won't", "can't", "cannot", "hardly", "barely", "aren't", "weren't"})
_DETERMINERS = frozenset({"the", "its", "this", "their", "his", "her", "these", "those", "my"})
_BOUNDARY = frozenset(
    """is are was were be been has have had does do did will would can could should may might
    and or but so because while when that which who with without for to of in on at by from
    as than then just also really very too it i you we they he she if not works worked work
    lasts lasted feels felt seems seemed looks looked sounds sounded makes made gets got
    keeps kept needs needed into onto about after before over under almost even still only
    ever came come comes went go goes""".split()
)
# "in the kitchen", "for my grandson": a place or a person, not an aspect of the product
_PLACE_PREPOSITIONS = frozenset(
    """in on at into onto around for to from by under near inside outside behind across""".split()
)
_QUANTIFIERS = frozenset({"every", "each", "all", "whole", "entire", "overall", "other", "few", "many"})
_COPULAS = frozenset({"is", "are", "was", "were", "lasts", "works", "feels", "sounds", "looks"})
_PRONOUNS = frozenset({"it", "this", "that", "they", "i", "we", "you", "he", "she", "there", "which"})
# generic nouns that are never an aspect worth reporting
_GENERIC = frozenset(
    """product item thing things one ones way lot bit time times day days week weeks year years
    month months end rest first last same other price's amazon company seller box package
    order purchase reviews review stars star people person everyone someone anyone family
    kids kid son daughter wife husband friend friends gift christmas birthday morning night
    grandson granddaughter grandkids mom dad money job purchase deal house home alexa
    moment couple whole only next new old same top side part point fact reason start""".split()
)
_WORD = re.compile(r"[a-z][a-z']*")


@dataclass(frozen=True)
class Aspect:
    """An aspect with how many reviews praise and criticise it."""

    term: str
    positive: int
    negative: int


@dataclass(frozen=True)
class Summary:
    """What a spoken review summary says."""

    product_id: str
    review_count: int
    average_rating: float  # 0.0 when there are no reviews
    praised: tuple[Aspect, ...]
    criticised: tuple[Aspect, ...]
    quote: str
    quote_rating: int | None
    quote_review_id: str | None


def sentence_polarity(sentence: str) -> int:
    """+1, -1 or 0 from opinion words; a negator up to three words before flips a word."""
    words = _WORD.findall(sentence.lower())
    score = 0
    for i, w in enumerate(words):
        value = 1 if w in POSITIVE else -1 if w in NEGATIVE else 0
        if value and any(x in _NEGATORS or x.endswith("n't") for x in words[max(0, i - 3) : i]):
            value = -value
        score += value
    return (score > 0) - (score < 0)


def _fold(word: str) -> str:
    """Plural to singular for the common English cases (batteries -> battery, songs -> song)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word.removesuffix("'s")


def aspect_terms(sentence: str, exclude: frozenset[str] = frozenset()) -> set[str]:
    """Noun phrases of one sentence introduced by a determiner ("the battery life")."""
    words = _WORD.findall(sentence.lower())
    found: set[str] = set()
    starts = [i + 1 for i, w in enumerate(words) if w in _DETERMINERS and (i == 0 or words[i - 1] not in _PLACE_PREPOSITIONS)]
    # a sentence opening with a noun phrase and a verb: "Battery lasts weeks", "Sound is rich"
    for n in (1, 2):
        if len(words) > n and words[n] in _COPULAS and not set(words[:n]) & (_PRONOUNS | _DETERMINERS):
            starts.append(0)
            break
    for start in starts:
        phrase: list[str] = []
        for nxt in words[start : start + 3]:
            if nxt in _BOUNDARY or nxt in _DETERMINERS or ("'" in nxt and not nxt.endswith("'s")):
                break
            phrase.append(nxt)
        # drop leading opinion adjectives ("the great sound" -> "sound")
        while phrase and (
            phrase[0] in POSITIVE or phrase[0] in NEGATIVE or phrase[0] in _NEGATORS or phrase[0] in _QUANTIFIERS
        ):
            phrase.pop(0)
        phrase = phrase[:2]
        if not phrase or len(phrase) > 2:
            continue
        head = _fold(phrase[-1])
        if (
            head in _GENERIC
            or head in exclude
            or head in POSITIVE
            or head in NEGATIVE
            or len(head) < 3
            or head.endswith(("ly", "ing")) and len(phrase) == 1 and head not in ("writing", "ending", "setting", "lighting")
        ):
            continue
        found.add(" ".join([*phrase[:-1], head]))
    return found


def _name_words(product: Product) -> frozenset[str]:
    words = _WORD.findall(f"{product.name} {product.brand} {product.category}".lower())
    return frozenset(_fold(w) for w in words) | frozenset(words)


def mine_aspects(
    reviews: Sequence[Review], product: Product, other_names: frozenset[str] = frozenset()
) -> tuple[tuple[Aspect, ...], tuple[Aspect, ...]]:
    """The aspects praised most and criticised most (at most MAX_ASPECTS each).

    `other_names` are words of other products' spoken names ("dot", "kindle"): a review
    comparing products mentions them, but they are not aspects of this one.
    """
    exclude = _name_words(product) | other_names | frozenset(
        {"album", "book", "record", "device", "tablet", "speaker", "unit", "model", "version"}
    )
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    mentions: defaultdict[str, set[str]] = defaultdict(set)
    for review in reviews:
        seen_pos: set[str] = set()
        seen_neg: set[str] = set()
        for sentence in split_sentences(f"{review.title}. {review.text}" if review.title else review.text):
            terms = aspect_terms(sentence, exclude)
            if not terms:
                continue
            polarity = sentence_polarity(sentence)
            if polarity == 0:
                polarity = 1 if review.rating >= 4 else -1 if review.rating <= 2 else 0
            for term in terms:
                mentions[term].add(review.id)
                if polarity > 0:
                    seen_pos.add(term)
                elif polarity < 0:
                    seen_neg.add(term)
        positive.update(seen_pos)
        negative.update(seen_neg)
    praised = sorted(
        (t for t in mentions if positive[t] >= MIN_MENTIONS and positive[t] > negative[t]),
        key=lambda t: (-positive[t], -len(mentions[t]), t),
    )
    criticised = sorted(
        (t for t in mentions if negative[t] >= MIN_MENTIONS and negative[t] >= positive[t] * 0.5),
        key=lambda t: (-negative[t], -len(mentions[t]), t),
    )
    return _top(praised, positive, negative), _top(
        [t for t in criticised if t not in praised[:MAX_ASPECTS]], positive, negative
    )


def _top(terms: Sequence[str], positive: Counter[str], negative: Counter[str]) -> tuple[Aspect, ...]:
    chosen: list[str] = []
    for term in terms:
        # "battery" and "battery life" are one aspect: keep the first (most mentioned)
        if any(term in c.split() or c in term.split() or term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == MAX_ASPECTS:
            break
    return tuple(Aspect(t, positive[t], negative[t]) for t in chosen)


def pick_quote(reviews: Sequence[Review], aspect: str | None, average: float) -> tuple[str, Review | None]:
    """One short, representative sentence: from a review whose rating is near the average,
    mentioning the top praised aspect when possible, between 30 and MAX_QUOTE_CHARS chars."""
    from dialogue.answers import tidy_for_voice

    best: tuple[float, str, Review] | None = None
    for review in reviews:
        for sentence in split_sentences(review.text):
            text = tidy_for_voice(sentence)
            if not 30 <= len(text) <= MAX_QUOTE_CHARS or sentence_polarity(text) == 0:
                continue
            score = abs(review.rating - average)
            if aspect and aspect in text.lower():
                score -= 1.5
            if sentence_polarity(text) * (1 if average >= 3 else -1) < 0:
                score += 2  # a quote should agree with the overall mood
            key = (score, len(text), review.id)
            if best is None or key < (best[0], len(best[1]), best[2].id):
                best = (score, text, review)
    if best is None:
        return "", None
    return best[1], best[2]


# how an aspect of the taxonomy is said after "customers praise the ..."
SPOKEN_ASPECTS = {
    "app": "apps", "setup": "set-up", "kids": "use with kids", "voice assistant": "voice recognition",
    "video": "video features", "speed": "speed", "ads": "ads", "storage": "storage",
}
MIN_SHARE = 0.02  # an aspect of the taxonomy is named when at least 2% of reviews mention it


def taxonomy_aspects(figures: Sequence[AspectFigure], review_count: int) -> tuple[tuple[Aspect, ...], tuple[Aspect, ...]]:
    """Praised and criticised aspects from the store's aspect figures of a family: praised
    lean positive and are mentioned most; criticised draw a real share of the complaints
    (at least half as many negative as positive mentions)."""
    floor = max(MIN_MENTIONS, round(MIN_SHARE * review_count))
    named = [f for f in figures if f.mentions >= floor]
    praised = sorted((f for f in named if f.positive > f.negative and f.positive >= floor),
                     key=lambda f: (-f.positive, f.aspect))
    criticised = sorted((f for f in named if f.negative >= MIN_MENTIONS and f.negative >= 0.5 * f.positive),
                        key=lambda f: (-f.negative, f.aspect))

    def spoken(chosen: Sequence[AspectFigure]) -> tuple[Aspect, ...]:
        return tuple(Aspect(SPOKEN_ASPECTS.get(f.aspect, f.aspect), f.positive, f.negative)
                     for f in chosen[:MAX_ASPECTS])

    return spoken(praised), spoken(criticised)


def summarise(
    product: Product,
    reviews: Sequence[Review],
    other_names: frozenset[str] = frozenset(),
    figures: Sequence[AspectFigure] | None = None,
) -> Summary:
    """The full summary of one product from its published reviews; `figures` are the store's
    aspect figures of its family (the taxonomy's aspects), else aspects are mined from text."""
    count = len(reviews)
    average = round(sum(r.rating for r in reviews) / count, 1) if count else 0.0
    if figures:
        praised, criticised = taxonomy_aspects(figures, count)
    else:
        praised, criticised = mine_aspects(reviews, product, other_names)
    quote, source = pick_quote(reviews, praised[0].term if praised else None, average)
    return Summary(
        product_id=product.id,
        review_count=count,
        average_rating=average,
        praised=praised,
        criticised=criticised,
        quote=quote,
        quote_rating=source.rating if source else None,
        quote_review_id=source.id if source else None,
    )


def spoken_list(terms: Sequence[str], conjunction: str = "and") -> str:
    """"a", "a and b", "a, b and c"."""
    terms = list(terms)
    if len(terms) <= 1:
        return "".join(terms)
    return f"{', '.join(terms[:-1])} {conjunction} {terms[-1]}"
