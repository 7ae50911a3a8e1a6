"""The dialogue manager: product questions, review summaries and social chat, turn by turn.

Handlers pass plain values (the state, slot values, the user id) and get a `Reply` back with
the next state; nothing here knows about ask-sdk. The search index and the generator are
zero-argument callables so models load on first use only (skill.app builds this exactly as
`DialogueManager(store, index, generator, config)`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from dialogue import intents
from dialogue.answers import (
    ANSWERABLE_DENSE,
    Evidence,
    evidence_from,
    is_answerable,
    tidy_for_voice,
    tone,
)
from dialogue.chat import ChatContext, chat_turn, wants_to_close
from dialogue.chat.generators import category_of, varied_reviews
from dialogue.config import DialogueConfig
from dialogue.linking import ACCEPT, LinkKind, ProductLinker, normalise, product_phrase, speakable_name
from dialogue.memory import MemoryKeeper, with_interest, with_opinion, with_product
from dialogue.reply import ElicitSlot, Reply, Say
from dialogue.state import ChatState, DialogueState, EvidenceCursor, Pending
from dialogue.summaries import MAX_QUOTE_CHARS, Summary, sentence_polarity, spoken_list, summarise
from knowledge.index.passages import split_sentences
from knowledge.model import Product
from knowledge.store.base import Store

log = logging.getLogger(__name__)

# Pending follow-up actions this module asks (skill/handlers/products.py and chat.py register them)
MORE_EVIDENCE = "more_evidence"
PICK_PRODUCT = "pick_product"
CHAT = "chat"
ASK_COMMUNITY = "ask_community"  # taken over by the community feature (dialogue.social)

SEARCH_K = 8
MAX_QUERY_CHARS = 120
SMALL_TALK_BUDGET_S = 1.0
GENERATION_PASSAGES = 3  # evidence passages in the prompt (each costs prompt-processing time)
GROUNDING_RESERVE_S = 0.2  # kept from the generator's budget for grounding its output
MIN_GENERATION_S = 0.4  # below this, generating 40 tokens cannot finish: speak the extractive answer
Progress = Callable[[Say], Any]


def _paused(chat: ChatState) -> ChatState:
    """A shopping question in the middle of a chat: the chat's last question is moot, and
    the chat continues on the product just asked about when the user comes back to it."""
    return replace(chat, awaiting="")


class DialogueManager:
    """Answers product questions, summarises reviews and chats; stateless between turns."""

    def __init__(
        self,
        store: Store,
        index: Callable[[], Any],
        generator: Callable[[], Any],
        config: DialogueConfig,
    ) -> None:
        self._store = store
        self._index = index
        self._generator = generator
        self._config = config
        self.linker = ProductLinker(store, review_count=lambda pid: store.product_stats(pid).review_count)
        self._memory = MemoryKeeper(store)
        self._summaries: dict[tuple[str, int], Summary] = {}

    # --- product resolution -----------------------------------------------------------------
    def _resolve(
        self,
        state: DialogueState,
        spoken: str | None,
        er_id: str | Sequence[str] | None,
        query: str,
        then: str,
    ) -> Product | Reply:
        """The product a turn is about, or the Reply that asks which one."""
        if spoken or er_id:
            result = self.linker.link(spoken, er_id, state.focus_product_id)
        else:
            mention = self.linker.find_mention(query) if query else None
            if mention is not None:
                return mention
            result = self.linker.link(None, None, state.focus_product_id)
        if result.kind is LinkKind.LINKED and result.product is not None:
            return result.product
        if result.kind is LinkKind.AMBIGUOUS:
            return self._ask_which(state, result.candidates, query, then)
        if result.kind is LinkKind.NONE:
            return Reply(
                speech=(Say("products.not_found", {"name": spoken or ""}), Say("products.which")),
                reprompt=(Say("products.which_reprompt"),),
                state=state.updated(pending=None),
            )
        intent = intents.PRODUCT_QUESTION if then == "question" else intents.REVIEW_SUMMARY
        slots = {intents.SLOT_QUERY: query} if then == "question" and query else {}
        return Reply(
            speech=(Say("products.which"),),
            reprompt=(Say("products.which_reprompt"),),
            directive=ElicitSlot(intent, intents.SLOT_PRODUCT, slots),
            state=state.updated(pending=None),
        )

    def _ask_which(
        self, state: DialogueState, candidates: tuple[Product, ...], query: str, then: str
    ) -> Reply:
        names = [product_phrase(p) for p in candidates]
        if len(candidates) == 1:
            speech = Say("products.did_you_mean", {"product": names[0]})
        else:
            speech = Say("products.which_of", {"options": spoken_list(names, "or")})
        data = {"ids": ",".join(p.id for p in candidates), "then": then, "q": query[:MAX_QUERY_CHARS]}
        return Reply(
            speech=(speech,),
            reprompt=(speech,),
            state=state.updated(pending=Pending(PICK_PRODUCT, data)),
        )

    def pick_product(
        self,
        state: DialogueState,
        answer: str = "",
        spoken: str | None = None,
        er_id: str | Sequence[str] | None = None,
        user_id: str | None = None,
        progress: Progress | None = None,
    ) -> Reply:
        """The answer to "do you mean X or Y?": yes (the first), no, or a product name."""
        pending = state.pending
        if pending is None or pending.action != PICK_PRODUCT:
            return self._anything_else(state)
        ids = [i for i in pending.data.get("ids", "").split(",") if i]
        then, query = pending.data.get("then", "question"), pending.data.get("q", "")
        chosen: Product | None = None
        if spoken or er_id:
            result = self.linker.link(spoken, er_id, None)
            picked = [p for p in result.candidates if p.id in ids]
            if picked:
                chosen = picked[0]
            elif spoken:
                chosen = self._closest_of(spoken, ids)
            if chosen is None and result.product is not None:
                chosen = result.product
        elif answer == "yes" and ids:
            chosen = self.linker.get(ids[0])
        if chosen is None:
            return Reply(
                speech=(Say("products.which"),),
                reprompt=(Say("products.which_reprompt"),),
                state=state.updated(pending=None),
            )
        cleared = state.updated(pending=None, focus_product_id=chosen.id)
        if then == "summary":
            return self._summary_reply(cleared, chosen, user_id)
        if then == "chat":
            return self.chat(cleared.updated(chat=ChatState(active=True, topic_product_id=chosen.id)),
                             chosen.name, user_id)
        return self._answer(cleared, chosen, query, user_id, progress)

    def _closest_of(self, spoken: str, ids: list[str]) -> Product | None:
        """Among the offered products, the one named by a word that sets it apart from the
        others ("the show" picks the Echo Show 8 over the Echo Dot)."""
        offered = [p for p in (self.linker.get(i) for i in ids) if p is not None]
        names = {p.id: set(normalise(speakable_name(p)).split()) for p in offered}
        shared = set.intersection(*names.values()) if names else set()
        words = set(normalise(spoken).split())
        for product in offered:
            if words & (names[product.id] - shared):
                return product
        return None

    # --- product questions ------------------------------------------------------------------
    def product_question(
        self,
        state: DialogueState,
        query: str,
        product_spoken: str | None = None,
        product_er_id: str | Sequence[str] | None = None,
        user_id: str | None = None,
        progress: Progress | None = None,
    ) -> Reply:
        """Answer a question about a product from its reviews and community answers."""
        query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
        if state.pending is not None and state.pending.action == PICK_PRODUCT and (product_spoken or product_er_id):
            return self.pick_product(state, "", product_spoken, product_er_id, user_id, progress)
        resolved = self._resolve(state, product_spoken, product_er_id, query, "question")
        if isinstance(resolved, Reply):
            return resolved
        if not query:
            return self._summary_reply(state.updated(focus_product_id=resolved.id), resolved, user_id)
        return self._answer(state, resolved, query, user_id, progress)

    def _search(self, query: str, product_id: str, k: int = SEARCH_K) -> list[Any]:
        return list(self._index().search(query, product_id=product_id, k=k))

    def _answer(
        self,
        state: DialogueState,
        product: Product,
        query: str,
        user_id: str | None,
        progress: Progress | None,
    ) -> Reply:
        started = time.monotonic()
        self._remember(user_id, product_id=product.id)
        name = product_phrase(product)
        hits = self._search(query, product.id)
        focused = state.updated(focus_product_id=product.id, pending=None, chat=_paused(state.chat))
        if not is_answerable(hits):
            return Reply(
                speech=(Say("answers.unanswerable", {"product": name}), Say("answers.offer_community")),
                reprompt=(Say("answers.offer_community"),),
                state=focused.updated(
                    evidence=None,
                    pending=Pending(ASK_COMMUNITY, {"product_id": product.id, "question": query}),
                ),
            )
        evidence = evidence_from(query, hits)
        if not evidence:
            return self._no_more(focused)
        first = evidence[0]
        speech: list[Say] = []
        # the generator gets what is left of the turn's budget after retrieval, less the time
        # the grounding check needs afterwards
        remaining = self._config.generation_budget_s - (time.monotonic() - started) - GROUNDING_RESERVE_S
        generated, used_generator = self._generated_answer(product, query, evidence, progress, remaining)
        if generated:
            speech.append(Say("answers.generated", {"text": generated}))
        else:
            speech.append(Say(f"answers.tone.{tone(evidence) or 'qa'}", {"product": name}))
        speech.append(self._attribution(first))
        more = len(evidence) > 1
        speech.append(Say("answers.offer_more" if more else "answers.offer_done"))
        cursor = EvidenceCursor(product.id, query, offset=1, kind="answer")
        return Reply(
            speech=tuple(speech),
            reprompt=(Say("answers.offer_more_reprompt" if more else "anything_else.reprompt"),),
            progressive=Say("answers.progressive") if used_generator and progress is None else None,
            state=focused.updated(
                evidence=cursor if more else None,
                pending=Pending(MORE_EVIDENCE, {"product_id": product.id}) if more else None,
            ),
        )

    @staticmethod
    def _attribution(evidence: Evidence) -> Say:
        if evidence.kind == "qa":
            return Say("answers.quote_qa", {"quote": evidence.quote})
        if evidence.rating:
            return Say("answers.quote_rated", {"stars": evidence.rating, "quote": evidence.quote})
        return Say("answers.quote", {"quote": evidence.quote})

    def _generated_answer(
        self,
        product: Product,
        query: str,
        evidence: tuple[Evidence, ...],
        progress: Progress | None,
        budget_s: float,
    ) -> tuple[str, bool]:
        """A generated answer kept only where the evidence supports it (the generation
        package's grounded_answer), or "" so the extractive answer is spoken. The second
        value says whether the generator ran (the turn then deserves a progressive response).
        With less than MIN_GENERATION_S of the turn's budget left, it does not run at all."""
        if self._config.generator == "none" or budget_s < MIN_GENERATION_S:
            return "", False
        try:
            from dialogue.generation.compose import grounded_answer

            generator = self._generator()
            if progress is not None:
                progress(Say("answers.progressive"))
            result = grounded_answer(
                generator,
                f"{query} ({speakable_name(product)})",
                [e.passage for e in evidence[:GENERATION_PASSAGES]],
                budget_s=budget_s,
                max_new_tokens=self._config.max_new_tokens,
            )
        except Exception:  # the generator is an optional nicety: the extractive answer stands
            log.warning("generated answer failed; speaking the extractive answer", exc_info=True)
            return "", True
        if not result.usable:
            log.info("generated answer not used (%s)", result.fallback)
            return "", True
        return result.text, True

    def more_evidence(self, state: DialogueState, user_id: str | None = None) -> Reply:
        """"Another opinion": the next distinct passage for the question (or review quote)."""
        cursor = state.evidence
        if cursor is None:
            return self._no_more(state)
        product = self.linker.get(cursor.product_id)
        if product is None:
            return self._no_more(state.updated(evidence=None))
        if cursor.kind == "summary":
            return self._next_summary_quote(state, product, cursor)
        hits = self._search(cursor.query, product.id, k=SEARCH_K + cursor.offset * 2)
        evidence = evidence_from(cursor.query, hits, ANSWERABLE_DENSE)
        if cursor.offset >= len(evidence):
            return self._no_more(state.updated(evidence=None))
        item = evidence[cursor.offset]
        more = cursor.offset + 1 < len(evidence)
        speech = (
            Say("answers.another"),
            self._attribution(item),
            Say("answers.offer_more" if more else "answers.offer_done"),
        )
        return Reply(
            speech=speech,
            reprompt=(Say("answers.offer_more_reprompt" if more else "anything_else.reprompt"),),
            state=state.updated(
                evidence=EvidenceCursor(product.id, cursor.query, cursor.offset + 1, "answer") if more else None,
                pending=Pending(MORE_EVIDENCE, {"product_id": product.id}) if more else None,
            ),
        )

    def _no_more(self, state: DialogueState) -> Reply:
        return Reply(
            speech=(Say("answers.no_more"), Say("anything_else.prompt")),
            reprompt=(Say("anything_else.reprompt"),),
            state=state.updated(pending=None, evidence=None),
        )

    def _anything_else(self, state: DialogueState) -> Reply:
        return Reply(
            speech=(Say("anything_else.prompt"),),
            reprompt=(Say("anything_else.reprompt"),),
            state=state.updated(pending=None),
        )

    def decline(self, state: DialogueState) -> Reply:
        """"No" to "want to hear another opinion?"."""
        return Reply(
            speech=(Say("answers.declined"), Say("anything_else.prompt")),
            reprompt=(Say("anything_else.reprompt"),),
            state=state.updated(pending=None, evidence=None),
        )

    # --- review summaries -------------------------------------------------------------------
    def review_summary(
        self,
        state: DialogueState,
        product_spoken: str | None = None,
        product_er_id: str | Sequence[str] | None = None,
        user_id: str | None = None,
    ) -> Reply:
        """Count, average, praised and criticised aspects, and one quote."""
        if state.pending is not None and state.pending.action == PICK_PRODUCT and (product_spoken or product_er_id):
            return self.pick_product(state, "", product_spoken, product_er_id, user_id)
        resolved = self._resolve(state, product_spoken, product_er_id, "", "summary")
        if isinstance(resolved, Reply):
            return resolved
        return self._summary_reply(state, resolved, user_id)

    def summary_of(self, product: Product) -> Summary:
        """The product's summary, recomputed only when its review count changes."""
        stats = self._store.product_stats(product.id)
        key = (product.id, stats.review_count)
        if key not in self._summaries:
            reviews = self._store.reviews_for(product.id)
            summary = summarise(product, reviews, self._other_names(product))
            if stats.average_rating is not None:
                summary = replace(summary, review_count=stats.review_count,
                                  average_rating=round(float(stats.average_rating), 1))
            self._summaries = {k: v for k, v in self._summaries.items() if k[0] != product.id}
            self._summaries[key] = summary
        return self._summaries[key]

    def _other_names(self, product: Product) -> frozenset[str]:
        own = set(normalise(speakable_name(product)).split())
        words: set[str] = set()
        for other in self.linker.products():
            if other.id != product.id:
                words.update(normalise(speakable_name(other)).split())
        return frozenset(w for w in words - own if len(w) > 2)

    def _summary_reply(self, state: DialogueState, product: Product, user_id: str | None) -> Reply:
        self._remember(user_id, product_id=product.id)
        name = product_phrase(product)
        summary = self.summary_of(product)
        focused = state.updated(
            focus_product_id=product.id, pending=None, evidence=None, chat=_paused(state.chat)
        )
        if summary.review_count == 0:
            return Reply(
                speech=(Say("summary.none", {"product": name}), Say("anything_else.prompt")),
                reprompt=(Say("anything_else.reprompt"),),
                state=focused,
            )
        if summary.review_count == 1:
            speech = [Say("summary.head_one", {"product": name, "rating": int(round(summary.average_rating))})]
        else:
            speech = [Say("summary.head", {"product": name, "rating": float(summary.average_rating),
                                           "count": summary.review_count})]
        if summary.praised:
            speech.append(Say("summary.praise", {"aspects": spoken_list([a.term for a in summary.praised])}))
        if summary.criticised:
            speech.append(Say("summary.complaints", {"aspects": spoken_list([a.term for a in summary.criticised])}))
        if summary.quote:
            speech.append(Say("summary.quote", {"stars": summary.quote_rating or 0, "quote": summary.quote}))
        more = summary.review_count > 1
        speech.append(Say("answers.offer_more" if more else "anything_else.prompt"))
        return Reply(
            speech=tuple(speech),
            reprompt=(Say("answers.offer_more_reprompt" if more else "anything_else.reprompt"),),
            state=focused.updated(
                evidence=EvidenceCursor(product.id, "", 0, "summary") if more else None,
                pending=Pending(MORE_EVIDENCE, {"product_id": product.id}) if more else None,
            ),
        )

    def _next_summary_quote(self, state: DialogueState, product: Product, cursor: EvidenceCursor) -> Reply:
        summary = self.summary_of(product)
        reviews = varied_reviews(self._store.reviews_for(product.id))
        quotes = []
        for review in reviews:
            if review.id == summary.quote_review_id:
                continue
            for sentence in split_sentences(review.text):
                text = tidy_for_voice(sentence)
                if 30 <= len(text) <= MAX_QUOTE_CHARS and sentence_polarity(text) != 0:
                    quotes.append((review.rating, text))
                    break
            if len(quotes) > cursor.offset + 1:
                break
        if cursor.offset >= len(quotes):
            return self._no_more(state.updated(evidence=None))
        stars, quote = quotes[cursor.offset]
        more = cursor.offset + 1 < len(quotes)
        return Reply(
            speech=(Say("answers.another"), Say("answers.quote_rated", {"stars": stars, "quote": quote}),
                    Say("answers.offer_more" if more else "answers.offer_done")),
            reprompt=(Say("answers.offer_more_reprompt" if more else "anything_else.reprompt"),),
            state=state.updated(
                evidence=EvidenceCursor(product.id, "", cursor.offset + 1, "summary") if more else None,
                pending=Pending(MORE_EVIDENCE, {"product_id": product.id}) if more else None,
            ),
        )

    # --- social chat ------------------------------------------------------------------------
    def chat(
        self,
        state: DialogueState,
        utterance: str = "",
        user_id: str | None = None,
        yes_no: str = "",
        progress: Progress | None = None,
    ) -> Reply:
        """One turn of social chat (ChatIntent, a free-form turn inside chat, or yes/no)."""
        utterance = " ".join((utterance or "").split())[:MAX_QUERY_CHARS]
        memory = self._memory.load(user_id)
        mentioned = self._mentioned(utterance)
        topic_id = mentioned.id if mentioned else state.chat.topic_product_id
        topic_product = self.linker.get(topic_id) if topic_id else None
        used_generator: list[bool] = []

        def small_talk(text: str) -> str:
            reply = self._small_talk(text, progress)
            used_generator.append(True)
            return reply

        ctx = ChatContext(
            state=state,
            utterance=utterance,
            mentioned=mentioned,
            category=category_of(utterance) if utterance else None,
            memory=memory,
            topic_product=topic_product,
            products=self.linker.products(),
            reviews_for=self._store.reviews_for,
            questions_for=self._store.questions_for,
            summary_for=self.summary_of,
            small_talk=small_talk if self._config.generator != "none" else (lambda _text: ""),
            # "bye" / "that's all", or a second "no" in a row: the user has had enough
            closing=wants_to_close(utterance) or (yes_no == "no" and state.chat.declines >= 1),
            yes_no=yes_no,
        )
        ranked = chat_turn(ctx)
        main, prefix = ranked.main, ranked.prefix
        updates = [u for u in (prefix.update if prefix else None, main.update) if u is not None]
        after = memory
        for update in updates:
            if update.remember_product:
                after = with_product(after, update.remember_product)
            if update.remember_interest:
                after = with_interest(after, update.remember_interest)
            if update.remember_opinion:
                after = with_opinion(after, *update.remember_opinion)
        self._memory.save(memory, after)
        end = main.update.end_chat
        chat = ChatState(
            active=not end,
            topic=main.update.topic if main.update.topic is not None else state.chat.topic,
            topic_product_id=main.update.topic_product_id or (None if end else topic_id),
            awaiting="" if end else main.update.awaiting,
            turns=state.chat.turns + 1,
            declines=state.chat.declines + 1 if yes_no == "no" and not end else 0,
        )
        focus = chat.topic_product_id or state.focus_product_id
        next_state = state.remember(main.key).updated(
            chat=chat,
            focus_product_id=focus,
            pending=None if end else Pending(CHAT, {}),
            evidence=None,
        )
        speech = (*(prefix.speech if prefix else ()), *main.speech)
        return Reply(
            speech=speech,
            reprompt=(Say("anything_else.reprompt" if end else "chat.reprompt"),),
            progressive=Say("chat.progressive") if used_generator and progress is None else None,
            state=next_state,
        )

    def _mentioned(self, utterance: str) -> Product | None:
        if not utterance:
            return None
        if len(utterance.split()) <= 4:
            result = self.linker.link(utterance)
            if result.kind is LinkKind.LINKED and result.score >= ACCEPT:
                return result.product
        return self.linker.find_mention(utterance)

    def _small_talk(self, text: str, progress: Progress | None) -> str:
        """One or two generated, cleaned sentences replying to `text`, or "" (then the
        templated small talk is used). Questions are left out: the chat adds its own."""
        try:
            from dialogue.generation.cleaning import clean_sentences
            from dialogue.generation.compose import small_talk

            generator = self._generator()
            if progress is not None:
                progress(Say("chat.progressive"))
            result = small_talk(
                generator,
                text,
                budget_s=min(SMALL_TALK_BUDGET_S, self._config.generation_budget_s),
                max_new_tokens=min(32, self._config.max_new_tokens),
            )
        except Exception:
            log.warning("small talk generation failed; using the templated fallback", exc_info=True)
            return ""
        if not result.usable:
            return ""
        statements = [s for s in clean_sentences(result.text, truncated=False) if not s.endswith("?")]
        return statements[0] if statements and len(statements[0]) <= 160 else ""

    # --- memory -----------------------------------------------------------------------------
    def _remember(self, user_id: str | None, product_id: str | None = None) -> None:
        if not user_id or not product_id:
            return
        before = self._memory.load(user_id)
        self._memory.save(before, with_product(before, product_id))
