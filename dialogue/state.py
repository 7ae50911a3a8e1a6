"""Versioned dialogue state carried in Alexa session attributes.

State goes into policies and response generators and an updated copy comes out; nothing
mutates it in place. It travels in every response, so it is kept small (ids and short
strings, never passages): `to_attributes` uses short keys, truncates free text and keeps only
the most recent response keys. Unknown or older versions are migrated or reset, never crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

STATE_VERSION = 2
ATTRIBUTE_KEY = "shoptalk"  # the one session-attribute key holding the serialised state

MAX_QUERY_CHARS = 120  # a remembered question is cut to this many characters
MAX_RECENT = 80  # response keys remembered to avoid repeats within a session
MAX_TEXT_CHARS = 1500  # last speech / reprompt kept for "repeat"


@dataclass(frozen=True)
class Pending:
    """What the user's next yes / no / next / another will answer.

    `action` names a follow-up registered by the feature that asked the question (e.g.
    "more_evidence", "accept_friend", "confirm_message", "ask_community"); `data` holds the
    few ids it needs.
    """

    action: str
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceCursor:
    """Where "another opinion" continues: the question asked about a product, and how far
    into its ranked evidence the user has heard (`offset` passages already spoken)."""

    product_id: str
    query: str
    offset: int = 0
    kind: str = "answer"  # "answer" (product question) or "summary" (review quotes)


# Pending follow-up actions (skill/handlers/products.py and chat.py register them)
MORE_EVIDENCE = "more_evidence"
PICK_PRODUCT = "pick_product"
CHAT = "chat"


@dataclass(frozen=True)
class ChatState:
    """The social chat in progress: whether it is active, its topic, what it awaits.

    `topic` is a product id or a short topic phrase ("books", "reading at night");
    `awaiting` names what the last chat turn asked ("opinion", "interest", "") so the next
    free-form turn is read as the answer; `turns` counts chat turns of this session;
    `declines` counts consecutive "no" answers.
    """

    active: bool = False
    topic: str = ""
    topic_product_id: str | None = None
    awaiting: str = ""
    turns: int = 0
    declines: int = 0  # consecutive "no"s to the chat's questions (two in a row: wrap up)

    def paused(self) -> ChatState:
        """A shopping question in the middle of a chat: the chat's last question is moot, and
        the chat continues on the product just asked about when the user comes back to it."""
        return replace(self, awaiting="")


@dataclass(frozen=True)
class DialogueState:
    """Everything the skill remembers between turns of one session."""

    version: int = STATE_VERSION
    focus_product_id: str | None = None
    pending: Pending | None = None
    last_speech: str = ""  # what was last said (SSML body), so "repeat" can say it again
    last_reprompt: str = ""
    evidence: EvidenceCursor | None = None
    chat: ChatState = ChatState()
    recent: tuple[str, ...] = ()  # keys of responses already given (no repeats in a session)

    def updated(self, **changes: Any) -> DialogueState:
        """A copy with `changes` applied (the state is immutable)."""
        return replace(self, **changes)

    def remember(self, *keys: str) -> DialogueState:
        """A copy that also remembers `keys` as said (oldest forgotten past MAX_RECENT)."""
        fresh = tuple(k for k in keys if k and k not in self.recent)
        if not fresh:
            return self
        return replace(self, recent=(self.recent + fresh)[-MAX_RECENT:])

    def said(self, key: str) -> bool:
        """True when a response with `key` was already given in this session."""
        return key in self.recent

    def to_attributes(self) -> dict[str, Any]:
        """A JSON-ready dict for the session attributes (short keys, bounded sizes)."""
        out: dict[str, Any] = {"v": self.version}
        if self.focus_product_id:
            out["focus"] = self.focus_product_id
        if self.pending is not None:
            out["pending"] = {"action": self.pending.action, "data": dict(self.pending.data)}
        if self.last_speech:
            out["last"] = self.last_speech[:MAX_TEXT_CHARS]
        if self.last_reprompt:
            out["last_re"] = self.last_reprompt[:MAX_TEXT_CHARS]
        if self.evidence is not None:
            out["ev"] = {
                "p": self.evidence.product_id,
                "q": self.evidence.query[:MAX_QUERY_CHARS],
                "o": self.evidence.offset,
                "k": self.evidence.kind,
            }
        if self.chat != ChatState():
            out["chat"] = {
                "a": int(self.chat.active),
                "t": self.chat.topic[:MAX_QUERY_CHARS],
                "tp": self.chat.topic_product_id or "",
                "w": self.chat.awaiting,
                "n": self.chat.turns,
                "d": self.chat.declines,
            }
        if self.recent:
            out["rc"] = list(self.recent[-MAX_RECENT:])
        return out

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> DialogueState:
        """Rebuild state from session attributes; version 1 is migrated, anything unreadable
        starts fresh."""
        raw = (attributes or {}).get(ATTRIBUTE_KEY)
        if not isinstance(raw, Mapping) or raw.get("v") not in (1, STATE_VERSION):
            return cls()
        pending_raw = raw.get("pending")
        pending = None
        if isinstance(pending_raw, Mapping) and isinstance(pending_raw.get("action"), str):
            data = pending_raw.get("data") if isinstance(pending_raw.get("data"), Mapping) else {}
            pending = Pending(pending_raw["action"], {str(k): str(v) for k, v in data.items()})
        focus = raw.get("focus")
        return cls(
            focus_product_id=focus if isinstance(focus, str) else None,
            pending=pending,
            last_speech=str(raw.get("last", "")),
            last_reprompt=str(raw.get("last_re", "")),
            evidence=_evidence_from(raw.get("ev")),
            chat=_chat_from(raw.get("chat")),
            recent=_recent_from(raw.get("rc")),
        )


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _evidence_from(raw: Any) -> EvidenceCursor | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("p"), str):
        return None
    kind = raw.get("k") if raw.get("k") in ("answer", "summary") else "answer"
    return EvidenceCursor(
        product_id=raw["p"],
        query=str(raw.get("q", ""))[:MAX_QUERY_CHARS],
        offset=max(0, _int(raw.get("o"))),
        kind=kind,
    )


def _chat_from(raw: Any) -> ChatState:
    if not isinstance(raw, Mapping):
        return ChatState()
    product = raw.get("tp")
    return ChatState(
        active=bool(raw.get("a")),
        topic=str(raw.get("t", ""))[:MAX_QUERY_CHARS],
        topic_product_id=product if isinstance(product, str) and product else None,
        awaiting=str(raw.get("w", "")),
        turns=max(0, _int(raw.get("n"))),
        declines=max(0, _int(raw.get("d"))),
    )


def _recent_from(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(str(k) for k in raw if isinstance(k, str | int))[-MAX_RECENT:]
