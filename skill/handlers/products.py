"""Product questions and review summaries: read the slots, call the dialogue manager.

Thin on purpose: every decision (linking, answerability, wording) lives in dialogue/. The
follow-ups registered here answer "another opinion?" (more_evidence) and "do you mean X or
Y?" (pick_product).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from dialogue.manager import MORE_EVIDENCE, PICK_PRODUCT
from dialogue.reply import Reply
from dialogue.state import Pending
from knowledge.ids import stable_id
from skill import intents
from skill.context import Turn, turn_of
from skill.handlers.followups import FollowUp
from skill.render import respond, send_progressive

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services


def user_id_for(services: Services, turn: Turn) -> str | None:
    """The internal user id (memory is kept under it), None for requests without a user.

    A user without a profile yet gets the id their profile will have (the social feature's
    `stable_id("user", hash)`), so "delete my data" erases memory kept before the profile."""
    if not turn.user_hash:
        return None
    user = services.store.user_by_alexa_hash(turn.user_hash)
    return user.id if user is not None else stable_id("user", turn.user_hash)


def _product_slot(turn: Turn) -> tuple[str | None, tuple[str, ...]]:
    """What was heard for the Product slot, and every id entity resolution matched."""
    slot = turn.slots.get(intents.SLOT_PRODUCT)
    if slot is None:
        return None, ()
    return slot.spoken or None, slot.resolved_ids


class ProductQuestionHandler(AbstractRequestHandler):
    """ProductQuestionIntent: "is the paperwhite good for reading at night?"."""

    intent_names = (intents.PRODUCT_QUESTION,)

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.PRODUCT_QUESTION)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        spoken, er_id = _product_slot(turn)
        reply = self._services.dialogue.product_question(
            turn.state,
            query=turn.slot(intents.SLOT_QUERY) or "",
            product_spoken=spoken,
            product_er_id=er_id,
            user_id=user_id_for(self._services, turn),
            progress=lambda say: send_progressive(handler_input, say),
        )
        return respond(handler_input, reply)


class ReviewSummaryHandler(AbstractRequestHandler):
    """ReviewSummaryIntent: "what do people say about the echo dot?"."""

    intent_names = (intents.REVIEW_SUMMARY,)

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REVIEW_SUMMARY)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        spoken, er_id = _product_slot(turn)
        reply = self._services.dialogue.review_summary(
            turn.state,
            product_spoken=spoken,
            product_er_id=er_id,
            user_id=user_id_for(self._services, turn),
        )
        return respond(handler_input, reply)


def product_followups(services: Services) -> Mapping[str, FollowUp]:
    """yes / next -> another opinion; no -> okay. yes -> the first product offered."""

    def more(turn: Turn, pending: Pending) -> Reply:
        return services.dialogue.more_evidence(turn.state, user_id_for(services, turn))

    def decline(turn: Turn, pending: Pending) -> Reply:
        return services.dialogue.decline(turn.state)

    def pick_yes(turn: Turn, pending: Pending) -> Reply:
        return services.dialogue.pick_product(turn.state, "yes", user_id=user_id_for(services, turn))

    def pick_no(turn: Turn, pending: Pending) -> Reply:
        return services.dialogue.pick_product(turn.state, "no", user_id=user_id_for(services, turn))

    return {
        MORE_EVIDENCE: FollowUp(on_yes=more, on_no=decline, on_next=more),
        PICK_PRODUCT: FollowUp(on_yes=pick_yes, on_no=pick_no),
    }
