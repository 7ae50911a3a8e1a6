"""CanFulfillIntentRequest: Alexa asks, without a session, whether we could handle a request.

We answer honestly: YES only for our own intents whose feature is live (not an interim
"coming later" handler), with every slot one we know and a product we have; MAYBE when a
product is not in our catalog; NO for intents that are not ours or not built yet.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from skill import intents

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

log = logging.getLogger(__name__)

_ARTICLES = re.compile(r"^(the|a|an|my|this|that)\s+")


def normalize_name(text: str) -> str:
    """Lower case, punctuation dropped, leading article removed: how names are compared."""
    words = re.sub(r"[^a-z0-9' ]+", " ", text.lower())
    return _ARTICLES.sub("", " ".join(words.split()))


class CanFulfillHandler(AbstractRequestHandler):
    """Answers CanFulfillIntentRequest for the intents in `live_intents`.

    `product_names` returns the normalized names and aliases of the catalog (the linker's
    snapshot, refreshed when the store's catalog version moves).
    """

    def __init__(self, live_intents: Iterable[str], product_names: Callable[[], Iterable[str]]) -> None:
        self._live = frozenset(live_intents)
        self._product_names = product_names

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def _known_product(self, spoken: str) -> bool:
        try:
            return normalize_name(spoken) in set(self._product_names())
        except Exception:
            log.exception("catalog lookup failed while answering CanFulfillIntentRequest")
            return False

    def handle(self, handler_input: HandlerInput) -> Response:
        from ask_sdk_model.canfulfill import (
            CanFulfillIntent,
            CanFulfillIntentValues,
            CanFulfillSlot,
            CanFulfillSlotValues,
            CanUnderstandSlotValues,
        )

        intent = handler_input.request_envelope.request.intent
        name = getattr(intent, "name", None)
        if name not in self._live or name not in intents.INTENT_SLOTS:
            handler_input.response_builder.set_can_fulfill_intent(
                CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO)
            )
            return handler_input.response_builder.response
        known_slots = intents.INTENT_SLOTS[name]
        verdict = CanFulfillIntentValues.YES
        answers: dict[str, CanFulfillSlot] = {}
        for slot_name, slot in (intent.slots or {}).items():
            value = getattr(slot, "value", None)
            if slot_name not in known_slots:
                answers[slot_name] = CanFulfillSlot(can_understand=CanUnderstandSlotValues.NO, can_fulfill=CanFulfillSlotValues.NO)
                verdict = CanFulfillIntentValues.NO
                continue
            if not value:
                continue
            slot_type = known_slots[slot_name]
            understood, fulfilled = CanUnderstandSlotValues.YES, CanFulfillSlotValues.YES
            if slot_type == intents.TYPE_PRODUCT and not self._known_product(value):
                understood, fulfilled = CanUnderstandSlotValues.MAYBE, CanFulfillSlotValues.NO
            elif slot_type == intents.TYPE_NUMBER and name == intents.LEAVE_REVIEW:
                ok = value.isdigit() and 1 <= int(value) <= 5
                fulfilled = CanFulfillSlotValues.YES if ok else CanFulfillSlotValues.NO
            if fulfilled == CanFulfillSlotValues.NO and verdict == CanFulfillIntentValues.YES:
                verdict = CanFulfillIntentValues.MAYBE
            answers[slot_name] = CanFulfillSlot(can_understand=understood, can_fulfill=fulfilled)
        handler_input.response_builder.set_can_fulfill_intent(
            CanFulfillIntent(can_fulfill=verdict, slots=answers or None)
        )
        return handler_input.response_builder.response
