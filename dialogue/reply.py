"""What the dialogue layer hands back to the skill: speech as locale keys, never raw text.

A `Reply` names the strings to speak by key (see dialogue/locales/) with their parameters;
the voice renderer looks the keys up for the request's locale, escapes every parameter for
SSML and speaks numbers naturally. Handlers translate a Reply into an ask-sdk Response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogue.state import DialogueState


@dataclass(frozen=True)
class Say:
    """One locale string to speak, by key, with the values for its placeholders."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ElicitSlot:
    """Ask Alexa to collect one slot of `intent` on the next turn."""

    intent: str
    slot: str
    slots: Mapping[str, str] = field(default_factory=dict)  # values already known


@dataclass(frozen=True)
class ConfirmIntent:
    """Ask Alexa to confirm the whole intent (the next turn says yes or no)."""

    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delegate:
    """Let Alexa's dialog model drive the next turn of `intent`."""

    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)


DialogDirective = ElicitSlot | ConfirmIntent | Delegate


@dataclass(frozen=True)
class VisualItem:
    """One row of a visual list: a recommended product or a poll option (`share` 0..1 is
    the option's share of the votes once results are shown)."""

    id: str
    title: str
    subtitle: str = ""
    share: float | None = None


@dataclass(frozen=True)
class Visual:
    """What a screen shows next to the speech, as plain (unescaped) data; the skill turns it
    into an APL document only for devices with a screen.

    kind: "summary" (title=product, rating, count, bars=aspect shares, text=quote,
    attribution=its author), "answer" (text=quote, attribution), "recommendations"
    (title, items: id=product id), "poll" (title=question, items=options, share after
    voting), "message" (attribution=sender handle, text=message).
    """

    kind: str
    title: str = ""
    text: str = ""
    attribution: str = ""
    rating: float | None = None
    count: int | None = None
    bars: tuple[tuple[str, float], ...] = ()
    items: tuple[VisualItem, ...] = ()


@dataclass(frozen=True)
class Reply:
    """One turn's answer.

    Invariant: a reply that keeps the session open has a reprompt, and its speech ends with
    a question (the locale strings used last in `speech` are questions).
    """

    speech: tuple[Say, ...]
    reprompt: tuple[Say, ...] = ()
    end_session: bool = False
    directive: DialogDirective | None = None
    progressive: Say | None = None  # spoken first through the directive service when slow
    state: DialogueState | None = None  # the next dialogue state; None keeps it unchanged
    visual: Visual | None = None  # shown on devices with a screen (skill/apl)

    def __post_init__(self) -> None:
        if not self.speech:
            raise ValueError("a reply must say something")
        if not self.end_session and not self.reprompt and self.directive is None:
            raise ValueError("a reply that keeps the session open needs a reprompt")
