"""The exception handler: whatever went wrong, log it with the request id and speak a polite
recovery that keeps the session open. It must never raise itself."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractExceptionHandler

from dialogue.reply import Reply, Say

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

log = logging.getLogger(__name__)

# Spoken only if even the locale strings cannot be rendered (a broken deployment); every
# other word the skill says comes from dialogue/locales.
_LAST_RESORT_SSML = "Sorry, something went wrong. Please try again in a moment. What would you like to do?"


class ErrorHandler(AbstractExceptionHandler):
    """Catches every exception a handler or interceptor raises."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        request_id = getattr(request, "request_id", "?")
        request_type = getattr(request, "object_type", "?")
        log.error(
            "request %s (%s) failed: %s: %s",
            request_id,
            request_type,
            type(exception).__name__,
            exception,
            exc_info=exception,
        )
        builder = handler_input.response_builder
        # Start from a clean response: the failing handler may have half-built one.
        builder.response.output_speech = None
        builder.response.reprompt = None
        builder.response.directives = None
        if request_type == "SessionEndedRequest":
            return builder.response  # no speech is allowed here
        if request_type == "CanFulfillIntentRequest":
            from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues

            builder.set_can_fulfill_intent(CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO))
            return builder.response
        try:
            from skill.render import respond

            return respond(
                handler_input,
                Reply(
                    speech=(Say(_recovery_key(exception)), Say("anything_else.prompt")),
                    reprompt=(Say("anything_else.reprompt"),),
                ),
            )
        except Exception:
            log.exception("rendering the recovery failed (request %s)", request_id)
            return builder.speak(_LAST_RESORT_SSML).ask(_LAST_RESORT_SSML).response


def _recovery_key(exception: BaseException) -> str:
    """The recovery to speak: "error.unreachable" when the store timed out or throttled
    (anywhere in the cause chain), so the user hears that trying again later is worth it;
    "error.recovery" otherwise."""
    from knowledge.store.dynamodb.guard import StoreUnavailable

    seen: BaseException | None = exception
    for _ in range(8):  # a short chain: handlers wrap at most once or twice
        if seen is None:
            break
        if isinstance(seen, StoreUnavailable):
            return "error.unreachable"
        seen = seen.__cause__ or seen.__context__
    return "error.recovery"
