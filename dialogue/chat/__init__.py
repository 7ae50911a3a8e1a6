"""Social chat: response generators propose candidates, a ranker picks by priority.

`chat_turn(ctx)` is the whole pipeline for one turn (policy -> generators -> ranker); it
returns what to say and how state and memory change, and does no I/O itself.
"""

from __future__ import annotations

from dialogue.chat.candidates import Candidate, ChatContext, ChatUpdate, Priority
from dialogue.chat.generators import GENERATORS
from dialogue.chat.policy import eligible, wants_to_close
from dialogue.chat.ranker import Ranked, rank

__all__ = ["Candidate", "ChatContext", "ChatUpdate", "Priority", "Ranked", "chat_turn", "rank", "wants_to_close"]


def chat_turn(ctx: ChatContext) -> Ranked:
    """Run every eligible generator on `ctx` and rank their candidates."""
    generators = eligible(ctx.closing)
    candidates = [c for _, fn in generators for c in fn(ctx)]
    return rank(candidates, ctx.state, [name for name, _ in GENERATORS])
