"""The vocabulary of social chat: priorities, candidate responses and the turn context.

Response generators read a `ChatContext` (state in) and propose `Candidate`s; the ranker
picks one (and at most one acknowledgement to put before it); the chosen candidate's
`update` says how state and memory change (update out). Nothing here does I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from dataclasses import dataclass, field

from dialogue.reply import Say
from dialogue.state import ChatState, DialogueState
from dialogue.summaries import Summary
from knowledge.model import Product, Question, Review, UserMemory


class Priority(enum.IntEnum):
    """How strongly a candidate deserves to be spoken this turn (higher wins).

    FORCE     the user asked for exactly this (to stop chatting, or about a named product).
    ANSWER    responds to what the user just said to our last question (their opinion,
              their interests) - ignoring it would be rude.
    CONTINUE  carries the current topic on with something new (another review, what the
              community asked, the rating).
    SWITCH    moves to a new topic (a product in a category the user likes, a question
              about their interests) when the current topic is used up or was never set.
    FILLER    small talk that always fits; used when nothing more specific is left.
    CLOSE     ends the chat gracefully; the last resort, so every turn has an answer.
    """

    CLOSE = 0
    FILLER = 10
    SWITCH = 20
    CONTINUE = 30
    ANSWER = 40
    FORCE = 50


@dataclass(frozen=True)
class ChatUpdate:
    """What choosing a candidate changes: chat state fields, focus, memory additions."""

    topic: str | None = None  # new topic phrase (None keeps it)
    topic_product_id: str | None = None
    awaiting: str = ""  # what the candidate's question waits for ("opinion", "interest", "")
    end_chat: bool = False
    remember_product: str | None = None
    remember_interest: str | None = None
    remember_opinion: tuple[str, str] | None = None  # (topic, what the user said)


@dataclass(frozen=True)
class Candidate:
    """One proposed response.

    `speech` ends with a question unless `prefix` (an acknowledgement spoken before another
    candidate) or `update.end_chat` with a closing question; `key` identifies the content so
    the same response is never given twice in a session.
    """

    generator: str
    priority: Priority
    key: str
    speech: tuple[Say, ...]
    update: ChatUpdate = ChatUpdate()
    prefix: bool = False

    def __post_init__(self) -> None:
        if not self.speech:
            raise ValueError(f"candidate {self.key!r} from {self.generator} says nothing")
        if not self.key:
            raise ValueError(f"candidate from {self.generator} has no key")


@dataclass(frozen=True)
class ChatContext:
    """Everything a response generator may look at for one turn (read-only).

    `utterance` is what the user said when the model caught it (the Topic slot), empty for a
    Fallback turn; `mentioned` is a product named in it; `category` a category named in it.
    The callables read the knowledge base lazily, so generators that need nothing pay nothing.
    """

    state: DialogueState
    utterance: str
    mentioned: Product | None
    category: str | None
    memory: UserMemory
    topic_product: Product | None
    products: Sequence[Product]
    reviews_for: Callable[[str], Sequence[Review]]
    questions_for: Callable[[str], Sequence[Question]]
    summary_for: Callable[[Product], Summary]
    small_talk: Callable[[str], str]  # generated one-sentence reply to the utterance, or ""
    closing: bool = False  # the user wants to stop chatting
    yes_no: str = ""  # "yes" / "no" when the turn was a yes or no to our last chat question
    extras: Mapping[str, str] = field(default_factory=dict)
    statement: str = ""  # a statement or opinion question to pick up (dialogue.understanding)
    asks_opinion: str = ""  # the topic of "what do you think about X" (X), else ""
    nothing: bool = False  # the person has nothing to say ("i don't know", "ok")
    related: Callable[[str], Sequence[Any]] = field(default=lambda _text: ())  # catalog passages on a text

    @property
    def chat(self) -> ChatState:
        """The chat part of the state."""
        return self.state.chat

    def fresh(self, key: str) -> bool:
        """True when a response with `key` has not been given in this session."""
        return not self.state.said(key)
