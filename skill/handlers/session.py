"""Session life cycle: LaunchRequest (greeting plus announcements) and SessionEndedRequest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from dialogue.reply import Reply, Say
from dialogue.state import Pending
from skill.context import Turn, turn_of
from skill.render import respond

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class LaunchQuestion:
    """A yes/no question an announcer asks at launch ("Bob wants to be friends. Shall I
    accept?"): spoken last instead of the usual prompt, with the follow-up it sets pending.
    The first announcer's question wins; later ones are not asked."""

    say: Say
    pending: Pending


# An announcer adds news to the greeting ("you have two unread messages"), and at most one
# LaunchQuestion; features register theirs in skill.builder.launch_announcers. One that
# fails is skipped, not fatal.
Announcer = Callable[[Turn], Sequence[Say | LaunchQuestion]]


class LaunchHandler(AbstractRequestHandler):
    """"Open shop talk": greet (by name when we know the user), announce news, ask what next."""

    def __init__(self, services: Services, announcers: Sequence[Announcer] = ()) -> None:
        self._services = services
        self._announcers = tuple(announcers)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def _greeting(self, turn: Turn) -> Say:
        try:
            user = self._services.store.user_by_alexa_hash(turn.user_hash) if turn.user_hash else None
        except Exception:  # the greeting must never fail over a store problem
            log.exception("user lookup failed at launch (request %s)", turn.request_id)
            user = None
        if user is not None and user.handle:
            return Say("launch.welcome_back", {"name": user.handle})
        return Say("launch.welcome")

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        news: list[Say] = []
        question: LaunchQuestion | None = None
        for announce in self._announcers:
            try:
                items = list(announce(turn))
            except Exception:
                log.exception("launch announcer %r failed (request %s)", announce, turn.request_id)
                continue
            for item in items:
                if isinstance(item, LaunchQuestion):
                    question = question or item
                else:
                    news.append(item)
        if question is not None:
            reply = Reply(
                speech=(self._greeting(turn), *news, question.say),
                reprompt=(question.say,),
                state=turn.state.updated(pending=question.pending),
            )
        else:
            reply = Reply(
                speech=(self._greeting(turn), *news, Say("launch.prompt")),
                reprompt=(Say("launch.reprompt"),),
                state=turn.state.updated(pending=None),
            )
        return respond(handler_input, reply)


class SessionEndedHandler(AbstractRequestHandler):
    """The session ended (user left, timeout, or error): log why; Alexa allows no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        reason = getattr(getattr(request, "reason", None), "value", None)
        if error is not None:
            log.warning(
                "session ended with error %s: %s (request %s)",
                getattr(error, "object_type", None) or getattr(error, "type", None),
                getattr(error, "message", None),
                request.request_id,
            )
        else:
            log.info("session ended: %s (request %s)", reason, request.request_id)
        return handler_input.response_builder.response
