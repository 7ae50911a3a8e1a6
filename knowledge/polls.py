"""Poll tallies: votes counted per option, the winner, and whether a poll is still open.

Shared by the content team's CLI (`poll results`) and the skill (voting, announcing the
winner), so both always count the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from knowledge.model import Poll, PollOption
from knowledge.store.base import Store


@dataclass(frozen=True)
class OptionCount:
    option: PollOption
    votes: int


@dataclass(frozen=True)
class PollTally:
    """A poll with its vote counts, options in the poll's order."""

    poll: Poll
    counts: tuple[OptionCount, ...]

    @property
    def total(self) -> int:
        return sum(c.votes for c in self.counts)

    @property
    def winner(self) -> OptionCount | None:
        """The option with the most votes (None without votes or on a tie for first)."""
        ranked = sorted(self.counts, key=lambda c: -c.votes)
        if not ranked or ranked[0].votes == 0 or (len(ranked) > 1 and ranked[1].votes == ranked[0].votes):
            return None
        return ranked[0]

    def to_json(self, now: datetime) -> dict[str, object]:
        winner = self.winner
        return {
            "id": self.poll.id,
            "question": self.poll.question,
            "ends_at": self.poll.ends_at,
            "open": is_open(self.poll, now),
            "open_ended": self.poll.open_ended,
            "total_votes": self.total,
            "options": [{"id": c.option.id, "text": c.option.text, "votes": c.votes} for c in self.counts],
            "winner": winner.option.text if winner else None,
        }


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_open(poll: Poll, now: datetime) -> bool:
    """Votes are taken until `ends_at`."""
    return now < parse_time(poll.ends_at)


def tally(store: Store, poll: Poll) -> PollTally:
    votes: dict[str, int] = {}
    for vote in store.votes_for(poll.id):
        votes[vote.option_id] = votes.get(vote.option_id, 0) + 1
    return PollTally(poll, tuple(OptionCount(o, votes.get(o.id, 0)) for o in poll.options))
