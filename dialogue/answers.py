"""Product answers from retrieved evidence: answerable or not, what to say, what to quote.

Pure functions over `SearchHit`s (no store, no index, no model): the manager retrieves, this
module decides whether the best passage answers the question (a dense-similarity threshold
calibrated on SubjQA, see dialogue.calibration), orders the distinct supporting passages, and
cuts each into a short quote fit to be spoken (the one or two sentences that best match the
question, without filler openers). The overall tone of the supporting reviews (their star
ratings) gives the first sentence of an extractive answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.index.hit import SearchHit
from knowledge.index.passages import answer_of, split_sentences

# Calibrated on SubjQA train (F0.5), measured on dev, by `python -m dialogue.calibration`:
#   train  threshold 0.41  precision 0.636  recall 0.505  F0.5 0.604  (946/2345 answerable)
#   dev    threshold 0.41  precision 0.582  recall 0.465  F0.5 0.554  (99/261 answerable)
#   dev baseline (answer everything): precision 0.379 recall 1.000
ANSWERABLE_DENSE = 0.41
SUPPORT_SLACK = 0.08  # further passages may be this much below the threshold and still count
MAX_QUOTE_CHARS = 220
MAX_QUOTE_SENTENCES = 2

_WORD = re.compile(r"[a-z0-9']+")
_STOP = frozenset(
    """a an the and or but if of to in on at for with about is are was were be been being do does
    did it its it's this that these those i me my we our you your he she they them their what
    which who how why when where can could would should will just so very really any some
    there here than then too also not no yes as by from up out into over more most much many
    good bad get got has have had one thing things product""".split()
)
_OPENER = re.compile(
    r"^(?:and|but|also|so|well|overall|anyway|plus|ok|okay|however|honestly|update)[,:!.]?\s+",
    re.IGNORECASE,
)
_REPEATED_PUNCT = re.compile(r"([!?.])\1+")


@dataclass(frozen=True)
class Evidence:
    """One distinct passage worth speaking, with its short spoken quote."""

    quote: str
    kind: str  # "review" or "qa"
    source_id: str
    rating: int | None
    dense: float
    passage: str  # the full passage (for grounding a generated answer)


def _stem(word: str) -> str:
    """A crude suffix strip so "reading", "reads" and "read" meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """Stems of the lower-case words that carry meaning (stop words removed)."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) >= 3}


def is_answerable(hits: Sequence[SearchHit], threshold: float = ANSWERABLE_DENSE) -> bool:
    """True when the best passage is similar enough to the question to answer it."""
    return bool(hits) and max(h.dense for h in hits) >= threshold


def tidy_for_voice(sentence: str) -> str:
    """A review sentence made speakable: no filler opener, no "!!!", ends with punctuation."""
    text = " ".join(sentence.split())
    text = _OPENER.sub("", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = text.strip(" -*~\"'")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    return text


def quote_from(question: str, passage: str, max_chars: int = MAX_QUOTE_CHARS) -> str:
    """The one or two sentences of `passage` that best match `question`, tidied for voice.

    Sentences are scored by the question's content words they share; the best one is kept,
    and its neighbour is added when it fits and also matches. A sentence longer than
    `max_chars` is cut at a word boundary and closed with a full stop.
    """
    sentences = [s for s in split_sentences(passage) if any(c.isalpha() for c in s)]
    if not sentences:
        return ""
    wanted = content_words(question)
    scores = [len(content_words(s) & wanted) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = [tidy_for_voice(sentences[best])]
    for neighbour in (best + 1, best - 1):
        if 0 <= neighbour < len(sentences) and len(chosen) < MAX_QUOTE_SENTENCES:
            extra = tidy_for_voice(sentences[neighbour])
            if extra in chosen:
                continue  # reviews sometimes repeat a sentence word for word
            if scores[neighbour] > 0 and len(" ".join(chosen)) + len(extra) + 1 <= max_chars:
                chosen = [extra, *chosen] if neighbour < best else [*chosen, extra]
    text = " ".join(c for c in chosen if c)
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars - 1)
        text = text[: cut if cut > 0 else max_chars - 1].rstrip(",;:- ") + "."
    return text


def opening_of(text: str, max_chars: int = MAX_QUOTE_CHARS) -> str:
    """The first one or two sentences of `text` that fit in `max_chars`, tidied for voice."""
    chosen: list[str] = []
    for sentence in split_sentences(text)[:MAX_QUOTE_SENTENCES]:
        tidy = tidy_for_voice(sentence)
        if tidy and len(" ".join([*chosen, tidy])) <= max_chars:
            chosen.append(tidy)
        else:
            break
    return " ".join(chosen) or quote_from("", text, max_chars)


def qa_answer(hit: SearchHit) -> str:
    """The answer part of a Q&A passage (text holds question + answer)."""
    if hit.question and hit.text.startswith(hit.question):
        return answer_of(hit.text, hit.question)
    return hit.text


def evidence_from(
    question: str, hits: Sequence[SearchHit], threshold: float = ANSWERABLE_DENSE
) -> tuple[Evidence, ...]:
    """Distinct supporting passages, best first: one per source, similar enough to count."""
    out: list[Evidence] = []
    seen: set[str] = set()
    floor = threshold - SUPPORT_SLACK
    for hit in sorted(hits, key=lambda h: -h.score):
        if hit.source_id in seen or hit.dense < floor:
            continue
        if hit.kind == "qa":
            # a community answer is short and direct: speak it from its start ("Weeks. I
            # charge it once a month."), not only the sentence sharing the question's words
            passage = qa_answer(hit)
            quote = opening_of(passage)
        else:
            passage = hit.text
            quote = quote_from(question, passage)
        if not quote:
            continue
        seen.add(hit.source_id)
        out.append(Evidence(quote, hit.kind, hit.source_id, hit.rating, hit.dense, hit.text))
    return tuple(out)


def tone(evidence: Sequence[Evidence]) -> str:
    """How the reviews behind the evidence feel: "positive", "negative", "mixed" or "" (no
    rated reviews among them)."""
    ratings = [e.rating for e in evidence if e.kind == "review" and e.rating]
    if not ratings:
        return ""
    happy = sum(r >= 4 for r in ratings) / len(ratings)
    unhappy = sum(r <= 2 for r in ratings) / len(ratings)
    if happy >= 0.7:
        return "positive"
    if unhappy >= 0.6:
        return "negative"
    return "mixed"
