"""Chat that responds: pick up what the person said, then follow on from it.

A statement ("my dog keeps shedding everywhere") is first acknowledged in the person's own
words, turned to the second person ("so your dog keeps shedding everywhere"), then answered
with something that follows from it: what a customer in the same situation said about a
product of the catalog (a review or community answer found by searching the statement). What
they told us is remembered, and when they have nothing to say later ("i don't know") it comes
back ("earlier you told me you're learning to cook") with something new on it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from dialogue.chat.candidates import Candidate, ChatContext, ChatUpdate, Priority
from dialogue.linking import product_phrase
from dialogue.reply import Say
from dialogue.understanding import second_person
from knowledge.model import Product

HEARD_KEYS = ("chat.heard.statement", "chat.heard.statement_2", "chat.heard.statement_3", "chat.heard.statement_4")
ASK_KEYS = ("chat.related.ask", "chat.related.ask_2", "chat.related.ask_3")
@dataclass(frozen=True)
class Related:
    """A passage of the catalog that follows from what the person said."""

    product: Product
    quote: str
    stars: int | None
    kind: str  # "review" or "qa"
    source_id: str


def _variant(keys: tuple[str, ...], text: str, turn: int) -> str:
    digest = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:6], 16)
    return keys[(digest + turn) % len(keys)]


def respond(ctx: ChatContext) -> list[Candidate]:
    """Acknowledge a statement (prefix) and follow on from it (main), or bring back what the
    person told us earlier when they have nothing to say."""
    turn = ctx.chat.turns
    if ctx.statement:
        echo = second_person(ctx.statement)
        topic_text = ctx.statement
        key = "chat.heard.opinion_question" if ctx.asks_opinion else _variant(HEARD_KEYS, echo, turn)
        params = {"topic": ctx.asks_opinion} if ctx.asks_opinion else {"echo": echo}
        prefix = Candidate("respond", Priority.FORCE, f"heard:{turn}", (Say(key, params),), prefix=True)
        remember = None if ctx.asks_opinion else ctx.statement[:60]
        out = [prefix]
    elif ctx.nothing:
        recalled = [i for i in reversed(ctx.memory.interests) if len(i.split()) >= 3 and ctx.fresh(f"recalled:{i}")]
        if not recalled:
            return []
        topic_text = recalled[0]
        out = [Candidate("respond", Priority.FORCE, f"recalled:{topic_text}",
                         (Say("chat.recall_interest", {"interest": second_person(topic_text)}),), prefix=True)]
        remember = None
    else:
        return []
    for related in ctx.related(topic_text):
        key = f"related:{related.product.id}:{related.source_id}"
        if not ctx.fresh(key):
            continue
        name = product_phrase(related.product)
        said = (Say("chat.related_qa", {"product": name, "quote": related.quote}) if related.kind == "qa"
                else Say("chat.related", {"product": name, "stars": related.stars or 0, "quote": related.quote}))
        out.append(Candidate(
            "respond", Priority.ANSWER, key, (said, Say(_variant(ASK_KEYS, key, turn))),
            ChatUpdate(topic=name, topic_product_id=related.product.id, awaiting="opinion",
                       remember_interest=remember, remember_product=related.product.id),
        ))
        break
    return out
