"""Every intent, slot and slot-type name of the interaction model, in one place.

Handlers, the simulator, CanFulfillIntentRequest and the model tools refer to these
constants; a test checks that interaction_models/*.json and the registered handlers agree
with them in both directions.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

INVOCATION_NAME: Final = "shop talk"

# --- custom intents -------------------------------------------------------------------------
PRODUCT_QUESTION: Final = "ProductQuestionIntent"
REVIEW_SUMMARY: Final = "ReviewSummaryIntent"
LEAVE_REVIEW: Final = "LeaveReviewIntent"
SEND_MESSAGE: Final = "SendMessageIntent"
READ_MESSAGES: Final = "ReadMessagesIntent"
ADD_FRIEND: Final = "AddFriendIntent"
SHARE_FRIEND_CODE: Final = "ShareFriendCodeIntent"
SET_NAME: Final = "SetNameIntent"
ASK_COMMUNITY: Final = "AskCommunityIntent"
ANSWER_QUESTIONS: Final = "AnswerQuestionsIntent"
POLL: Final = "PollIntent"
CHAT: Final = "ChatIntent"
DELETE_MY_DATA: Final = "DeleteMyDataIntent"
HEAR_MY_REVIEWS: Final = "HearMyReviewsIntent"
DELETE_MY_REVIEW: Final = "DeleteMyReviewIntent"
FRIEND_REQUESTS: Final = "FriendRequestsIntent"
BLOCK_USER: Final = "BlockUserIntent"
REPORT_MESSAGE: Final = "ReportMessageIntent"
DELETE_MESSAGE: Final = "DeleteMessageIntent"

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

# --- slots ----------------------------------------------------------------------------------
SLOT_QUERY: Final = "Query"
SLOT_PRODUCT: Final = "Product"
SLOT_RATING: Final = "Rating"
SLOT_REVIEW_TEXT: Final = "ReviewText"
SLOT_FRIEND: Final = "Friend"
SLOT_MESSAGE_TEXT: Final = "MessageText"
SLOT_FRIEND_CODE: Final = "FriendCode"
SLOT_NAME: Final = "Name"
SLOT_QUESTION: Final = "Question"
SLOT_POLL_CHOICE: Final = "PollChoice"
SLOT_TOPIC: Final = "Topic"
SLOT_ANSWER: Final = "Answer"

# --- slot types -----------------------------------------------------------------------------
TYPE_PRODUCT: Final = "PRODUCT"
TYPE_FRIEND_CODE: Final = "FRIEND_CODE"
TYPE_SEARCH_QUERY: Final = "AMAZON.SearchQuery"
TYPE_NUMBER: Final = "AMAZON.NUMBER"
TYPE_FIRST_NAME: Final = "AMAZON.FirstName"

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
        **{name: MappingProxyType({}) for name in BUILT_IN_INTENTS},
    }
)
