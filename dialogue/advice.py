"""Recommendations and comparisons, spoken from review evidence.

`Advisor` answers a need ("what speaker is good for music") with one to three products whose
reviews best support it, each with its figures and the first with a short quote, then offers
to go deeper; and a comparison with both products' figures and what reviewers of each say
about the thing asked. Nothing is recommended without evidence; with none, it says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dialogue.answers import evidence_from, quote_from
from dialogue.aspect_evidence import about_aspect
from dialogue.linking import product_phrase, speakable_name
from dialogue.recommend import matches_type, pick_products, type_words
from dialogue.reply import Reply, Say, Visual, VisualItem
from dialogue.state import DialogueState, Pending
from dialogue.understanding import Meaning, second_person
from knowledge.model import Product
from knowledge.store.base import ProductStats

CATALOG_K = 60  # passages searched across the catalog for a need
COMPARE_K = 6
_NEED_LEAD = re.compile(
    r"^(?:i need|i want|i'?m looking for|i am looking for|looking for|what would you recommend|what do you recommend|"
    r"can you recommend|could you recommend|recommend|suggest|what'?s|what is|help me find|i'?d like|do you have)\s+"
)


def need_phrase(meaning: Meaning) -> str:
    """The need in the person's own words, without the request around it ("to help me sleep")."""
    text = meaning.text
    lead = _NEED_LEAD.match(text)
    if lead is None:
        return ""
    need = re.sub(r"^(?:for|me)\s+", "", text[lead.end():])
    return second_person(need)


class Advisor:
    """Builds recommendation and comparison replies from the catalog and the index."""

    def __init__(
        self,
        search: Callable[[str, str | None, int], Sequence[Any]],
        products: Callable[[], Sequence[Product]],
        stats: Callable[[Product], ProductStats],
        category_words: Callable[[Product], Iterable[str]],
        pick_action: str,
        group_of: Callable[[str], str] = lambda pid: pid,
        phrase: Callable[[Product], str] = product_phrase,
        speakable: Callable[[Product], str] = speakable_name,
    ) -> None:
        self._group_of = group_of
        self._phrase = phrase  # "the Fire HD 8": the family's name where it has one
        self._speakable = speakable
        self._search = search
        self._products = products
        self._stats = stats
        self._category_words = category_words
        self._pick_action = pick_action

    def recommend(self, state: DialogueState, meaning: Meaning) -> Reply:
        need = need_phrase(meaning)
        products = self._products()
        wanted = type_words(meaning.text, products, self._category_words)
        hits = self._search(meaning.text, None, CATALOG_K)
        picks = pick_products(meaning.text, hits, products,
                              lambda p: matches_type(p, wanted, self._category_words), self._group_of)
        if not picks and wanted:  # the type word was too narrow: any product with evidence
            picks = pick_products(meaning.text, hits, products, lambda p: True, self._group_of)
        picks = [p for p in picks if self._stats(p.product).review_count > 0]
        if not picks:
            return Reply(
                speech=(Say("advice.none", {"need": need}), Say("advice.none_offer")),
                reprompt=(Say("advice.none_offer"),),
                state=state.updated(pending=None, evidence=None),
            )
        first = picks[0]
        speech = [self._head(first.product, need)]
        if first.quote:
            key = "advice.quote_qa" if first.kind == "qa" else "advice.quote"
            speech.append(Say(key, {"quote": first.quote}))
        for n, other in enumerate(picks[1:]):
            stats = self._stats(other.product)
            speech.append(Say("advice.also" if n == 0 else "advice.also_2", {"product": self._phrase(other.product),
                                              "rating": round(float(stats.average_rating or 0), 1),
                                              "count": stats.review_count}))
        speech.append(Say("advice.offer", {"product": self._phrase(first.product)}))
        ids = ",".join(p.product.id for p in picks)
        items = []
        for pick in picks:
            stats = self._stats(pick.product)
            items.append(VisualItem(pick.product.id, self._speakable(pick.product),
                                    f"{round(float(stats.average_rating or 0), 1)} stars, {stats.review_count} reviews"))
        return Reply(
            speech=tuple(speech),
            visual=Visual(kind="recommendations", title=need or meaning.text, items=tuple(items)),
            reprompt=(Say("advice.offer", {"product": self._phrase(first.product)}),),
            state=state.updated(focus_product_id=first.product.id, evidence=None,
                                pending=Pending(self._pick_action, {"ids": ids, "then": "summary", "q": ""})),
        )

    def _head(self, product: Product, need: str) -> Say:
        stats = self._stats(product)
        return Say("advice.head" if need else "advice.head_plain", {"need": need, "product": self._phrase(product),
                                   "rating": round(float(stats.average_rating or 0), 1),
                                   "count": stats.review_count})

    def compare(self, state: DialogueState, meaning: Meaning) -> Reply:
        first, second = meaning.products[:2]
        a, b = self._stats(first), self._stats(second)
        speech = [Say("compare.figures", {
            "a": self._phrase(first), "rating_a": round(float(a.average_rating or 0), 1), "count_a": a.review_count,
            "b": self._phrase(second), "rating_b": round(float(b.average_rating or 0), 1), "count_b": b.review_count,
        })]
        topic_words = meaning.query.replace("which is better", "").replace("is better than", "")
        topic_words = " ".join(w for w in topic_words.split() if w not in {"the", "or", "and", "is", "than"})
        topic = meaning.aspects[0] if meaning.aspects else (topic_words or "the basics")
        question = topic_words or topic
        for product in (first, second):
            evidence = evidence_from(question, self._search(question, product.id, COMPARE_K), 0.3)
            relevant = [e for e in evidence if not meaning.aspects or about_aspect(meaning.aspects[0], e.passage)]
            chosen = (relevant or list(evidence))[:1]
            if chosen:
                quote = quote_from(question, chosen[0].passage) if chosen[0].kind == "review" else chosen[0].quote
                speech.append(Say("compare.quote", {"topic": topic, "product": self._phrase(product), "quote": quote}))
            else:
                speech.append(Say("compare.silent", {"product": self._phrase(product), "topic": topic}))
        speech.append(Say("compare.offer"))
        return Reply(
            speech=tuple(speech),
            reprompt=(Say("compare.offer"),),
            state=state.updated(evidence=None, focus_product_id=first.id,
                                pending=Pending(self._pick_action, {"ids": f"{first.id},{second.id}",
                                                                    "then": "summary", "q": ""})),
        )
