"""The replies that speak a product's reviews as a whole: its summary (and a verdict's value
line), the next quote after it, its complaints, a listing's own figures, and thanks.

The figures come from dialogue.family_view; the manager decides when each reply is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.answers import quote_from, tidy_for_voice
from dialogue.chat.generators import varied_reviews
from dialogue.family_view import FamilyView
from dialogue.linking import ProductLinker
from dialogue.reply import Reply, Say
from dialogue.state import MORE_EVIDENCE, DialogueState, EvidenceCursor, Pending
from dialogue.summaries import MAX_QUOTE_CHARS, sentence_polarity, spoken_list
from knowledge.index.passages import split_sentences
from knowledge.model import Product

MIN_VALUE_MENTIONS = 2  # reviews on the price a verdict needs before it speaks of value


@dataclass(frozen=True)
class SummaryReplies:
    """Replies built from a product family's figures and reviews."""

    _families: FamilyView
    linker: ProductLinker

    def summary(self, state: DialogueState, product: Product, verdict: bool = False) -> Reply:
        """Count, average, praised and criticised aspects and one quote; a verdict ("is it
        worth buying") also says how reviewers find its value, unless the aspects named it."""
        name = self.linker.phrase(product)
        summary = self._families.summary(product)
        focused = state.updated(
            focus_product_id=product.id, pending=None, evidence=None, chat=state.chat.paused()
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
        spoken = {a.term for a in (*summary.praised, *summary.criticised)}
        value = self._families.mentions(product, "price") if verdict and "price" not in spoken else None
        if value is not None and value.mentions >= MIN_VALUE_MENTIONS:
            speech.append(Say(f"summary.value.{value.lean}", {"count": value.mentions}))
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

    def next_quote(self, state: DialogueState, product: Product, cursor: EvidenceCursor) -> Reply | None:
        """"Another opinion" after a summary: the next varied quote (None when there is none)."""
        summary = self._families.summary(product)
        reviews = varied_reviews(self._families.reviews(product))
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
            return None
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

    def complaints(self, state: DialogueState, product: Product) -> Reply:
        """"What do people dislike about it": the most criticised aspects and an unhappy voice."""
        summary = self._families.summary(product)
        name = self.linker.phrase(product)
        speech: list[Say] = []
        if summary.criticised:
            speech.append(Say("summary.complaints", {"aspects": spoken_list([a.term for a in summary.criticised])}))
        else:
            speech.append(Say("answers.complaints_few", {"product": name}))
        unhappy = [r for r in self._families.reviews(product) if r.rating <= 3]
        for review in unhappy:
            quote = quote_from("problem issue disappointed but wish not", review.text)
            if 30 <= len(quote) <= MAX_QUOTE_CHARS:
                speech.append(Say("answers.quote_rated", {"stars": review.rating, "quote": quote}))
                break
        if not speech:
            speech.append(Say("answers.tone.positive", {"product": name}))
        speech.append(Say("anything_else.prompt"))
        return Reply(
            speech=tuple(speech),
            reprompt=(Say("anything_else.reprompt"),),
            state=state.updated(focus_product_id=product.id, pending=None, evidence=None, chat=state.chat.paused()),
        )

    def listing(self, state: DialogueState, product: Product, listings: Sequence[Product], variant: str) -> Reply:
        """"What about the 32 GB one": the figures of the listings with that variant, beside
        their family's."""
        parts = [self._families.store.product_stats(p.id) for p in listings]
        count = sum(p.review_count for p in parts)
        total = sum(p.review_count * float(p.average_rating or 0) for p in parts)
        values = {"variant": variant, "product": self.linker.phrase(product), "count": count,
                  "family_count": self._families.stats(product).review_count}
        if count:
            speech = Say("summary.listing", {**values, "rating": round(total / count, 1)})
        else:
            speech = Say("summary.listing_none", values)
        focus, _ = max(zip(listings, parts), key=lambda pair: pair[1].review_count)
        return Reply(
            speech=(speech, Say("anything_else.prompt")),
            reprompt=(Say("anything_else.reprompt"),),
            state=state.updated(focus_product_id=focus.id, pending=None, evidence=None, chat=state.chat.paused()),
        )

    def thanks(self, state: DialogueState) -> Reply:
        """"Cool, thanks": welcome it, and offer more on the product in focus."""
        product = self.linker.get(state.focus_product_id) if state.focus_product_id else None
        speech = Say("thanks.product", {"product": self.linker.phrase(product)}) if product else Say("thanks.reply")
        return Reply(speech=(speech,), reprompt=(Say("anything_else.reprompt"),),
                     state=state.updated(pending=None, evidence=None))
