"""Every intent, slot and slot-type name of the interaction model, in one place.

Handlers, the simulator, CanFulfillIntentRequest and the model tools refer to these
constants; a test checks that interaction_models/*.json and the registered handlers agree
with them in both directions. The custom intent and slot names are defined in
dialogue/intents.py (dialogue/ needs them for dialog directives and must not import skill) and
re-exported here; built-in intents, slot types and the invocation name are the skill's own.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# Custom intents and slots: defined in the dialogue layer, re-exported as this module's names.
from dialogue.intents import (
    ADD_FRIEND,
    ANSWER_QUESTIONS,
    ASK_COMMUNITY,
    BLOCK_USER,
    CHAT,
    COMPARE,
    CONVERSE,
    DELETE_MESSAGE,
    DELETE_MY_DATA,
    DELETE_MY_REVIEW,
    FRIEND_REQUESTS,
    HEAR_MY_REVIEWS,
    LEAVE_REVIEW,
    POLL,
    PRODUCT_QUESTION,
    READ_MESSAGES,
    RECOMMEND,
    REPORT_MESSAGE,
    REVIEW_SUMMARY,
    SEND_MESSAGE,
    SET_NAME,
    SHARE_FRIEND_CODE,
    SLOT_ANSWER,
    SLOT_FRIEND,
    SLOT_FRIEND_CODE,
    SLOT_MESSAGE_TEXT,
    SLOT_NAME,
    SLOT_NEED,
    SLOT_POLL_CHOICE,
    SLOT_PRODUCT,
    SLOT_PRODUCT_A,
    SLOT_PRODUCT_B,
    SLOT_QUERY,
    SLOT_QUESTION,
    SLOT_RATING,
    SLOT_REVIEW_TEXT,
    SLOT_TOPIC,
    SLOT_UTTERANCE,
)

INVOCATION_NAME: Final = "shop talk"

# --- built-in intents -----------------------------------------------------------------------
HELP: Final = "AMAZON.HelpIntent"
STOP: Final = "AMAZON.StopIntent"
CANCEL: Final = "AMAZON.CancelIntent"
FALLBACK: Final = "AMAZON.FallbackIntent"
NAVIGATE_HOME: Final = "AMAZON.NavigateHomeIntent"
YES: Final = "AMAZON.YesIntent"
NO: Final = "AMAZON.NoIntent"
NEXT: Final = "AMAZON.NextIntent"
REPEAT: Final = "AMAZON.RepeatIntent"

# --- slot types -----------------------------------------------------------------------------
TYPE_PRODUCT: Final = "PRODUCT"
TYPE_FRIEND_CODE: Final = "FRIEND_CODE"
TYPE_SEARCH_QUERY: Final = "AMAZON.SearchQuery"
TYPE_NUMBER: Final = "AMAZON.NUMBER"
TYPE_FIRST_NAME: Final = "AMAZON.FirstName"
TYPE_PHRASE: Final = "PHRASE"  # open custom type of varied phrases: carries free speech as text

CUSTOM_INTENTS: Final = (
    PRODUCT_QUESTION,
    REVIEW_SUMMARY,
    LEAVE_REVIEW,
    SEND_MESSAGE,
    READ_MESSAGES,
    ADD_FRIEND,
    SHARE_FRIEND_CODE,
    SET_NAME,
    ASK_COMMUNITY,
    ANSWER_QUESTIONS,
    POLL,
    CHAT,
    DELETE_MY_DATA,
    HEAR_MY_REVIEWS,
    DELETE_MY_REVIEW,
    FRIEND_REQUESTS,
    BLOCK_USER,
    REPORT_MESSAGE,
    DELETE_MESSAGE,
    RECOMMEND,
    COMPARE,
    CONVERSE,
)
BUILT_IN_INTENTS: Final = (HELP, STOP, CANCEL, FALLBACK, NAVIGATE_HOME, YES, NO, NEXT, REPEAT)
ALL_INTENTS: Final = CUSTOM_INTENTS + BUILT_IN_INTENTS

# Which slots (name -> slot type) each intent carries; the model files must say the same.
INTENT_SLOTS: Final = MappingProxyType(
    {
        PRODUCT_QUESTION: MappingProxyType({SLOT_QUERY: TYPE_SEARCH_QUERY, SLOT_PRODUCT: TYPE_PRODUCT}),
        REVIEW_SUMMARY: MappingProxyType({SLOT_PRODUCT: TYPE_PRODUCT}),
        LEAVE_REVIEW: MappingProxyType(
            {SLOT_PRODUCT: TYPE_PRODUCT, SLOT_RATING: TYPE_NUMBER, SLOT_REVIEW_TEXT: TYPE_SEARCH_QUERY}
        ),
        SEND_MESSAGE: MappingProxyType({SLOT_FRIEND: TYPE_FIRST_NAME, SLOT_MESSAGE_TEXT: TYPE_SEARCH_QUERY}),
        READ_MESSAGES: MappingProxyType({}),
        ADD_FRIEND: MappingProxyType({SLOT_FRIEND_CODE: TYPE_FRIEND_CODE}),
        SHARE_FRIEND_CODE: MappingProxyType({}),
        SET_NAME: MappingProxyType({SLOT_NAME: TYPE_FIRST_NAME}),
        ASK_COMMUNITY: MappingProxyType({SLOT_PRODUCT: TYPE_PRODUCT, SLOT_QUESTION: TYPE_SEARCH_QUERY}),
        ANSWER_QUESTIONS: MappingProxyType({SLOT_ANSWER: TYPE_SEARCH_QUERY}),
        POLL: MappingProxyType({SLOT_POLL_CHOICE: TYPE_SEARCH_QUERY}),
        CHAT: MappingProxyType({SLOT_TOPIC: TYPE_SEARCH_QUERY}),
        DELETE_MY_DATA: MappingProxyType({}),
        HEAR_MY_REVIEWS: MappingProxyType({}),
        DELETE_MY_REVIEW: MappingProxyType({SLOT_PRODUCT: TYPE_PRODUCT}),
        FRIEND_REQUESTS: MappingProxyType({}),
        BLOCK_USER: MappingProxyType({SLOT_FRIEND: TYPE_FIRST_NAME}),
        REPORT_MESSAGE: MappingProxyType({}),
        DELETE_MESSAGE: MappingProxyType({}),
        RECOMMEND: MappingProxyType({SLOT_NEED: TYPE_SEARCH_QUERY}),
        COMPARE: MappingProxyType(
            {SLOT_PRODUCT_A: TYPE_PRODUCT, SLOT_PRODUCT_B: TYPE_PRODUCT, SLOT_QUERY: TYPE_SEARCH_QUERY}
        ),
        CONVERSE: MappingProxyType({SLOT_UTTERANCE: TYPE_PHRASE}),
        **{name: MappingProxyType({}) for name in BUILT_IN_INTENTS},
    }
)
