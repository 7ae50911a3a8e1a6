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
from dialogue.advice import Advisor
from dialogue.answers import (
    ANSWERABLE_DENSE,
    Evidence,
    evidence_from,
    is_answerable,
    qa_answer,
    quote_from,
    tone,
)
from dialogue.aspect_evidence import about_aspect
from dialogue.chat import ChatContext, chat_turn, wants_to_close
from dialogue.chat.generators import (
    category_label,
    category_of,
    reads_as_opinion,
)
from dialogue.chat.respond import Related
from dialogue.config import DialogueConfig
from dialogue.family_view import FamilyView
from dialogue.linking import ACCEPT, LinkKind, ProductLinker, normalise
from dialogue.memory import MemoryKeeper, with_interest, with_opinion, with_product
from dialogue.reply import ElicitSlot, Reply, Say
from dialogue.state import CHAT, MORE_EVIDENCE, PICK_PRODUCT, ChatState, DialogueState, EvidenceCursor, Pending
from dialogue.summaries import (
    MAX_QUOTE_CHARS,
    Summary,
    spoken_list,
)
from dialogue.summary_replies import SummaryReplies
from dialogue.understanding import PERSONAL, Act, Meaning, aspects_in, chat_topic, understand
from knowledge.model import Product
from knowledge.store.base import Store

log = logging.getLogger(__name__)

# MORE_EVIDENCE, PICK_PRODUCT and CHAT (dialogue.state) are the follow-ups this module asks
ASK_COMMUNITY = "ask_community"  # taken over by the community feature (dialogue.social)

SEARCH_K = 8
MIN_STATEMENT_WORDS = 2
RELATED_BAR = 0.25  # dense similarity a catalog passage needs to follow on from a chat statement
ASPECT_FLOOR = 0.25  # evidence about the aspect asked may be this far below the answerable bar
MAX_QUERY_CHARS = 120
SMALL_TALK_BUDGET_S = 1.0
GENERATION_PASSAGES = 3  # evidence passages in the prompt (each costs prompt-processing time)
GROUNDING_RESERVE_S = 0.2  # kept from the generator's budget for grounding its output
MIN_GENERATION_S = 0.4  # below this, generating 40 tokens cannot finish: speak the extractive answer
Progress = Callable[[Say], Any]


def _opinion_topic(utterance: str) -> str:
    """X in "what do you think about X"."""
    for lead in ("think about", "think of", "feel about", "opinion on", "opinion of", "take on", "like", "thoughts on"):
        at = utterance.lower().find(lead + " ")
        if at >= 0:
            return utterance[at + len(lead) + 1:].strip(" ?.!")
    return utterance


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
        self._families = FamilyView(store, self.linker)
        self._summary = SummaryReplies(self._families, self.linker)
        self._advisor = Advisor(
            search=self._search,  # family-aware, as answers are
            products=self.linker.products,
            stats=self._families.stats,
            category_words=lambda p: (category_label(p.category), p.category),
            pick_action=PICK_PRODUCT,
            group_of=self.linker.family_key,
            phrase=self.linker.phrase,
            speakable=self.linker.speakable,
        )

    # --- understanding ------------------------------------------------------------------------
    def converse(
        self,
        state: DialogueState,
        text: str,
        act: Act | None = None,
        product_spoken: str | None = None,
        product_er_id: str | Sequence[str] | None = None,
        user_id: str | None = None,
        progress: Progress | None = None,
        verdict: bool = False,
    ) -> Reply:
        """Any turn of open speech: understand what was meant, then answer that.

        `text` is every word heard; `act` what the intent already tells (a summary intent,
        a recommendation intent); the Product slot, when heard, is one more mention. `verdict`
        says a product question asked for the overall view ("is it worth buying"), which a
        summary then answers with what reviewers say of its value too."""
        text = " ".join((text or "").split())[:MAX_QUERY_CHARS * 2]
        named = self._named(product_spoken, product_er_id)
        meaning = understand(text, self.linker, state.focus_product_id, act, named, state.chat.active)
        log.info("understood %r as %s (products %s, aspects %s)", text, meaning.act.value,
                 [p.id for p in meaning.products], meaning.aspects)
        if state.pending is not None and state.pending.action == PICK_PRODUCT and meaning.products \
                and meaning.act in (Act.SUMMARY, Act.STATEMENT) and len(meaning.query.split()) <= 2:
            return self.pick_product(state, "", self.linker.phrase(meaning.products[0]), meaning.products[0].id,
                                     user_id, progress)
        if meaning.act is Act.CHAT:  # "let's just talk for a bit", "can we chat about cooking"
            return self.chat(state, text if wants_to_close(text) else chat_topic(meaning.text), user_id,
                             progress=progress)
        if meaning.act is Act.THANKS and not state.chat.active:
            return self._summary.thanks(state)
        if meaning.act is Act.COMPARE and len(meaning.products) >= 2:
            return self._advisor.compare(state.updated(chat=state.chat.paused()), meaning)
        if meaning.act is Act.RECOMMEND:
            return self._advisor.recommend(state.updated(chat=state.chat.paused()), meaning)
        product = meaning.product or self._offered_first(state)
        if act is Act.QUESTION and meaning.act is Act.STATEMENT and product is not None:
            meaning = replace(meaning, act=Act.QUESTION, focus=product)  # the intent asked about it
        named_listings = self.linker.listings_named(product, text) if product is not None else ((), "")
        if named_listings[0] and not meaning.aspects and meaning.act in (Act.SUMMARY, Act.QUESTION, Act.STATEMENT):
            return self._summary.listing(state, product, *named_listings)  # type: ignore[arg-type]
        if meaning.act is Act.SUMMARY and product is not None:
            return self._summary_reply(state, product, user_id, verdict=verdict)
        if meaning.act is Act.QUESTION:
            if product is None:
                return self._resolve(state, None, None, meaning.query or text, "question")  # asks which
            if meaning.complaint and not meaning.aspects:
                self._remember(user_id, product_id=product.id)
                return self._summary.complaints(state, product)
            return self._answer(state, product, meaning.query or text, user_id, progress, meaning.aspects)
        if act is Act.QUESTION and meaning.act is Act.STATEMENT and product is None:
            return self._resolve(state, None, None, meaning.query or text, "question")  # asks which
        if not state.chat.active and meaning.act is Act.STATEMENT and not PERSONAL.search(meaning.text):
            # not a chat, not about the speaker, nothing we know: say what ShopTalk can do
            return Reply(speech=(Say("fallback.body"), Say("anything_else.prompt")), reprompt=(Say("fallback.reprompt"),),
                         state=state.updated(pending=None))
        return self.chat(state, text, user_id, progress=progress, meaning=meaning)

    def _offered_first(self, state: DialogueState) -> Product | None:
        """While "do you mean X or Y?" is open, a question about "it" means the first offered."""
        if state.pending is None or state.pending.action != PICK_PRODUCT:
            return None
        first = next((i for i in state.pending.data.get("ids", "").split(",") if i), None)
        return self.linker.get(first) if first else None

    def _named(self, spoken: str | None, er_id: str | Sequence[str] | None) -> list[Product]:
        """Products entity resolution matched for the Product slot (its words are also in the text)."""
        ids = [er_id] if isinstance(er_id, str) else list(er_id or ())
        found = [p for p in (self.linker.get(i) for i in ids) if p is not None]
        return found[:1]

    def _related(self, text: str) -> list[Related]:
        """Passages anywhere in the catalog that follow from `text`, best first."""
        out: list[Related] = []
        for hit in self._search(text, None, k=12):
            product = self.linker.get(hit.product_id)
            if product is None or hit.dense < RELATED_BAR:
                continue
            passage = qa_answer(hit) if hit.kind == "qa" else hit.text
            quote = quote_from(text, passage)
            if 20 <= len(quote) <= MAX_QUOTE_CHARS:
                out.append(Related(product, quote, hit.rating, hit.kind, hit.source_id))
        return out

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
        names = [self.linker.phrase(p) for p in candidates]
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
            elif result.kind is LinkKind.LINKED and result.product is not None and result.score >= ACCEPT:
                chosen = result.product  # another product, named clearly
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
        names = {p.id: set(normalise(self.linker.speakable(p)).split()) for p in offered}
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
        """Answer a question about a product from its reviews and community answers.

        The Product and Query slots are read together as the words heard, so a product name
        split across them ("amazon" + "tap loud enough") or an aspect heard as a product
        ("battery") is understood as meant."""
        query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
        if state.pending is not None and state.pending.action == PICK_PRODUCT and (product_spoken or product_er_id) \
                and not query:
            return self.pick_product(state, "", product_spoken, product_er_id, user_id, progress)
        named = self._named(product_spoken, product_er_id)
        if product_spoken and not named and self.linker.find_mention(product_spoken) is None \
                and not self.linker.mentions(" ".join(f"{product_spoken} {query}".lower().split())) \
                and state.focus_product_id is None:
            resolved = self._resolve(state, product_spoken, product_er_id, query, "question")
            if isinstance(resolved, Reply):
                return resolved
        text = f"{product_spoken or ''} {query}".strip()
        # no Query heard ("is the echo show worth it"): the sample's own words asked for the overall
        # view, unless what was heard as the product is an aspect ("what about the alexa app")
        spoken_words = " ".join((product_spoken or "").lower().split())
        aspect_only = bool(aspects_in(spoken_words)) and not self.linker.mentions(spoken_words)
        act = Act.QUESTION if query or aspect_only else Act.SUMMARY
        return self.converse(state, text, act, product_spoken, product_er_id, user_id, progress,
                             verdict=act is Act.SUMMARY)

    def _search(self, query: str, product_id: str | None, k: int = SEARCH_K) -> list[Any]:
        """The best passages for `query`, from every listing of the product's family (or the
        whole catalog when `product_id` is None)."""
        product = self.linker.get(product_id) if product_id else None
        if product is None:
            return list(self._index().search(query, product_id=product_id, k=k))
        hits = [h for p in self.linker.listings(product) for h in self._index().search(query, product_id=p.id, k=k)]
        return sorted(hits, key=lambda h: -h.score)[:k]

    def _answer(
        self,
        state: DialogueState,
        product: Product,
        query: str,
        user_id: str | None,
        progress: Progress | None,
        aspects: Sequence[str] = (),
    ) -> Reply:
        started = time.monotonic()
        self._remember(user_id, product_id=product.id)
        name = self.linker.phrase(product)
        hits = self._search(query, product.id)
        focused = state.updated(focus_product_id=product.id, pending=None, chat=state.chat.paused())
        aspect_line: Say | None = None
        if aspects:
            counted = self._families.mentions(product, aspects[0])
            label = aspects[0]
            if counted.mentions == 0:
                return Reply(
                    speech=(Say("answers.aspect_none", {"product": name, "aspect": label}),
                            Say("answers.offer_community")),
                    reprompt=(Say("answers.offer_community"),),
                    state=focused.updated(
                        evidence=None,
                        pending=Pending(ASK_COMMUNITY, {"product_id": product.id, "question": query}),
                    ),
                )
            aspect_line = (
                Say("answers.aspect_stats_one", {"product": name, "aspect": label}) if counted.mentions == 1
                else Say(f"answers.aspect_stats.{counted.lean}",
                         {"product": name, "aspect": label, "count": counted.mentions})
            )
            about = [h for h in hits if about_aspect(aspects[0], h.text)]
            if not about:  # the words asked found nothing on the aspect: search the aspect itself
                about = [h for h in self._search(f"{label} {query}", product.id, SEARCH_K * 2)
                         if about_aspect(aspects[0], h.text)]
            hits = about + [h for h in hits if h not in about]
        answerable = is_answerable(hits) or (aspect_line is not None and is_answerable(hits, ANSWERABLE_DENSE - ASPECT_FLOOR))
        if not answerable:
            return Reply(
                speech=(Say("answers.unanswerable", {"product": name}), Say("answers.offer_community")),
                reprompt=(Say("answers.offer_community"),),
                state=focused.updated(
                    evidence=None,
                    pending=Pending(ASK_COMMUNITY, {"product_id": product.id, "question": query}),
                ),
            )
        evidence = evidence_from(query, hits, ANSWERABLE_DENSE - ASPECT_FLOOR if aspect_line else ANSWERABLE_DENSE)
        if aspect_line is not None:
            evidence = tuple(sorted(evidence, key=lambda e: not about_aspect(aspects[0], e.passage)))
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
        elif aspect_line is None:
            speech.append(Say(f"answers.tone.{tone(evidence) or 'qa'}", {"product": name}))
        if aspect_line is not None:
            speech.append(aspect_line)
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
                f"{query} ({self.linker.speakable(product)})",
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
            return self._summary.next_quote(state, product, cursor) or self._no_more(state.updated(evidence=None))
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

    def _summary_reply(self, state: DialogueState, product: Product, user_id: str | None,
                       verdict: bool = False) -> Reply:
        self._remember(user_id, product_id=product.id)
        return self._summary.summary(state, product, verdict=verdict)

    def summary_of(self, product: Product) -> Summary:
        """The summary of the product's family (the screen's rating bars draw it too)."""
        return self._families.summary(product)

    # --- social chat ------------------------------------------------------------------------
    def chat(
        self,
        state: DialogueState,
        utterance: str = "",
        user_id: str | None = None,
        yes_no: str = "",
        progress: Progress | None = None,
        meaning: Meaning | None = None,
    ) -> Reply:
        """One turn of social chat (ChatIntent, a free-form turn inside chat, or yes/no)."""
        utterance = " ".join((utterance or "").split())[:MAX_QUERY_CHARS]
        memory = self._memory.load(user_id)
        if meaning is None and utterance:
            meaning = understand(utterance, self.linker, state.focus_product_id, None, (), True)
        mentioned = meaning.products[0] if meaning is not None and meaning.products else self._mentioned(utterance)
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
            reviews_for=self._families.reviews_of,
            questions_for=self._store.questions_for,
            summary_for=self._families.summary,
            small_talk=small_talk if self._config.generator != "none" else (lambda _text: ""),
            # "bye" / "that's all", or a second "no" in a row: the user has had enough
            closing=wants_to_close(utterance) or (yes_no == "no" and state.chat.declines >= 1),
            yes_no=yes_no,
            statement=utterance if self._worth_picking_up(state, meaning, mentioned, topic_product) else "",
            asks_opinion=_opinion_topic(utterance) if meaning is not None and (
                meaning.act is Act.ASK_OPINION or (meaning.act is Act.STATEMENT and not PERSONAL.search(meaning.text))
            ) else "",
            nothing=meaning is not None and meaning.act in (Act.NOTHING, Act.THANKS),
            related=self._related,
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

    @staticmethod
    def _worth_picking_up(
        state: DialogueState, meaning: Meaning | None, mentioned: Product | None, topic: Product | None
    ) -> bool:
        """A statement the chat should answer in its own words: said in a sentence (a bare
        topic like "books" is an interest, left to the listener), naming no product, and not
        the opinion we just asked for about the product in the chat (acknowledged as such)."""
        if meaning is None or mentioned is not None or len(meaning.text.split()) < MIN_STATEMENT_WORDS:
            return False
        if meaning.act not in (Act.STATEMENT, Act.ASK_OPINION, Act.QUESTION):
            return False
        return not (state.chat.awaiting == "opinion" and topic is not None and reads_as_opinion(meaning.text, topic))

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
