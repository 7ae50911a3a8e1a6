"""Open speech, recommendations and comparisons: read the words heard, call the dialogue.

Thin on purpose: dialogue.understanding decides what the words mean. ConverseIntent is the
catch-all whose PHRASE slot carries free speech as text (Alexa sends no words with
AMAZON.FallbackIntent); RecommendIntent and CompareIntent tell the act up front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from dialogue.understanding import Act
from skill import intents
from skill.context import turn_of
from skill.handlers.products import user_id_for
from skill.render import respond, send_progressive

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services


class _WordsHandler(AbstractRequestHandler):
    """Hands the words of the intent's slots (in `slot_order`) to DialogueManager.converse."""

    intent_names: tuple[str, ...] = ()
    slot_order: tuple[str, ...] = ()
    act: Act | None = None

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent_names[0])(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        words = " ".join(v for v in (turn.slot(name) for name in self.slot_order) if v)
        reply = self._services.dialogue.converse(
            turn.state,
            words,
            self.act,
            user_id=user_id_for(self._services, turn),
            progress=lambda say: send_progressive(handler_input, say),
        )
        return respond(handler_input, reply)


class ConverseHandler(_WordsHandler):
    """ConverseIntent: anything said that no specific intent caught ("i listen to jazz")."""

    intent_names = (intents.CONVERSE,)
    slot_order = (intents.SLOT_UTTERANCE,)


class RecommendHandler(_WordsHandler):
    """RecommendIntent: "what would you recommend for cooking"."""

    intent_names = (intents.RECOMMEND,)
    slot_order = (intents.SLOT_NEED,)
    act = Act.RECOMMEND


class CompareHandler(_WordsHandler):
    """CompareIntent: "is the kindle better than a tablet for reading"."""

    intent_names = (intents.COMPARE,)
    slot_order = (intents.SLOT_PRODUCT_A, intents.SLOT_PRODUCT_B, intents.SLOT_QUERY)
    act = Act.COMPARE
