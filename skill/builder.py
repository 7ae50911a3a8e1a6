"""Builds the ask-sdk CustomSkill from Services: handlers in one ordered list, interceptors,
the exception handler and the follow-up registry.

Handler priority (the first whose can_handle is true wins), in registration order:

 1. SessionEndedRequest            - logged, never spoken to
    AlexaSkillEvent.*              - lifecycle: permissions, purge schedule (handlers/events.py)
    APL UserEvent select_product   - a touched recommendation: its summary (skill/apl/handler.py)
 2. CanFulfillIntentRequest        - answered honestly from the live handlers below
 3. LaunchRequest                  - greeting plus feature announcements
 4. feature intents                - `feature_handlers`: one line per intent; an interim
                                     UpcomingFeatureHandler until the feature lands
 5. Yes / No / Next                - routed by the pending action (handlers/followups.py)
 6. Repeat, Help, Stop/Cancel, NavigateHome, Fallback
 7. any other IntentRequest        - not ours: a graceful answer
 8. anything else (catch-all)      - an empty, valid response

To plug in a feature, replace its line in `feature_handlers` (the handler declares
`intent_names: tuple[str, ...]`), add its follow-ups to
`followup_groups` and its launch news to `launch_announcers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from skill import intents
from skill.handlers.builtins import (
    FallbackHandler,
    HelpHandler,
    NavigateHomeHandler,
    OtherRequestHandler,
    RepeatHandler,
    StopCancelHandler,
    UnknownIntentHandler,
)
from skill.handlers.can_fulfill import CanFulfillHandler, normalize_name
from skill.handlers.chat import ChatHandler, chat_followups
from skill.handlers.converse import CompareHandler, ConverseHandler, RecommendHandler
from skill.apl.handler import SelectProductHandler
from skill.apl.interceptor import VisualInterceptor
from skill.handlers.errors import ErrorHandler
from skill.handlers.events import SkillEventHandler
from skill.handlers.followups import FollowUp, FollowUpHandler, FollowUpRegistry
from skill.handlers.products import ProductQuestionHandler, ReviewSummaryHandler, product_followups
from skill.handlers.session import Announcer, LaunchHandler, SessionEndedHandler
from skill.handlers.social import social_announcer, social_followups, social_handlers
from skill.handlers.upcoming import UpcomingFeatureHandler
from skill.interceptors import LastSpeechInterceptor, TimingInterceptor, TurnInterceptor
from skill.notifications.interceptor import NotifyAfterTurnInterceptor

if TYPE_CHECKING:
    from ask_sdk_core.dispatch_components import AbstractRequestHandler
    from ask_sdk_core.skill import CustomSkill

    from skill.app import Services


def feature_handlers(services: Services) -> list[AbstractRequestHandler]:
    """One handler per feature intent, in priority order (one line each)."""
    return [
        ProductQuestionHandler(services),
        ReviewSummaryHandler(services),
        ChatHandler(services),  # also takes Fallback while a chat is active
        RecommendHandler(services),
        CompareHandler(services),
        *social_handlers(services),  # reviews, friends, messages, community, polls, privacy
        ConverseHandler(services),  # open speech: the catch-all intent, understood in dialogue/
    ]


def followup_groups(services: Services) -> list[Mapping[str, FollowUp]]:
    """Every feature's follow-ups (pending action -> FollowUp), merged into one registry."""
    return [product_followups(services), chat_followups(services), social_followups(services)]


def launch_announcers(services: Services) -> list[Announcer]:
    """News spoken after the greeting (unread messages, friend requests...), in this order."""
    return [social_announcer(services)]


def handled_intents(handlers: Sequence[AbstractRequestHandler]) -> frozenset[str]:
    """The intent names `handlers` declare in their `intent_names` attribute (every intent
    handler does, so the model/handler agreement test and CanFulfill can read them)."""
    names: set[str] = set()
    for handler in handlers:
        names.update(getattr(handler, "intent_names", ()) or ())
    return frozenset(names)


def live_intents(handlers: Sequence[AbstractRequestHandler]) -> frozenset[str]:
    """Intents whose feature really works: everything except interim handlers, plus the
    built-ins this module always handles."""
    live = handled_intents([h for h in handlers if not isinstance(h, UpcomingFeatureHandler)])
    return live | frozenset(intents.BUILT_IN_INTENTS)


def request_handlers(services: Services) -> list[AbstractRequestHandler]:
    """All request handlers in priority order (see the module docstring)."""
    features = feature_handlers(services)
    followups = FollowUpRegistry.merge(*followup_groups(services))

    def product_names() -> set[str]:
        names: set[str] = set()
        for product in services.dialogue.linker.products():  # the cached catalog snapshot
            names.add(normalize_name(product.name))
            names.update(normalize_name(alias) for alias in product.aliases)
        return names

    return [
        SessionEndedHandler(),
        SkillEventHandler(services),
        SelectProductHandler(services),  # a touch in the APL recommendations list
        CanFulfillHandler(live_intents(features), product_names),
        LaunchHandler(services, launch_announcers(services)),
        *features,
        FollowUpHandler(followups),
        RepeatHandler(),
        HelpHandler(),
        StopCancelHandler(),
        NavigateHomeHandler(),
        FallbackHandler(),
        UnknownIntentHandler(),
        OtherRequestHandler(),
    ]


def create_skill(services: Services) -> CustomSkill:
    """The CustomSkill that Lambda, the web service and the simulator all invoke."""
    from ask_sdk_core.api_client import DefaultApiClient
    from ask_sdk_core.skill_builder import CustomSkillBuilder

    builder = CustomSkillBuilder(api_client=DefaultApiClient())
    for handler in request_handlers(services):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ErrorHandler())
    builder.add_global_request_interceptor(TurnInterceptor())
    builder.add_global_response_interceptor(LastSpeechInterceptor())
    builder.add_global_response_interceptor(TimingInterceptor())
    builder.add_global_response_interceptor(NotifyAfterTurnInterceptor(services))
    builder.add_global_response_interceptor(VisualInterceptor(services))
    return builder.create()
