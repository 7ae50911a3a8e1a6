"""What every social feature gets from a turn, and the small helpers that shape its replies.

`SocialTurn` is the plain-value view of a request (handlers build it from the skill's Turn):
the hashed user, the request id that makes writes idempotent, the dialogue state and the
time. Replies that keep the session open always end with a question and carry a reprompt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dialogue.reply import DialogDirective, Reply, Say
from dialogue.state import DialogueState, Pending

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SocialTurn:
    """One request as the social features see it."""

    user_hash: str
    request_id: str
    state: DialogueState = field(default_factory=DialogueState)


def say(key: str, **params: Any) -> Say:
    """A social locale string (keys live in dialogue/locales/*/social.json)."""
    return Say(f"social.{key}", params)


def counted(key: str, count: int, **params: Any) -> Say:
    """`key` for a count: "<key>_one" when count is 1, else "<key>" (plural)."""
    return say(f"{key}_one" if count == 1 else key, count=count, **params)


def ask(
    turn: SocialTurn,
    *speech: Say,
    question: Say | None = None,
    reprompt: Say | None = None,
    pending: Pending | None = None,
    directive: DialogDirective | None = None,
    focus_product_id: str | None = None,
) -> Reply:
    """An open-session reply: `speech`, then `question` (default "what else?"), with a
    reprompt; `pending` is what the user's yes / no / next will answer (None clears it);
    `focus_product_id` puts a product in focus for the next turns."""
    question = question or say("anything_else")
    state = turn.state.updated(pending=pending)
    if focus_product_id:
        state = state.updated(focus_product_id=focus_product_id)
    return Reply(
        speech=(*speech, question),
        reprompt=(reprompt or question,),
        directive=directive,
        state=state,
    )


def pending(action: str, **data: str) -> Pending:
    return Pending(action, {k: str(v) for k, v in data.items()})


def data_of(p: Pending | None, action: str) -> Mapping[str, str] | None:
    """The pending data when the pending action is `action`, else None."""
    return p.data if p is not None and p.action == action else None
