"""Which response generators may speak this turn, and whether the user wants to stop.

The policy is a pure function of the turn: a user who says goodbye to the chat ("that's
all", "stop chatting", "bye") gets only the closer; otherwise every generator may propose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.chat.generators import GENERATORS, GeneratorFn

_CLOSING = re.compile(
    r"\b(?:bye|goodbye|good night|see you|talk (?:to you )?later|that'?s all|that is all|"
    r"i'?m done|i am done|stop chatting|enough chat\w*|no more chat\w*|end (?:the )?chat|"
    r"i have to go|i need to go|gotta go)\b",
    re.IGNORECASE,
)


def wants_to_close(utterance: str) -> bool:
    """True when the user is taking leave of the chat."""
    return bool(_CLOSING.search(utterance or ""))


def eligible(closing: bool) -> Sequence[tuple[str, GeneratorFn]]:
    """The generators allowed to propose this turn, in tie-break order."""
    if closing:
        return tuple((name, fn) for name, fn in GENERATORS if name == "close")
    return GENERATORS
