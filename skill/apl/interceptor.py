"""After the handler, add the APL RenderDocument for the turn's Reply on devices that
support Alexa.Presentation.APL; voice-only devices get exactly the spoken response."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor

from skill.apl.datasource import datasource
from skill.apl.derive import summary_bars, visual_of
from skill.apl.document import TOKEN, document
from skill.context import turn_of
from skill.render import REPLY_KEY

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services

log = logging.getLogger(__name__)


def supports_apl(handler_input: HandlerInput) -> bool:
    """Whether the requesting device has a screen that runs APL."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


class VisualInterceptor(AbstractResponseInterceptor):
    def __init__(self, services: Services) -> None:
        self._services = services

    def _bars(self, product_id: str) -> tuple[tuple[str, float], ...]:
        product = self._services.store.get_product(product_id)
        return summary_bars(self._services.dialogue.summary_of(product)) if product is not None else ()

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        reply = handler_input.attributes_manager.request_attributes.get(REPLY_KEY)
        if response is None or reply is None or not supports_apl(handler_input):
            return
        turn = turn_of(handler_input)
        try:
            visual = visual_of(reply, self._services.store, turn.state, turn.locale, self._bars)
        except Exception:  # a screen is a courtesy: never fail the spoken turn over it
            log.warning("could not build the visual", exc_info=True)
            return
        if visual is None:
            return
        from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

        directive = RenderDocumentDirective(
            token=TOKEN, document=document(), datasources={"payload": datasource(visual, turn.locale)})
        response.directives = [*(response.directives or []), directive]
