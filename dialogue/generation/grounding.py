"""Keep only the generated sentences that the retrieved evidence supports.

A small model writes fluent text that is often not what the reviews say. Every generated
sentence is checked against the evidence passages and dropped unless
  - enough of its content words occur in the evidence (lexical support), or, when an
    embedding function is given, it is close in meaning to one evidence sentence and still
    shares some content words with the evidence (semantic support);
  - every number it states occurs in the evidence ("2" and "two" are the same number);
  - its polarity agrees with the evidence sentence it matches best (a negation the evidence
    does not have, or a dropped one, flips the claim: "not loud" vs "loud").
When nothing survives the caller speaks the extractive answer instead.

Thresholds (see BENCHMARKS.md, section dialogue, for the calibration figures):
  LEXICAL_SUPPORT 0.6 - a sentence keeps most of its content words from the evidence; on
    SubjQA dev, sentences taken from other products' reviews of the same domain reached it in
    a small share of cases while the extractive-style paraphrases our prompts ask for reach it
    almost always.
  SEMANTIC_SUPPORT 0.6 with at least MIN_LEXICAL_WITH_SEMANTIC 0.34 of the words - MiniLM
    cosine of a faithful paraphrase is typically 0.65-0.9, of an unrelated claim about the same
    kind of product 0.2-0.5; requiring some word overlap too stops a fluent, on-topic but
    invented sentence from passing on similarity alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dialogue.generation.cleaning import clean_sentences, join_for_voice
from dialogue.generation.text import split_sentences

Embed = Callable[[Sequence[str]], np.ndarray]

LEXICAL_SUPPORT = 0.6
SEMANTIC_SUPPORT = 0.6
MIN_LEXICAL_WITH_SEMANTIC = 0.34

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves one ones really
    quite pretty much many lot lots get gets got thing things would'nt may might must shall
    reviewer reviewers customer customers people user users say says said think thinks thought
    overall product item it's i'm i've they're that's there's yes yeah yep okay ok sure well
    """.split()
)
NEGATIONS = frozenset(
    "not no never nothing none neither nor without cannot can't don't doesn't didn't isn't "
    "aren't wasn't weren't won't wouldn't shouldn't couldn't hasn't haven't hadn't".split()
)
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "hundred": "100", "half": "0.5", "dozen": "12", "single": "1", "once": "1", "twice": "2",
    "first": "1", "second": "2", "third": "3",
}
# Number words that are also ordinary words in reviews; they count as numbers only in the
# evidence (so "two" in the evidence supports "2"), never as a new number in a sentence.
_AMBIGUOUS_NUMBER_WORDS = frozenset({"one", "second", "first", "once", "single", "half"})

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _stem(word: str) -> str:
    """A crude suffix stripper: enough to match "batteries"/"battery", "charging"/"charge"."""
    for suffix, replacement in (
        ("ies", "y"), ("ied", "y"), ("ing", ""), ("ness", ""), ("ly", ""), ("ed", ""),
        ("es", ""), ("s", ""), ("er", ""), ("est", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word.rstrip("e") if len(word) > 4 else word


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes and decimal points kept inside a word)."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning: stopwords, negations and numbers removed."""
    return {
        _stem(w)
        for w in words(text)
        if w not in STOPWORDS and w not in NEGATIONS and not _NUMBER.fullmatch(w)
        and w not in NUMBER_WORDS and len(w) > 1
    }


def numbers(text: str, *, include_ambiguous: bool) -> set[str]:
    """The numbers a text states, as digit strings ("two" -> "2", "4.0" -> "4")."""
    found = set()
    for w in words(text):
        if _NUMBER.fullmatch(w):
            value = w.replace(",", "")
            found.add(value[:-2] if value.endswith(".0") else value)
        elif w in NUMBER_WORDS and (include_ambiguous or w not in _AMBIGUOUS_NUMBER_WORDS):
            found.add(NUMBER_WORDS[w])
    return found


def negated(text: str) -> bool:
    """True when the text contains a negation word."""
    return any(w in NEGATIONS or w.endswith("n't") for w in words(text))


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one generated sentence and the scores behind it."""

    sentence: str
    kept: bool
    reason: str  # "supported", "no content", "unsupported", "new number N", "polarity"
    lexical: float
    semantic: float | None = None


@dataclass(frozen=True)
class GroundedText:
    """What survives grounding: `text` is the kept sentences joined for voice."""

    text: str
    checks: tuple[SentenceCheck, ...]

    @property
    def kept(self) -> tuple[str, ...]:
        """The supported sentences, in order."""
        return tuple(c.sentence for c in self.checks if c.kept)

    @property
    def dropped(self) -> tuple[SentenceCheck, ...]:
        """The checks of the sentences that were dropped."""
        return tuple(c for c in self.checks if not c.kept)

    @property
    def grounded(self) -> bool:
        """True when at least one sentence is supported (so there is something to speak)."""
        return bool(self.text)

    @property
    def survival_rate(self) -> float:
        """Share of checked sentences that were kept (0 when there were none)."""
        return len(self.kept) / len(self.checks) if self.checks else 0.0


@dataclass(frozen=True)
class _Evidence:
    sentences: tuple[str, ...]
    sentence_words: tuple[frozenset[str], ...]
    vocabulary: frozenset[str]
    numbers: frozenset[str]


def _prepare(evidence: Sequence[str]) -> _Evidence:
    sentences = tuple(s for passage in evidence for s in split_sentences(passage) if s.strip())
    sentence_words = tuple(frozenset(content_words(s)) for s in sentences)
    vocabulary = frozenset().union(*sentence_words) if sentence_words else frozenset()
    nums = frozenset().union(*(numbers(p, include_ambiguous=True) for p in evidence))
    return _Evidence(sentences, sentence_words, vocabulary, nums)


def _best_match(sentence_words: set[str], evidence: _Evidence) -> int | None:
    best, best_overlap = None, 0
    for index, ev_words in enumerate(evidence.sentence_words):
        overlap = len(sentence_words & ev_words)
        if overlap > best_overlap:
            best, best_overlap = index, overlap
    return best


def check_sentence(
    sentence: str, evidence: _Evidence, semantic: float | None = None
) -> SentenceCheck:
    """Judge one sentence against prepared evidence (see the module docstring for the rules)."""
    sentence_words = content_words(sentence)
    if not sentence_words:
        return SentenceCheck(sentence, False, "no content", 0.0, semantic)
    lexical = len(sentence_words & evidence.vocabulary) / len(sentence_words)
    new_numbers = numbers(sentence, include_ambiguous=False) - evidence.numbers
    if new_numbers:
        return SentenceCheck(
            sentence, False, f"new number {sorted(new_numbers)[0]}", lexical, semantic
        )
    supported = lexical >= LEXICAL_SUPPORT or (
        semantic is not None
        and semantic >= SEMANTIC_SUPPORT
        and lexical >= MIN_LEXICAL_WITH_SEMANTIC
    )
    if not supported:
        return SentenceCheck(sentence, False, "unsupported", lexical, semantic)
    best = _best_match(sentence_words, evidence)
    if best is not None and negated(sentence) != negated(evidence.sentences[best]):
        return SentenceCheck(sentence, False, "polarity", lexical, semantic)
    return SentenceCheck(sentence, True, "supported", lexical, semantic)


def _semantic_scores(
    sentences: Sequence[str], evidence: _Evidence, embed: Embed | None
) -> list[float | None]:
    if embed is None or not sentences or not evidence.sentences:
        return [None] * len(sentences)
    vectors = embed([*sentences, *evidence.sentences])
    generated, supporting = vectors[: len(sentences)], vectors[len(sentences) :]
    similarity = generated @ supporting.T
    return [float(row.max()) for row in similarity]


def ground(
    text: str,
    evidence: Sequence[str],
    *,
    embed: Embed | None = None,
    max_sentences: int = 2,
    max_chars: int = 300,
    truncated: bool = True,
) -> GroundedText:
    """Clean `text` for voice and keep the sentences the `evidence` passages support.

    `embed` (e.g. knowledge.index.embedder.embed) maps texts to L2-normalised vectors and
    enables the semantic test, which runs only for the sentences the lexical test leaves
    undecided (a sentence's `semantic` score is None when it was not needed); without it
    only the lexical test runs. `truncated` says the
    text may end mid-sentence (the generation hit its token limit), so an unfinished last
    sentence is dropped rather than spoken.
    """
    prepared = _prepare(evidence)
    sentences = clean_sentences(text, truncated=truncated)
    checks = [check_sentence(sentence, prepared) for sentence in sentences]
    # Lexical first: the embedder runs only for sentences that lexical support cannot decide
    # (unsupported, yet sharing enough words that a close meaning would keep them).
    undecided = [
        i for i, c in enumerate(checks)
        if c.reason == "unsupported" and c.lexical >= MIN_LEXICAL_WITH_SEMANTIC
    ]
    if undecided:
        scores = _semantic_scores([sentences[i] for i in undecided], prepared, embed)
        for index, score in zip(undecided, scores):
            if score is not None:
                checks[index] = check_sentence(sentences[index], prepared, score)
    spoken = join_for_voice([c.sentence for c in checks if c.kept], max_sentences, max_chars)
    return GroundedText(text=spoken, checks=tuple(checks))
