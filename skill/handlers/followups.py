"""Yes / No / Next answer the question the skill asked last.

A feature that asks a yes/no question stores `Pending(action, data)` in the dialogue state
and registers a `FollowUp` for that action; skill.builder merges every feature's follow-ups
into one `FollowUpRegistry` (an action registered twice is an error). The handler below
routes the user's yes / no / next to the callbacks of the pending action. A callback gets
the plain `Turn` and the `Pending` and returns a `Reply`; when the reply carries no new state,
the pending question is cleared (it has been answered).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from dialogue.reply import Reply, Say
from dialogue.state import Pending
from skill import intents
from skill.context import Turn, turn_of
from skill.render import respond

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

log = logging.getLogger(__name__)

FollowUpCallback = Callable[[Turn, Pending], Reply]


@dataclass(frozen=True)
class FollowUp:
    """What yes, no and next do for one pending action.

    `on_no` defaults to a polite "okay, what else?"; `on_next` defaults to `on_yes` ("next"
    after "shall I go on?" means go on).
    """

    on_yes: FollowUpCallback
    on_no: FollowUpCallback | None = None
    on_next: FollowUpCallback | None = None


class FollowUpRegistry:
    """Pending-action name -> FollowUp, composed once in the builder."""

    def __init__(self, followups: Mapping[str, FollowUp] | None = None) -> None:
        self._followups = MappingProxyType(dict(followups or {}))

    @classmethod
    def merge(cls, *groups: Mapping[str, FollowUp]) -> FollowUpRegistry:
        """One registry from every feature's follow-ups; a duplicate action name is an error."""
        merged: dict[str, FollowUp] = {}
        for group in groups:
            for action, followup in group.items():
                if action in merged:
                    raise ValueError(f"follow-up action {action!r} is registered twice")
                merged[action] = followup
        return cls(merged)

    def get(self, action: str) -> FollowUp | None:
        return self._followups.get(action)

    def actions(self) -> frozenset[str]:
        return frozenset(self._followups)


def _okay(turn: Turn, pending: Pending) -> Reply:
    return Reply(
        speech=(Say("followup.no_without_question"), Say("anything_else.prompt")),
        reprompt=(Say("anything_else.reprompt"),),
    )


class FollowUpHandler(AbstractRequestHandler):
    """Routes AMAZON.YesIntent / NoIntent / NextIntent by the pending action."""

    intent_names = (intents.YES, intents.NO, intents.NEXT)

    def __init__(self, registry: FollowUpRegistry) -> None:
        self._registry = registry

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.intent_names)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        pending = turn.state.pending
        followup = self._registry.get(pending.action) if pending is not None else None
        if pending is None:
            return respond(handler_input, self._without_question(turn))
        if followup is None:
            log.warning("no follow-up registered for pending action %r", pending.action)
            reply = Reply(
                speech=(Say("followup.expired"), Say("anything_else.prompt")),
                reprompt=(Say("anything_else.reprompt"),),
            )
        elif turn.intent == intents.YES:
            reply = followup.on_yes(turn, pending)
        elif turn.intent == intents.NO:
            reply = (followup.on_no or _okay)(turn, pending)
        else:
            reply = (followup.on_next or followup.on_yes)(turn, pending)
        if reply.state is None:
            reply = replace(reply, state=turn.state.updated(pending=None))
        return respond(handler_input, reply)

    @staticmethod
    def _without_question(turn: Turn) -> Reply:
        if turn.intent == intents.NO:
            # "no" to "what would you like to do?" means the user is done
            return Reply(speech=(Say("goodbye"),), end_session=True)
        key = "followup.yes_without_question" if turn.intent == intents.YES else "followup.next_without_list"
        return Reply(
            speech=(Say(key), Say("anything_else.prompt")),
            reprompt=(Say("anything_else.reprompt"),),
        )
