"""Community Q&A by voice: ask other shoppers about a product, answer their questions.

Questions and answers are moderated before they are published; published answers join the
search index at once (with their question), and the asker hears on their next launch that
someone answered. "ask_community" is also the follow-up the dialogue manager registers data
for when it cannot answer a product question ({product_id, question}).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from dialogue import intents
from dialogue.linking import ProductLinker, speakable_name
from dialogue.reply import ElicitSlot, Reply
from dialogue.social.context import Clock, SocialTurn, ask, data_of, pending, say
from dialogue.social.profiles import Profiles
from dialogue.social.reviews import choices, link_product
from knowledge.ids import stable_id
from knowledge.model import Answer, Provenance, Question, ReviewStatus, User
from knowledge.moderation import moderate
from knowledge.outbox import ANSWER_PUBLISHED, record_event
from knowledge.store.base import Store

log = logging.getLogger(__name__)

ASK_COMMUNITY = "ask_community"  # data {"product_id", "question"}
ANSWER_QUESTION = "answer_question"  # data {"question_id", "skip"}
MORE_QUESTIONS = "more_questions"  # data {"skip": space-separated question ids}
MAX_SKIPPED = 20
_SKIP_WORDS = frozenset({"", "skip", "skip it", "next", "pass", "i don't know", "no idea", "no"})
_NOT_AN_ANSWER = frozenset({"yes", "yeah", "ok", "okay", "sure", "yes please"})


class Community:
    """Asking and answering community questions."""

    def __init__(
        self, store: Store, profiles: Profiles, linker: ProductLinker, index: Callable[[], Any], clock: Clock
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._linker = linker
        self._index = index
        self._clock = clock

    # --- asking ---------------------------------------------------------------------------
    def draft_question(
        self, turn: SocialTurn, product: str | None, product_er_id: str | None, question: str | None
    ) -> Reply:
        """AskCommunityIntent: which product, what question; then read back and confirm."""
        given = ((intents.SLOT_PRODUCT, product), (intents.SLOT_QUESTION, question))
        known = {k: v for k, v in given if v}
        if not product and not turn.state.focus_product_id:
            return ask(turn, question=say("ask.which"),
                       directive=ElicitSlot(intents.ASK_COMMUNITY, intents.SLOT_PRODUCT, known))
        found, candidates = link_product(self._linker, product, product_er_id, turn.state.focus_product_id)
        if found is None:
            known.pop(intents.SLOT_PRODUCT, None)
            lead = (say("review.which_of", options=choices(candidates)) if candidates
                    else say("review.unknown_product", name=product or ""))
            return ask(turn, lead, question=say("ask.which"),
                       directive=ElicitSlot(intents.ASK_COMMUNITY, intents.SLOT_PRODUCT, known))
        name = speakable_name(found)
        if not question or not question.strip():
            return ask(turn, question=say("ask.what", product=name),
                       directive=ElicitSlot(intents.ASK_COMMUNITY, intents.SLOT_QUESTION, known))
        text = " ".join(question.split())
        return ask(
            turn, question=say("ask.confirm", product=name, question=moderate(text).text or text),
            pending=pending(ASK_COMMUNITY, product_id=found.id, question=text),
            focus_product_id=found.id,
        )

    def post_question(self, turn: SocialTurn) -> Reply:
        """Yes to "shall I ask the community?" (ours, or the dialogue manager's offer)."""
        data = data_of(turn.state.pending, ASK_COMMUNITY) or {}
        product = self._store.get_product(data.get("product_id", ""))
        text = " ".join(data.get("question", "").split())
        if product is None or not text:
            return ask(turn, say("ask.lost"))
        me = self._profiles.ensure(turn.user_hash, self._clock())
        question_id = stable_id("vq", me.id, turn.request_id)
        if self._store.get_question(question_id) is None:
            result = moderate(text)
            if result.status is ReviewStatus.REJECTED:
                return ask(turn, say("ask.rejected"))
            self._store.claim_request(turn.request_id, "question")
            self._store.put_questions([Question(
                id=question_id, product_id=product.id, text=result.text, author=me.handle,
                date=self._clock().date().isoformat(), status=result.status,
                provenance=Provenance("voice"), user_id=me.id,
            )])
            stored = self._store.get_question(question_id)
            if stored is not None and stored.status is not ReviewStatus.PUBLISHED:
                return ask(turn, say("ask.held"))
        return ask(turn, say("ask.posted", product=speakable_name(product)))

    # --- answering ------------------------------------------------------------------------
    def _open_questions(self, me: User, skip: set[str]) -> list[Question]:
        """Unanswered questions by others that `me` has not answered, those about products
        `me` reviewed or asked about first."""
        mine = {r.product_id for r in self._store.reviews_by_user(me.id)}
        mine |= {q.product_id for q in self._store.questions_by_user(me.id)}
        answered_by_me = {a.question_id for a in self._store.answers_by_user(me.id)}
        found = [
            q for q in self._store.iter_questions(ReviewStatus.PUBLISHED)
            if q.user_id != me.id and q.id not in answered_by_me and q.id not in skip and not q.answers
        ]
        return sorted(found, key=lambda q: (q.product_id not in mine, q.user_id == "", q.date), reverse=False)

    def next_question(self, turn: SocialTurn, skip: str = "") -> Reply:
        """AnswerQuestionsIntent: read one open question and take the answer."""
        me = self._profiles.ensure(turn.user_hash, self._clock())
        skipped = set(skip.split())
        open_questions = self._open_questions(me, skipped)
        if not open_questions:
            return ask(turn, say("answer.none"))
        question = open_questions[0]
        product = self._store.get_product(question.product_id)
        skip_next = " ".join([*sorted(skipped), question.id][-MAX_SKIPPED:])
        return ask(
            turn,
            say("answer.question", product=speakable_name(product) if product else "a product",
                question=question.text.rstrip(" ?.!")),
            question=say("answer.what"),
            reprompt=say("answer.what_reprompt"),
            pending=pending(ANSWER_QUESTION, question_id=question.id, skip=skip_next),
            directive=ElicitSlot(intents.ANSWER_QUESTIONS, intents.SLOT_ANSWER),
        )

    def answer(self, turn: SocialTurn, text: str | None) -> Reply:
        """The answer to the question just read (AnswerQuestionsIntent with its Answer slot)."""
        data = data_of(turn.state.pending, ANSWER_QUESTION)
        if data is None:
            return self.next_question(turn)
        said = (text or "").strip().lower().rstrip(".!")
        if said in _SKIP_WORDS:
            return self.next_question(turn, skip=data.get("skip", ""))
        if said in _NOT_AN_ANSWER:
            return self.repeat_question(turn)
        question = self._store.get_question(data.get("question_id", ""))
        if question is None:
            return self.next_question(turn, skip=data.get("skip", ""))
        me = self._profiles.ensure(turn.user_hash, self._clock())
        answer_id = stable_id("va", me.id, turn.request_id)
        result = moderate(text)
        if result.status is ReviewStatus.REJECTED:
            return ask(turn, say("answer.rejected"), question=say("answer.another"),
                       pending=pending(MORE_QUESTIONS, skip=data.get("skip", "")))
        if self._store.get_answer(answer_id) is None:
            self._store.claim_request(turn.request_id, "answer")
            self._store.add_answer(Answer(
                id=answer_id, question_id=question.id, text=result.text, author=me.handle,
                date=self._clock().date().isoformat(), status=result.status,
                provenance=Provenance("voice"), user_id=me.id,
            ))
            if result.published:
                self._reindex(question.id)
                record_event(self._store, ANSWER_PUBLISHED, answer_id)  # the asker's notification
        lead = say("answer.posted") if result.published else say("answer.held")
        return ask(turn, lead, question=say("answer.another"),
                   pending=pending(MORE_QUESTIONS, skip=data.get("skip", "")))

    def repeat_question(self, turn: SocialTurn) -> Reply:
        """The user said yes (or nothing usable) where an answer was expected: ask again."""
        return ask(turn, question=say("answer.what"), reprompt=say("answer.what_reprompt"),
                   pending=turn.state.pending,
                   directive=ElicitSlot(intents.ANSWER_QUESTIONS, intents.SLOT_ANSWER))

    def more(self, turn: SocialTurn) -> Reply:
        data = data_of(turn.state.pending, MORE_QUESTIONS) or {}
        return self.next_question(turn, skip=data.get("skip", ""))

    def _reindex(self, question_id: str) -> None:
        question = self._store.get_question(question_id)
        if question is None:
            return
        published = tuple(a for a in question.answers if a.status is ReviewStatus.PUBLISHED)
        try:
            self._index().add_question(replace(question, answers=published))
        except Exception:
            log.exception("could not index question %s now", question_id)

    # --- launch news ----------------------------------------------------------------------
    def new_answers(self, me: User, heard: set[str]) -> list[tuple[Question, Answer]]:
        """Published answers by others to `me`'s questions that `me` has not heard yet."""
        found = []
        for question in self._store.questions_by_user(me.id):
            full = self._store.get_question(question.id)
            for answer in (full.answers if full else ()):
                if (answer.status is ReviewStatus.PUBLISHED and answer.user_id != me.id
                        and answer.id not in heard):
                    found.append((question, answer))
        return found
