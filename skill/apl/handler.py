"""Alexa.Presentation.APL.UserEvent: touching a product in the recommendations list selects
it and continues the conversation with its review summary, as if the user had asked
"what do people say about <product>?"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.apl.document import SELECT_PRODUCT, TOKEN
from skill.context import turn_of
from skill.handlers.products import user_id_for
from skill.render import respond

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services

USER_EVENT = "Alexa.Presentation.APL.UserEvent"


def selected_product(handler_input: HandlerInput) -> str | None:
    """The product id a touch on our document selected, or None for any other event."""
    request = handler_input.request_envelope.request
    if getattr(request, "object_type", None) != USER_EVENT or getattr(request, "token", None) != TOKEN:
        return None
    arguments = list(getattr(request, "arguments", None) or [])
    if len(arguments) == 2 and arguments[0] == SELECT_PRODUCT and isinstance(arguments[1], str) and arguments[1]:
        return arguments[1]
    return None


class SelectProductHandler(AbstractRequestHandler):
    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return selected_product(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        product_id = selected_product(handler_input) or ""
        reply = self._services.dialogue.review_summary(
            turn.state, product_spoken=None, product_er_id=(product_id,),
            user_id=user_id_for(self._services, turn),
        )
        return respond(handler_input, reply)
