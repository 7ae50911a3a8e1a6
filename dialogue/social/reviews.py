"""Voice reviews: which product, how many stars, what to say; read back; confirm or change.

The draft travels in the pending follow-up until the user says yes. Publishing moderates the
text (profanity masked, personal data redacted); clean reviews are published and indexed at
once, held ones wait in the moderation queue. The review id comes from the user and the
request id, and the write is claimed by request id, so Alexa's retry never stores two.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from dialogue import intents
from dialogue.linking import LinkKind, ProductLinker, speakable_name
from dialogue.reply import ElicitSlot, Reply
from dialogue.social.context import Clock, SocialTurn, ask, counted, data_of, pending, say
from dialogue.social.profiles import Profiles
from knowledge.ids import stable_id
from knowledge.model import Product, Provenance, Review, ReviewStatus
from knowledge.moderation import moderate, reviews_allowed
from knowledge.store.base import Store

log = logging.getLogger(__name__)

CONFIRM_REVIEW = "confirm_review"  # data {"product", "rating", "text"}
DELETE_REVIEW = "delete_review"  # data {"id"}
MAX_REVIEW_CHARS = 2_000
READ_AT_ONCE = 3

_RATING_WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "won": 1, "to": 2, "too": 2, "for": 4}


def parse_rating(spoken: str | None) -> int | None:
    """1-5 from "5", "five", "five stars", "4 star"; None otherwise."""
    if not spoken:
        return None
    for token in re.findall(r"[a-z]+|\d+", spoken.lower()):
        if token in _RATING_WORDS and token not in ("a", "an"):
            return _RATING_WORDS[token]
        if token.isdigit():
            return None
    return None


def link_product(
    linker: ProductLinker, spoken: str | None, er_id: str | None, focus: str | None
) -> tuple[Product | None, tuple[Product, ...]]:
    """(the product, ()) when linked; (None, candidates) when ambiguous; (None, ()) when not found."""
    result = linker.link(spoken, er_id=er_id, focus_id=None if spoken else focus)
    if result.kind is LinkKind.LINKED and result.product is not None:
        return result.product, ()
    if result.kind is LinkKind.AMBIGUOUS:
        return None, tuple(result.candidates)
    return None, ()


def choices(products: tuple[Product, ...]) -> str:
    names = [speakable_name(p) for p in products]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class Reviews:
    """Leave, hear and delete one's own voice reviews."""

    def __init__(
        self, store: Store, profiles: Profiles, linker: ProductLinker, index: Callable[[], Any], clock: Clock
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._linker = linker
        self._index = index
        self._clock = clock

    def draft(
        self,
        turn: SocialTurn,
        product: str | None,
        product_er_id: str | None,
        rating: str | None,
        text: str | None,
    ) -> Reply:
        """LeaveReviewIntent: ask for what is missing (one thing a turn), then read it back."""
        given = ((intents.SLOT_PRODUCT, product), (intents.SLOT_RATING, rating), (intents.SLOT_REVIEW_TEXT, text))
        known = {k: v for k, v in given if v}
        if not product and not turn.state.focus_product_id:
            return ask(turn, question=say("review.which"),
                       directive=ElicitSlot(intents.LEAVE_REVIEW, intents.SLOT_PRODUCT, known))
        found, candidates = link_product(self._linker, product, product_er_id, turn.state.focus_product_id)
        if found is None:
            known.pop(intents.SLOT_PRODUCT, None)
            first = (say("review.which_of", options=choices(candidates)) if candidates
                     else say("review.unknown_product", name=product or ""))
            return ask(turn, first, question=say("review.which"),
                       directive=ElicitSlot(intents.LEAVE_REVIEW, intents.SLOT_PRODUCT, known))
        name = speakable_name(found)
        stars = parse_rating(rating)
        if stars is None:
            known.pop(intents.SLOT_RATING, None)
            lead = (say("review.bad_rating"),) if rating else ()
            return ask(turn, *lead, question=say("review.stars", product=name),
                       directive=ElicitSlot(intents.LEAVE_REVIEW, intents.SLOT_RATING, known))
        if not text or not text.strip():
            return ask(turn, question=say("review.what", product=name),
                       directive=ElicitSlot(intents.LEAVE_REVIEW, intents.SLOT_REVIEW_TEXT, known))
        text = " ".join(text.split())[:MAX_REVIEW_CHARS]
        shown = moderate(text).text or text
        return ask(
            turn,
            question=say("review.confirm", product=name, stars=stars, text=shown),
            reprompt=say("review.confirm_reprompt"),
            pending=pending(CONFIRM_REVIEW, product=found.id, rating=str(stars), text=text),
            focus_product_id=found.id,
        )

    def publish(self, turn: SocialTurn) -> Reply:
        """Yes to the read-back: moderate, store once per request, index when published."""
        data = data_of(turn.state.pending, CONFIRM_REVIEW) or {}
        product = self._store.get_product(data.get("product", ""))
        stars = parse_rating(data.get("rating"))
        text = data.get("text", "")
        if product is None or stars is None or not text:
            return ask(turn, say("review.lost"))
        me = self._profiles.ensure(turn.user_hash, self._clock())
        now = self._clock()
        review_id = stable_id("voice", me.id, turn.request_id)
        existing = self._store.get_review(review_id)
        if existing is None:
            if not reviews_allowed(self._store, me.id, now).allowed:
                return ask(turn, say("review.too_many"))
            result = moderate(text)
            review = Review(
                id=review_id,
                product_id=product.id,
                rating=stars,
                text=result.text,
                author=me.handle,
                date=now.date().isoformat(),
                status=result.status,
                provenance=Provenance("voice"),
                user_id=me.id,
            )
            self._store.claim_request(turn.request_id, "review")
            self._store.put_reviews([review])
            if review.status is ReviewStatus.PUBLISHED:
                self._add_to_index(review)
            existing = review
        name = speakable_name(product)
        if existing.status is ReviewStatus.PUBLISHED:
            return ask(turn, say("review.published", product=name))
        if existing.status is ReviewStatus.PENDING:
            return ask(turn, say("review.held", product=name))
        return ask(turn, say("review.rejected"))

    def change(self, turn: SocialTurn) -> Reply:
        """No to the read-back: keep product and stars, ask for the words again."""
        data = data_of(turn.state.pending, CONFIRM_REVIEW) or {}
        product = self._store.get_product(data.get("product", ""))
        if product is None:
            return ask(turn, say("review.dropped"))
        name = speakable_name(product)
        return ask(
            turn, say("review.change"), question=say("review.what", product=name),
            directive=ElicitSlot(
                intents.LEAVE_REVIEW,
                intents.SLOT_REVIEW_TEXT,
                {intents.SLOT_PRODUCT: name, intents.SLOT_RATING: data.get("rating", "")},
            ),
        )

    def _add_to_index(self, review: Review) -> None:
        try:
            self._index().add_review(review)
        except Exception:  # the review is stored; the next index open picks it up
            log.exception("could not index review %s now", review.id)

    # --- the user's own reviews -----------------------------------------------------------
    def hear_mine(self, turn: SocialTurn) -> Reply:
        me = self._profiles.find(turn.user_hash)
        mine = self._store.reviews_by_user(me.id) if me else []
        if not mine:
            return ask(turn, say("mine.none"))
        mine = sorted(mine, key=lambda r: (r.date, r.id), reverse=True)
        speech = [counted("mine.count", len(mine))]
        for review in mine[:READ_AT_ONCE]:
            product = self._store.get_product(review.product_id)
            speech.append(say(
                "mine.one", product=speakable_name(product) if product else "a product",
                stars=review.rating, text=review.text, status=say_status(review.status),
            ))
        latest = mine[0]
        product = self._store.get_product(latest.product_id)
        return ask(
            turn, *speech,
            question=say("mine.delete_ask", product=speakable_name(product) if product else "that product"),
            pending=pending(DELETE_REVIEW, id=latest.id),
        )

    def delete_mine(self, turn: SocialTurn, product: str | None = None, product_er_id: str | None = None) -> Reply:
        """Delete the review just heard, or the user's newest review of `product`."""
        me = self._profiles.find(turn.user_hash)
        mine = sorted(self._store.reviews_by_user(me.id) if me else [], key=lambda r: (r.date, r.id), reverse=True)
        target = None
        data = data_of(turn.state.pending, DELETE_REVIEW)
        if product:
            found, _ = link_product(self._linker, product, product_er_id, None)
            target = next((r for r in mine if found is not None and r.product_id == found.id), None)
        elif data is not None:
            target = next((r for r in mine if r.id == data.get("id")), None)
        elif len(mine) == 1:
            target = mine[0]
        if target is None:
            return ask(turn, say("mine.which") if mine else say("mine.none"))
        self._store.delete_review(target.id)
        try:
            self._index().remove_review(target.id)
        except Exception:
            log.exception("could not drop review %s from the index now", target.id)
        return ask(turn, say("mine.deleted"))


def say_status(status: ReviewStatus) -> str:
    return {"published": "live", "pending": "waiting for review", "rejected": "not published"}[status.value]
