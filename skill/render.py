"""Reply -> ask-sdk Response: rendered speech and reprompt, dialog directives, the next
dialogue state in the session attributes, and progressive responses.

This is the one place where dialogue/ values become Alexa types.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dialogue.reply import ConfirmIntent, Delegate, DialogDirective, ElicitSlot, Reply, Say
from dialogue.state import ATTRIBUTE_KEY, DialogueState
from dialogue.voice.renderer import render, render_one
from skill.context import turn_of

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response
    from ask_sdk_model.directive import Directive

log = logging.getLogger(__name__)


def save_state(handler_input: HandlerInput, state: DialogueState) -> None:
    """Put `state` into the session attributes (they travel back with the response)."""
    handler_input.attributes_manager.session_attributes[ATTRIBUTE_KEY] = state.to_attributes()


def current_state(handler_input: HandlerInput) -> DialogueState:
    """The dialogue state as it stands now (after any save in this request)."""
    attributes = handler_input.attributes_manager.session_attributes
    return DialogueState.from_attributes(attributes)


def _updated_intent(handler_input: HandlerInput, name: str, values: Mapping[str, str]) -> Any:
    """The intent for a dialog directive: the request's slots (when it is the same intent)
    with the known `values` laid over them."""
    from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus

    request_intent = getattr(handler_input.request_envelope.request, "intent", None)
    slots: dict[str, Slot] = {}
    confirmation = IntentConfirmationStatus.NONE
    if request_intent is not None and request_intent.name == name:
        slots = {
            key: Slot(name=key, value=slot.value, confirmation_status=slot.confirmation_status)
            for key, slot in (request_intent.slots or {}).items()
        }
        confirmation = request_intent.confirmation_status or confirmation
    for key, value in values.items():
        slots[key] = Slot(name=key, value=value, confirmation_status=SlotConfirmationStatus.NONE)
    return Intent(name=name, slots=slots, confirmation_status=confirmation)


def dialog_directive(handler_input: HandlerInput, directive: DialogDirective) -> Directive:
    """The ask-sdk directive for one of dialogue/'s dialog directives."""
    from ask_sdk_model.dialog import (
        ConfirmIntentDirective,
        DelegateDirective,
        ElicitSlotDirective,
    )

    intent = _updated_intent(handler_input, directive.intent, directive.slots)
    if isinstance(directive, ElicitSlot):
        return ElicitSlotDirective(updated_intent=intent, slot_to_elicit=directive.slot)
    if isinstance(directive, ConfirmIntent):
        return ConfirmIntentDirective(updated_intent=intent)
    if isinstance(directive, Delegate):
        return DelegateDirective(updated_intent=intent)
    raise TypeError(f"unknown dialog directive {directive!r}")


def send_progressive(handler_input: HandlerInput, say: Say) -> bool:
    """Speak `say` now through the directive service ("let me check...") while the answer
    is being prepared. Returns False, without raising, where no service is available (the
    local simulator, or a request without an API token) or the call fails."""
    envelope = handler_input.request_envelope
    system = getattr(envelope.context, "system", None)
    factory = handler_input.service_client_factory
    if factory is None or not getattr(system, "api_access_token", None):
        return False
    from ask_sdk_model.services.directive import Header, SendDirectiveRequest, SpeakDirective

    ssml = f"<speak>{render_one(say, turn_of(handler_input).locale)}</speak>"
    try:
        factory.get_directive_service().enqueue(
            SendDirectiveRequest(
                header=Header(request_id=envelope.request.request_id),
                directive=SpeakDirective(speech=ssml),
            )
        )
    except Exception:  # a progressive response is a courtesy; never fail the turn over it
        log.warning("progressive response failed", exc_info=True)
        return False
    return True


REPLY_KEY = "shoptalk.reply"  # request-attribute key: the Reply this turn answered with


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    """Render `reply` for the request's locale into the response being built."""
    locale = turn_of(handler_input).locale
    builder = handler_input.response_builder
    if reply.state is not None:
        save_state(handler_input, reply.state)
    if reply.progressive is not None:
        send_progressive(handler_input, reply.progressive)
    if isinstance(reply.directive, Delegate):
        # Alexa rejects speech alongside Dialog.Delegate: its dialog model speaks next.
        return builder.add_directive(dialog_directive(handler_input, reply.directive)).response
    builder.speak(render(reply.speech, locale))
    # the APL interceptor (skill.apl.interceptor) shows its visual on screen devices
    handler_input.attributes_manager.request_attributes[REPLY_KEY] = reply
    if reply.reprompt:
        builder.ask(render(reply.reprompt, locale))
    if reply.directive is not None:
        builder.add_directive(dialog_directive(handler_input, reply.directive))
        builder.set_should_end_session(False)
    else:
        builder.set_should_end_session(reply.end_session)
    return builder.response


def respond_ssml(
    handler_input: HandlerInput, speech: str, reprompt: str = "", end_session: bool = False
) -> Response:
    """Speak already rendered SSML bodies (used by "repeat", which replays the last turn)."""
    builder = handler_input.response_builder
    builder.speak(speech)
    if reprompt:
        builder.ask(reprompt)
    builder.set_should_end_session(end_session)
    return builder.response
