"""Ranking chat candidates by the documented priority policy (see Priority).

The main response is the fresh candidate with the highest priority; ties go to the
generator listed first in `GENERATORS`. An acknowledgement (a `prefix` candidate) may come
before it, unless the main response closes the chat. A candidate whose
key was already used this session is never chosen, so nothing is repeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.chat.candidates import Candidate
from dialogue.state import DialogueState


@dataclass(frozen=True)
class Ranked:
    """The chosen response and the acknowledgement spoken before it (if any)."""

    main: Candidate
    prefix: Candidate | None = None


def rank(candidates: Sequence[Candidate], state: DialogueState, order: Sequence[str]) -> Ranked:
    """Pick the best fresh candidate (and acknowledgement). `order` lists generator names
    for tie-breaking. Raises ValueError when there is no full candidate at all (the closer
    always proposes one, so this means a wiring bug)."""
    position = {name: i for i, name in enumerate(order)}

    def sort_key(c: Candidate) -> tuple[int, int]:
        return (-int(c.priority), position.get(c.generator, len(position)))

    fresh = [c for c in candidates if not state.said(c.key)]
    mains = sorted((c for c in fresh if not c.prefix), key=sort_key)
    if not mains:
        raise ValueError("no chat candidate to speak (the closer must always propose one)")
    main = mains[0]
    prefixes = sorted((c for c in fresh if c.prefix), key=sort_key)
    prefix = prefixes[0] if prefixes and not main.update.end_chat else None
    return Ranked(main, prefix)
