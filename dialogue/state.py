"""Versioned dialogue state carried in Alexa session attributes.

State goes into policies and response generators and an updated copy comes out; nothing
mutates it in place. It travels in every response, so it is kept small (ids and short
strings, never passages). Unknown or older versions are migrated or reset, never crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

STATE_VERSION = 1
ATTRIBUTE_KEY = "shoptalk"  # the one session-attribute key holding the serialised state


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
class DialogueState:
    """Everything the skill remembers between turns of one session."""

    version: int = STATE_VERSION
    focus_product_id: str | None = None
    pending: Pending | None = None
    last_speech: str = ""  # what was last said (SSML body), so "repeat" can say it again
    last_reprompt: str = ""

    def updated(self, **changes: Any) -> DialogueState:
        """A copy with `changes` applied (the state is immutable)."""
        return replace(self, **changes)

    def to_attributes(self) -> dict[str, Any]:
        """A JSON-ready dict for the session attributes."""
        out: dict[str, Any] = {"v": self.version}
        if self.focus_product_id:
            out["focus"] = self.focus_product_id
        if self.pending is not None:
            out["pending"] = {"action": self.pending.action, "data": dict(self.pending.data)}
        if self.last_speech:
            out["last"] = self.last_speech
        if self.last_reprompt:
            out["last_re"] = self.last_reprompt
        return out

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> DialogueState:
        """Rebuild state from session attributes; anything unreadable starts fresh."""
        raw = (attributes or {}).get(ATTRIBUTE_KEY)
        if not isinstance(raw, Mapping) or raw.get("v") != STATE_VERSION:
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
        )
