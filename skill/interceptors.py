"""Global interceptors: read the Turn (locale, hashed user, state) before every handler;
log timing and keep the last speech for "repeat" after every response."""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)

from dialogue.state import ATTRIBUTE_KEY
from skill import intents
from skill.context import TURN_KEY, read_turn, turn_of
from skill.render import current_state, save_state

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

log = logging.getLogger("skill.requests")

STARTED_KEY = "shoptalk.started"
MAX_RESPONSE_BYTES = 24 * 1024  # Alexa's limit for the whole response, attributes included
_SPEAK_OPEN, _SPEAK_CLOSE = "<speak>", "</speak>"


def _ssml_body(speech: object) -> str:
    ssml = getattr(speech, "ssml", None)
    if not isinstance(ssml, str):
        text = getattr(speech, "text", None)
        return text if isinstance(text, str) else ""
    if ssml.startswith(_SPEAK_OPEN) and ssml.endswith(_SPEAK_CLOSE):
        return ssml[len(_SPEAK_OPEN) : -len(_SPEAK_CLOSE)]
    return ssml


class TurnInterceptor(AbstractRequestInterceptor):
    """Reads the request into a `Turn` once (locale, hashed user id, dialogue state)."""

    def process(self, handler_input: HandlerInput) -> None:
        attributes = handler_input.attributes_manager.request_attributes
        attributes[STARTED_KEY] = time.perf_counter()
        attributes[TURN_KEY] = read_turn(handler_input)


class LastSpeechInterceptor(AbstractResponseInterceptor):
    """Keeps what was just said in the dialogue state so AMAZON.RepeatIntent can replay it,
    and keeps the response within Alexa's size limit by dropping that copy when needed."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None or response.should_end_session or handler_input.request_envelope.session is None:
            return
        speech = _ssml_body(response.output_speech)
        if not speech or turn_of(handler_input).intent == intents.REPEAT:
            return
        reprompt = _ssml_body(getattr(response.reprompt, "output_speech", None))
        state = current_state(handler_input).updated(last_speech=speech, last_reprompt=reprompt)
        save_state(handler_input, state)
        attributes = handler_input.attributes_manager.session_attributes
        size = len(json.dumps(attributes)) + 2 * (len(speech) + len(reprompt)) + 1024
        if size > MAX_RESPONSE_BYTES:
            log.warning("response near the 24 KB limit; not keeping the last speech for repeat")
            save_state(handler_input, state.updated(last_speech="", last_reprompt=""))
        if not attributes.get(ATTRIBUTE_KEY):
            attributes.pop(ATTRIBUTE_KEY, None)


class TimingInterceptor(AbstractResponseInterceptor):
    """One log line per request: request id, type, intent, hashed user, latency."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        attributes = handler_input.attributes_manager.request_attributes
        started = attributes.get(STARTED_KEY)
        elapsed_ms = (time.perf_counter() - started) * 1000 if isinstance(started, float) else -1.0
        turn = turn_of(handler_input)
        log.info(
            "request %s %s intent=%s user=%s latency_ms=%.1f",
            turn.request_id,
            turn.request_type,
            turn.intent or "-",
            turn.user_hash[:12] or "-",
            elapsed_ms,
        )
