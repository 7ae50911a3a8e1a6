"""A Reply's visual: the one dialogue/ set, or one derived from what the reply says (its
Say keys and parameters) plus the store, for the replies whose data is all there: review
summaries (product, stars, count, quote), answers (quote and attribution), poll questions
(options) and vote confirmations (results), and message reading (the sender's handle)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from dialogue.reply import Reply, Say, Visual, VisualItem
from dialogue.state import DialogueState
from knowledge.model import Poll
from knowledge.store.base import Store
from skill.apl.text import label

_MESSAGE = ("social.read.one", "social.read.latest")
_SUMMARY_HEAD = ("summary.head", "summary.head_one")
_QUOTES = ("summary.quote", "answers.quote_rated", "answers.quote", "answers.quote_qa")
_POLL_QUESTION = "social.poll.question"
_POLL_VOTED = ("social.poll.voted", "social.poll.changed")
_POLL_VOTE = "poll_vote"  # dialogue.social.polls.POLL_VOTE: pending data {"poll_id"}


def _first(reply: Reply, keys: tuple[str, ...]) -> Say | None:
    return next((s for s in reply.speech if s.key in keys), None)


def _number(params: Mapping[str, Any], name: str) -> float | None:
    try:
        return float(params[name])
    except (KeyError, TypeError, ValueError):
        return None


def _attribution(say: Say, locale: str) -> str:
    if say.key == "answers.quote_qa":
        return label(locale, "community_answer")
    stars = _number(say.params, "stars")
    return label(locale, "review_stars", stars=f"{stars:g}") if stars is not None else label(locale, "reviewer")


def _product_of(reply: Reply) -> str:
    return next((str(s.params["product"]) for s in reply.speech if "product" in s.params), "")


def _poll_items(poll: Poll, store: Store, with_results: bool, locale: str) -> tuple[VisualItem, ...]:
    votes = Counter(v.option_id for v in store.votes_for(poll.id)) if with_results else Counter()
    total = sum(votes.values())
    return tuple(
        VisualItem(o.id, o.text, label(locale, "votes", count=votes[o.id]) if with_results else "",
                   votes[o.id] / total if with_results and total else (0.0 if with_results else None))
        for o in poll.options
    )


def _voted_poll(store: Store, state: DialogueState, option: str) -> Poll | None:
    pending = state.pending
    if pending is not None and pending.action == _POLL_VOTE:
        poll = store.get_poll(pending.data.get("poll_id", ""))
        if poll is not None:
            return poll
    wanted = option.strip().lower()
    return next((p for p in store.list_polls() if any(o.text.lower() == wanted for o in p.options)), None)


AspectBars = Callable[[str], tuple[tuple[str, float], ...]]


def no_bars(product_id: str) -> tuple[tuple[str, float], ...]:
    return ()


def summary_bars(summary: Any) -> tuple[tuple[str, float], ...]:
    """Aspect bars of a dialogue.summaries.Summary: each praised or criticised aspect with
    the share of its mentions that are positive."""
    aspects = [*summary.praised, *summary.criticised]
    return tuple((a.term, a.positive / (a.positive + a.negative)) for a in aspects if a.positive + a.negative)


def visual_of(
    reply: Reply, store: Store, state: DialogueState, locale: str = "en-US", bars: AspectBars = no_bars
) -> Visual | None:
    """See the module docstring; `state` is the dialogue state the turn started with, `bars`
    gives a product's aspect bars (the dialogue manager's summary)."""
    if reply.visual is not None:
        return reply.visual
    message = next((s for s in reversed(reply.speech) if s.key in _MESSAGE and "name" in s.params), None)
    if message is not None:
        return Visual("message", title=str(message.params["name"]), text=str(message.params.get("text", "")),
                      attribution=str(message.params["name"]))
    head, quote = _first(reply, _SUMMARY_HEAD), _first(reply, _QUOTES)
    if head is not None:
        count = _number(head.params, "count")
        focus = (reply.state or state).focus_product_id
        product = store.get_product(focus) if focus else None
        title = product.name if product is not None else str(head.params.get("product", ""))
        return Visual("summary", title=title, rating=_number(head.params, "rating"),
                      count=int(count) if count is not None else 1, bars=bars(focus) if focus else (),
                      text=str(quote.params.get("quote", "")) if quote else "",
                      attribution=_attribution(quote, locale) if quote else "")
    if quote is not None:
        return Visual("answer", title=_product_of(reply), text=str(quote.params.get("quote", "")),
                      attribution=_attribution(quote, locale))
    asked = _first(reply, (_POLL_QUESTION,))
    if asked is not None:
        text = str(asked.params.get("question", "")).rstrip("?").strip().lower()
        poll = next((p for p in store.list_polls() if p.question.rstrip("?").strip().lower() == text), None)
        if poll is not None:
            return Visual("poll", title=poll.question, items=_poll_items(poll, store, with_results=False, locale=locale))
    voted = _first(reply, _POLL_VOTED)
    if voted is not None:
        poll = _voted_poll(store, state, str(voted.params.get("option", "")))
        if poll is not None:
            return Visual("poll", title=poll.question, items=_poll_items(poll, store, with_results=True, locale=locale))
    return None
