"""Social intents: reviews, friends, messages, community Q&A, polls and privacy.

Thin on purpose: each handler reads its slots into plain values and calls one method of
dialogue.social.SocialService, which decides everything and returns a Reply. The follow-ups
registered here answer the yes/no questions those features ask, and the launch announcer
adds friend requests, unread messages, answers and poll winners to the greeting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from dialogue.reply import Reply, Say
from dialogue.social.community import ANSWER_QUESTION, ASK_COMMUNITY, MORE_QUESTIONS
from dialogue.social.context import SocialTurn, ask, say
from dialogue.social.friends import ACCEPT_FRIEND
from dialogue.social.launch import READ_NEW_MESSAGES
from dialogue.social.friends import BLOCK_SENDER
from dialogue.social.messages import CONFIRM_MESSAGE, HEARD_MESSAGE
from dialogue.social.privacy import CONFIRM_DELETE
from dialogue.social.polls import POLL_VOTE
from dialogue.social.reviews import CONFIRM_REVIEW, DELETE_REVIEW
from dialogue.state import Pending
from skill import intents
from skill.context import Turn, turn_of
from skill.handlers.followups import FollowUp
from skill.handlers.session import LaunchQuestion
from skill.render import respond

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from dialogue.social import SocialService
    from skill.app import Services

SocialAction = Callable[["SocialService", Turn, SocialTurn], Reply]


def social_turn(turn: Turn) -> SocialTurn:
    """The plain values dialogue.social needs from a skill Turn."""
    return SocialTurn(user_hash=turn.user_hash, request_id=turn.request_id, state=turn.state)


def _product(turn: Turn) -> tuple[str | None, str | None]:
    slot = turn.slots.get(intents.SLOT_PRODUCT)
    return (slot.spoken or None, slot.resolved_id) if slot is not None else (None, None)


class SocialHandler(AbstractRequestHandler):
    """One social intent -> one SocialService call (see `social_handlers` for the table)."""

    def __init__(self, services: Services, intent: str, action: SocialAction) -> None:
        self._services = services
        self.intent_names = (intent,)
        self._action = action

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent_names[0])(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        social = social_turn(turn)
        if not turn.user_hash:
            reply = ask(social, say("no_user"))
        else:
            reply = self._action(self._services.social, turn, social)
        return respond(handler_input, reply)


def _leave_review(s: SocialService, t: Turn, st: SocialTurn) -> Reply:
    product, er_id = _product(t)
    return s.reviews.draft(st, product, er_id, t.slot(intents.SLOT_RATING), t.slot(intents.SLOT_REVIEW_TEXT))


def _delete_review(s: SocialService, t: Turn, st: SocialTurn) -> Reply:
    product, er_id = _product(t)
    return s.reviews.delete_mine(st, product, er_id)


def _ask_community(s: SocialService, t: Turn, st: SocialTurn) -> Reply:
    product, er_id = _product(t)
    return s.community.draft_question(st, product, er_id, t.slot(intents.SLOT_QUESTION))


def _block(s: SocialService, t: Turn, st: SocialTurn) -> Reply:
    return s.friends.block(st, t.slot(intents.SLOT_FRIEND), s.messages.heard_sender(st))


# intent -> what it does, in registration order
ACTIONS: tuple[tuple[str, SocialAction], ...] = (
    (intents.LEAVE_REVIEW, _leave_review),
    (intents.HEAR_MY_REVIEWS, lambda s, t, st: s.reviews.hear_mine(st)),
    (intents.DELETE_MY_REVIEW, _delete_review),
    (intents.SET_NAME, lambda s, t, st: s.friends.set_name(st, t.slot(intents.SLOT_NAME))),
    (intents.SHARE_FRIEND_CODE, lambda s, t, st: s.friends.share_code(st)),
    (intents.ADD_FRIEND, lambda s, t, st: s.friends.add_by_code(st, t.slot(intents.SLOT_FRIEND_CODE))),
    (intents.FRIEND_REQUESTS, lambda s, t, st: s.friends.review_requests(st)),
    (intents.BLOCK_USER, _block),
    (intents.SEND_MESSAGE, lambda s, t, st: s.messages.compose(
        st, t.slot(intents.SLOT_FRIEND), t.slot(intents.SLOT_MESSAGE_TEXT))),
    (intents.READ_MESSAGES, lambda s, t, st: s.messages.read(st)),
    (intents.DELETE_MESSAGE, lambda s, t, st: s.messages.delete_heard(st)),
    (intents.REPORT_MESSAGE, lambda s, t, st: s.messages.report_heard(st)),
    (intents.ASK_COMMUNITY, _ask_community),
    (intents.ANSWER_QUESTIONS, lambda s, t, st: s.community.answer(st, t.slot(intents.SLOT_ANSWER))),
    (intents.POLL, lambda s, t, st: s.polls.vote(st, t.slot(intents.SLOT_POLL_CHOICE))),
    (intents.DELETE_MY_DATA, lambda s, t, st: s.privacy.ask_first(st)),
)


def social_handlers(services: Services) -> list[AbstractRequestHandler]:
    """A handler per social intent, in ACTIONS order."""
    return [SocialHandler(services, intent, action) for intent, action in ACTIONS]


def social_followups(services: Services) -> Mapping[str, FollowUp]:
    """What yes / no / next do after each question the social features ask."""

    def call(method: Callable[[SocialService, SocialTurn], Reply]) -> Callable[[Turn, Pending], Reply]:
        return lambda turn, pending: method(services.social, social_turn(turn))

    return {
        CONFIRM_REVIEW: FollowUp(on_yes=call(lambda s, st: s.reviews.publish(st)),
                                 on_no=call(lambda s, st: s.reviews.change(st))),
        DELETE_REVIEW: FollowUp(on_yes=call(lambda s, st: s.reviews.delete_mine(st)),
                                on_no=call(lambda s, st: ask(st, say("mine.kept")))),
        ACCEPT_FRIEND: FollowUp(on_yes=call(lambda s, st: s.friends.answer_request(st, True)),
                                on_no=call(lambda s, st: s.friends.answer_request(st, False))),
        CONFIRM_MESSAGE: FollowUp(on_yes=call(lambda s, st: s.messages.send(st)),
                                  on_no=call(lambda s, st: s.messages.cancel(st))),
        READ_NEW_MESSAGES: FollowUp(on_yes=call(lambda s, st: s.messages.read(st))),
        HEARD_MESSAGE: FollowUp(on_yes=call(lambda s, st: s.messages.after_reading(st)),
                                on_next=call(lambda s, st: s.messages.read(st, after="next"))),
        BLOCK_SENDER: FollowUp(on_yes=call(lambda s, st: s.friends.block_reported(st))),
        ASK_COMMUNITY: FollowUp(on_yes=call(lambda s, st: s.community.post_question(st))),
        ANSWER_QUESTION: FollowUp(on_yes=call(lambda s, st: s.community.repeat_question(st)),
                                  on_next=call(lambda s, st: s.community.answer(st, "skip"))),
        MORE_QUESTIONS: FollowUp(on_yes=call(lambda s, st: s.community.more(st))),
        POLL_VOTE: FollowUp(on_yes=call(lambda s, st: s.polls.present(st)),
                            on_next=call(lambda s, st: s.polls.present_next(st))),
        CONFIRM_DELETE: FollowUp(on_yes=call(lambda s, st: s.privacy.erase(st)),
                                 on_no=call(lambda s, st: s.privacy.keep(st))),
    }


def social_announcer(services: Services) -> Callable[[Turn], Sequence[Say | LaunchQuestion]]:
    """Launch news: the greeting's friend requests, unread messages, answers, poll winners."""

    def announce(turn: Turn) -> Sequence[Say | LaunchQuestion]:
        if not turn.user_hash:
            return ()
        news = services.social.launch.news(social_turn(turn))
        items: list[Say | LaunchQuestion] = list(news.speech)
        if news.question is not None and news.pending is not None:
            items.append(LaunchQuestion(news.question, news.pending))
        return items

    return announce
