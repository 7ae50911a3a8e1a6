"""Moderation of user content before it is stored: `moderate(text) -> ModerationResult`.

Rules, in order: personal data is redacted (emails, phone numbers, street addresses, card
numbers, written or spoken); profanity is masked whole-word ("s***"); slurs and threats reject
the text; personal attacks and spam (links, repetition, shouting, spam phrases) hold it as
pending for the moderation queue; otherwise it is published. Rate limits live in
`knowledge.moderation.ratelimit`.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.model import ReviewStatus
from knowledge.moderation.personal_data import redact_personal_data
from knowledge.moderation.profanity import (
    is_personal_attack,
    is_threat,
    mask_profanity,
    mask_slurs,
)
from knowledge.moderation.ratelimit import RateDecision, RateLimiter, messages_allowed, reviews_allowed
from knowledge.moderation.spam import has_link, has_repetition, has_spam_phrase, is_shouting

# Reasons that only clean the text (it may still be published).
CLEANING_REASONS = frozenset({"profanity", "email", "phone", "address", "card_number"})
# Reasons that hold the text for a moderator.
HOLDING_REASONS = frozenset({"link", "spam_phrase", "repetition", "shouting", "personal_attack"})
# Reasons that reject the text outright.
REJECTING_REASONS = frozenset({"slur", "threat", "empty", "too_long"})
# Far beyond anything said in one Alexa turn; longer text is refused rather than scanned.
MAX_CHARS = 20_000


@dataclass(frozen=True)
class ModerationResult:
    """The cleaned text, the status it may be stored with, and why (empty when clean)."""

    text: str
    status: ReviewStatus
    reasons: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        """True when the content may be published (possibly after masking and redaction)."""
        return self.status is ReviewStatus.PUBLISHED


def moderate(text: str) -> ModerationResult:
    """Clean `text` and decide whether it is published, held as pending, or rejected."""
    original = " ".join(text.split())
    if not original:
        return ModerationResult("", ReviewStatus.REJECTED, ("empty",))
    if len(original) > MAX_CHARS:
        return ModerationResult(original[:MAX_CHARS], ReviewStatus.REJECTED, ("too_long",))
    reasons: list[str] = []
    cleaned, kinds = redact_personal_data(original)
    cleaned, slurs = mask_slurs(cleaned)
    if slurs:
        reasons.append("slur")
    if is_threat(original):
        reasons.append("threat")
    if is_personal_attack(original):
        reasons.append("personal_attack")
    cleaned, swears = mask_profanity(cleaned)
    if swears:
        reasons.append("profanity")
    reasons.extend(kinds)
    if has_link(cleaned):
        reasons.append("link")
    if has_spam_phrase(cleaned):
        reasons.append("spam_phrase")
    if has_repetition(cleaned):
        reasons.append("repetition")
    if is_shouting(cleaned):
        reasons.append("shouting")
    if REJECTING_REASONS.intersection(reasons):
        status = ReviewStatus.REJECTED
    elif HOLDING_REASONS.intersection(reasons):
        status = ReviewStatus.PENDING
    else:
        status = ReviewStatus.PUBLISHED
    return ModerationResult(cleaned, status, tuple(reasons))


__all__ = [
    "CLEANING_REASONS",
    "HOLDING_REASONS",
    "MAX_CHARS",
    "REJECTING_REASONS",
    "ModerationResult",
    "RateDecision",
    "RateLimiter",
    "messages_allowed",
    "moderate",
    "reviews_allowed",
]
