"""The custom intent and slot names of the interaction model, defined once.

They live here, the lowest layer that needs them (dialogue/ names intents and slots in dialog
directives such as eliciting a slot, as plain strings); skill/intents.py re-exports them and
adds what only the skill needs (built-in intents, slot types, the invocation name).
"""

from __future__ import annotations

from typing import Final

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
CONVERSE: Final = "ConverseIntent"  # the catch-all: open speech arrives as text in SLOT_UTTERANCE
RECOMMEND: Final = "RecommendIntent"
COMPARE: Final = "CompareIntent"

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
SLOT_UTTERANCE: Final = "Utterance"
SLOT_NEED: Final = "Need"
SLOT_PRODUCT_A: Final = "ProductA"
SLOT_PRODUCT_B: Final = "ProductB"
