"""Interim handlers for intents whose feature is not built yet: say so honestly, offer help.

Each is replaced in skill.builder.feature_handlers by the feature's own handler when it
lands; the CanFulfillIntentRequest handler answers NO for intents still handled here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from dialogue.reply import Reply, Say
from skill.context import turn_of
from skill.render import respond

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response


class UpcomingFeatureHandler(AbstractRequestHandler):
    """Answers `intent` with the locale string `upcoming.<family>` and an offer of help."""

    def __init__(self, intent: str, family: str) -> None:
        self.intent = intent
        self.intent_names = (intent,)
        self.family = family

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return is_request_type("IntentRequest")(handler_input) and request.intent.name == self.intent

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return respond(
            handler_input,
            Reply(
                speech=(Say(f"upcoming.{self.family}"), Say("upcoming.offer")),
                reprompt=(Say("anything_else.reprompt"),),
                state=turn.state.updated(pending=None),
            ),
        )
