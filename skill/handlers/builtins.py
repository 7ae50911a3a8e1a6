"""Alexa's built-in intents every skill must handle: Help, Stop/Cancel, Fallback,
NavigateHome and Repeat (Yes/No/Next live in followups.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name, is_request_type

from dialogue.reply import Reply, Say
from dialogue.state import DialogueState
from skill import intents
from skill.context import turn_of
from skill.render import respond, respond_ssml

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response


class HelpHandler(AbstractRequestHandler):
    """Guidance on what to say; the session stays open."""

    intent_names = (intents.HELP,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.HELP)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return respond(
            handler_input,
            Reply(
                speech=(Say("help.body"), Say("help.prompt")),
                reprompt=(Say("help.reprompt"),),
                state=turn.state.updated(pending=None),
            ),
        )


class StopCancelHandler(AbstractRequestHandler):
    """Stop and Cancel end the session with a short goodbye."""

    intent_names = (intents.STOP, intents.CANCEL)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.STOP)(handler_input) or is_intent_name(intents.CANCEL)(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, Reply(speech=(Say("goodbye"),), end_session=True))


class FallbackHandler(AbstractRequestHandler):
    """Alexa could not map what was said to an intent: recover with an example and a question."""

    intent_names = (intents.FALLBACK,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.FALLBACK)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return respond(
            handler_input,
            Reply(
                speech=(Say("fallback.body"), Say("anything_else.prompt")),
                reprompt=(Say("fallback.reprompt"),),
                state=turn.state.updated(pending=None),
            ),
        )


class NavigateHomeHandler(AbstractRequestHandler):
    """"Go home": forget the current topic and any pending question, then ask what next."""

    intent_names = (intents.NAVIGATE_HOME,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.NAVIGATE_HOME)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(
            handler_input,
            Reply(
                speech=(Say("home.body"), Say("anything_else.prompt")),
                reprompt=(Say("anything_else.reprompt"),),
                state=DialogueState(),
            ),
        )


class RepeatHandler(AbstractRequestHandler):
    """Say the last response again, word for word (kept in the dialogue state)."""

    intent_names = (intents.REPEAT,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REPEAT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        state = turn_of(handler_input).state
        if state.last_speech:
            return respond_ssml(
                handler_input, state.last_speech, state.last_reprompt or state.last_speech
            )
        return respond(
            handler_input,
            Reply(
                speech=(Say("repeat.nothing"), Say("anything_else.prompt")),
                reprompt=(Say("anything_else.reprompt"),),
            ),
        )


class UnknownIntentHandler(AbstractRequestHandler):
    """An IntentRequest for an intent that is not ours (misrouted or from another model
    version): a graceful answer and an offer, never an error."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return respond(
            handler_input,
            Reply(
                speech=(Say("unknown.body"), Say("anything_else.prompt")),
                reprompt=(Say("anything_else.reprompt"),),
                state=turn.state.updated(pending=None),
            ),
        )


class OtherRequestHandler(AbstractRequestHandler):
    """Any other request type (events, display, audio player...): acknowledged with an empty
    response, since most of them must not speak. Registered last: it matches everything."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response
