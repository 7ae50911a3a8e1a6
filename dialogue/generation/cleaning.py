"""Make generated text fit to be spoken: plain sentences, short, no markup or boilerplate.

Small models like to answer with markdown, bullet lists, links, emojis and "As an AI" or
"Sure!" openers; none of that can be spoken. `clean_for_voice` removes it, keeps only complete
sentences, and limits the answer to one or two of them (about 300 characters). The result is
plain text: SSML escaping happens later, when dialogue/voice renders the speech.
"""

from __future__ import annotations

import re
import unicodedata

from dialogue.generation.text import split_sentences, strip_template_tokens

MAX_SENTENCES = 2
MAX_CHARS = 300

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|net|org|io|co\.uk)(?:/\S*)?\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_CODE = re.compile(r"`{1,3}([^`]*)`{1,3}")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(\S(?:.*?\S)?)\1")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•▪◦‣]|\d{1,2}[.)]|[a-z][.)])\s+", re.M)
_HEADING = re.compile(r"^\s*#{1,6}\s*", re.M)
_QUOTE = re.compile(r"^\s*>+\s*", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]{3,}\|?\s*$", re.M)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")

# Whole sentences that are boilerplate rather than an answer.
_BOILERPLATE = re.compile(
    r"^(?:as an? (?:ai|artificial intelligence|language model|assistant)\b"
    r"|i(?:'m| am) (?:an? )?(?:ai|language model|just an ai)\b"
    r"|i (?:don't|do not|can't|cannot) have (?:personal|access|the ability|opinions)"
    r"|i hope this helps|let me know if|feel free to|is there anything else"
    r"|based on the (?:reviews|information) (?:provided|given)[,:]?$"
    r"|(?:sure|certainly|of course|great question|good question|absolutely)[!.,]*$)",
    re.IGNORECASE,
)
# Openers to cut from the front of a sentence that goes on with the actual answer.
_OPENER = re.compile(
    r"^(?:(?:sure|certainly|of course|great question|good question|absolutely|okay|ok|well)"
    r"[!,.]\s*)+|^(?:answer|response)\s*:\s*",
    re.IGNORECASE,
)


def _is_spoken_char(char: str) -> bool:
    """Letters, digits, spaces and ordinary punctuation; not emoji, symbols or controls."""
    if char in "\n ":
        return True
    category = unicodedata.category(char)
    if category[0] in "LN":
        return True
    if category[0] == "P":
        return True
    return category == "Sc" or char in "%+=/&"


def strip_markup(text: str) -> str:
    """Plain text from markdown/HTML-ish model output, URLs and emojis removed."""
    text = strip_template_tokens(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _EMAIL.sub("", text)
    text = _HTML_TAG.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _LIST_MARKER.sub("", text)
    for _ in range(2):
        text = _MD_EMPHASIS.sub(r"\2", text)
    text = text.replace("|", ", ")
    text = "".join(ch if _is_spoken_char(ch) else " " for ch in unicodedata.normalize("NFC", text))
    text = re.sub(r"[*_#~^{}\[\]\\]", " ", text)
    return text


def _tidy(sentence: str) -> str:
    sentence = re.sub(r"\s+", " ", sentence).strip(" -:;,")
    sentence = re.sub(r"\s+([,.!?;:])", r"\1", sentence)
    sentence = re.sub(r"\(\s*\)", "", sentence)
    return sentence.strip()


def _complete(sentence: str) -> bool:
    return sentence.endswith((".", "!", "?", '."', "!\"", '?"'))


def clean_sentences(text: str, *, truncated: bool = True) -> list[str]:
    """The speakable sentences of `text`: markup and boilerplate gone, fragments dropped.

    A list item or line without final punctuation counts as a sentence (a full stop is added)
    when it is not the last one, because models often end list items without one. When the
    text may have been `truncated` (generation hit its token limit, or it is unknown), an
    unfinished last sentence is dropped: an answer cut off mid-way must not be spoken.
    """
    lines = [line for line in strip_markup(text).split("\n") if line.strip()]
    sentences: list[str] = []
    for index, line in enumerate(lines):
        for sentence in split_sentences(line):
            sentence = _tidy(_OPENER.sub("", _tidy(sentence)))
            if not sentence or _BOILERPLATE.search(sentence):
                continue
            if not _complete(sentence):
                if truncated and index == len(lines) - 1:
                    continue
                sentence = f"{sentence}."
            if sum(ch.isalnum() for ch in sentence) < 3:
                continue
            sentences.append(sentence[0].upper() + sentence[1:])
    return sentences


def clean_for_voice(
    text: str,
    max_sentences: int = MAX_SENTENCES,
    max_chars: int = MAX_CHARS,
    *,
    truncated: bool = True,
) -> str:
    """One or two complete, plain sentences of at most `max_chars` (empty if none survive)."""
    return join_for_voice(clean_sentences(text, truncated=truncated), max_sentences, max_chars)


def join_for_voice(
    sentences: list[str], max_sentences: int = MAX_SENTENCES, max_chars: int = MAX_CHARS
) -> str:
    """Join leading sentences while they fit in `max_chars`, up to `max_sentences`."""
    chosen: list[str] = []
    length = 0
    for sentence in sentences[:max_sentences]:
        extra = len(sentence) + (1 if chosen else 0)
        if length + extra > max_chars:
            break
        chosen.append(sentence)
        length += extra
    return " ".join(chosen)
