"""Social chat: ChatIntent, and free-form turns (Fallback) while a chat is going on.

Thin on purpose: the conversation itself lives in dialogue/chat. While the state says a chat
is active, AMAZON.FallbackIntent (what Alexa sends for speech it cannot map) is a chat turn
rather than an error, so the chat never dead-ends; yes / no / next answer the chat's last
question through the "chat" follow-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from dialogue.manager import CHAT
from dialogue.reply import Reply
from dialogue.state import Pending
from skill import intents
from skill.context import Turn, turn_of
from skill.handlers.followups import FollowUp
from skill.handlers.products import user_id_for
from skill.render import respond, send_progressive

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services


class ChatHandler(AbstractRequestHandler):
    """ChatIntent ("let's chat about books"), and Fallback while chatting."""

    intent_names = (intents.CHAT,)

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if is_intent_name(intents.CHAT)(handler_input):
            return True
        return is_intent_name(intents.FALLBACK)(handler_input) and turn_of(handler_input).state.chat.active

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        reply = self._services.dialogue.chat(
            turn.state,
            utterance=turn.slot(intents.SLOT_TOPIC) or "",
            user_id=user_id_for(self._services, turn),
            progress=lambda say: send_progressive(handler_input, say),
        )
        return respond(handler_input, reply)


def chat_followups(services: Services) -> Mapping[str, FollowUp]:
    """yes / no / next in a chat continue it with that answer."""

    def answer(word: str) -> Callable[[Turn, Pending], Reply]:
        def callback(turn: Turn, pending: Pending) -> Reply:
            return services.dialogue.chat(turn.state, user_id=user_id_for(services, turn), yes_no=word)

        return callback

    return {CHAT: FollowUp(on_yes=answer("yes"), on_no=answer("no"), on_next=answer(""))}
