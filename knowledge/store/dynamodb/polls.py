"""Polls and votes: polls `POLL#<id>` / `POLL` (listed through GSI1 `POLLS`) with their votes in
the same partition (`VOTE#<user>`, one per user, so a re-vote replaces the old one), found per
voter through GSI3.

A vote is one transaction: the poll must exist, the vote is put, and a pending request claim
(if any) is written with it. Polls are written over the version read; options two writers add
at once are both kept."""

from __future__ import annotations

from typing import Any

from knowledge.model import Poll, PollOption, Vote
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import Item, item_key, key
from knowledge.store.dynamodb.guard import StoreUnavailable
from knowledge.store.dynamodb.writes import AtomicWrites, Cancelled, StoreConflict
from knowledge.store.validation import check_poll


class PollPart(AtomicWrites):
    """Storing and listing polls, casting and listing votes."""

    def put_poll(self, poll: Poll) -> None:
        check_poll(poll)
        self._put_versioned(poll_item(poll), lambda i: poll_item(read_poll(i)), f"poll {poll.id}", merge=merge_options)

    def get_poll(self, poll_id: str) -> Poll | None:
        item = self._get(f"POLL#{poll_id}", "POLL")
        return read_poll(self._remember(item)) if item else None

    def list_polls(self) -> list[Poll]:
        polls = [read_poll(self._remember(i)) for i in self._query("GSI1", "POLLS")]
        return sorted(polls, key=lambda p: (p.created_at, p.id))

    def put_vote(self, vote: Vote) -> None:
        item = {
            "PK": f"POLL#{vote.poll_id}",
            "SK": f"VOTE#{vote.user_id}",
            "GSI3PK": f"VOTER#{vote.user_id}",
            "GSI3SK": vote.poll_id,
            "type": "vote",
            "poll_id": vote.poll_id,
            "user_id": vote.user_id,
            "option_id": vote.option_id,
            "cast_at": vote.cast_at,
        }
        try:
            self._transact(
                [
                    {
                        "ConditionCheck": {
                            "TableName": self.table_name,
                            "Key": key(f"POLL#{vote.poll_id}", "POLL"),
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                    {"Put": {"TableName": self.table_name, "Item": item}},
                ]
            )
        except Cancelled as exc:
            if exc.failed(0):
                raise StoreError(
                    f"vote of user {vote.user_id}: field 'poll_id' names unknown poll {vote.poll_id!r}"
                ) from exc
            # throttled, or a transaction on the same items at the same moment: worth a retry
            raise StoreUnavailable(f"vote of user {vote.user_id} on poll {vote.poll_id!r} not stored: {exc}") from exc

    def votes_for(self, poll_id: str) -> list[Vote]:
        return [
            Vote(i["poll_id"], i["user_id"], i["option_id"], i["cast_at"])
            for i in self._query(None, f"POLL#{poll_id}", "VOTE#")
        ]

    def delete_votes_of(self, user_id: str) -> int:
        return self._batch_delete(item_key(i) for i in self._query("GSI3", f"VOTER#{user_id}"))


def read_poll(i: Item) -> Poll:
    """The poll an item holds."""
    return Poll(
        id=i["id"],
        question=i["question"],
        options=tuple(PollOption(o["id"], o["text"]) for o in i.get("options", [])),
        ends_at=i["ends_at"],
        open_ended=bool(i["open_ended"]),
        created_at=i["created_at"],
    )


def poll_item(poll: Poll) -> Item:
    """The item of a poll."""
    return {
        "PK": f"POLL#{poll.id}",
        "SK": "POLL",
        "GSI1PK": "POLLS",
        "GSI1SK": f"{poll.created_at}#{poll.id}",
        "type": "poll",
        "id": poll.id,
        "question": poll.question,
        "options": [{"id": o.id, "text": o.text} for o in poll.options],
        "ends_at": poll.ends_at,
        "open_ended": poll.open_ended,
        "created_at": poll.created_at,
    }


def merge_options(attribute: str, before: Any, mine: Any, theirs: Any) -> Any:
    """Two writers changed a poll at once: options either added are all kept (theirs first);
    any other field is a conflict."""
    if attribute != "options":
        raise StoreConflict(f"poll: field '{attribute}' was changed by another writer at the same time")
    known = {o["id"] for o in theirs}
    return [*theirs, *(o for o in mine if o["id"] not in known)]
