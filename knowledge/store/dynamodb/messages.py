"""Messages: items `MSG#<id>` / `MSG`, in the recipient's inbox through GSI1, the sender's
outbox through GSI3, and (only while reported) the moderators' queue through GSI2 `REPORTED`.

A new message is written in one transaction with its request claim (if any) and the sender's
counter for the clock hour (`USER#<sender>` / `SENT#<hour>`, expiring after two hours), whose
condition caps the hour at `MESSAGES_PER_HOUR` across every container: the skill's own check
reads an eventually consistent index, so two containers could otherwise both let a burst
through. Updates (read, deleted, reported) are conditional on the version read."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timezone

from knowledge.model import Message
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import Item, item_key, key
from knowledge.store.dynamodb.guard import StoreUnavailable
from knowledge.store.dynamodb.writes import AtomicWrites, Cancelled
from knowledge.store.validation import check_message

MESSAGES_PER_HOUR = 30  # the hard cap; knowledge.moderation.ratelimit.MESSAGE_LIMIT is the policy
SENT_COUNTER_TTL_S = 2 * 3600


class RateLimited(StoreError):
    """The sender already sent MESSAGES_PER_HOUR messages in this clock hour."""


class MessagePart(AtomicWrites):
    """Sending, listing, updating and deleting messages."""

    def put_message(self, message: Message) -> bool:
        check_message(message)
        item = message_item(message)
        self._check_sizes([item])
        try:
            return self._transact(
                [
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": {**item, "ver": 1},
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    self._count_sent(message),
                ]
            )
        except Cancelled as exc:
            if exc.failed(0):
                return False  # stored before: a retry
            if exc.failed(1):
                raise RateLimited(
                    f"message {message.id}: user {message.sender_id} already sent {MESSAGES_PER_HOUR} messages this hour"
                ) from exc
            raise StoreUnavailable(f"message {message.id} not stored: {exc}") from exc

    def _count_sent(self, message: Message) -> dict[str, object]:
        """The Update that counts one more message of the sender in its clock hour."""
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": key(f"USER#{message.sender_id}", f"SENT#{sent_hour(message.created_at)}"),
                "UpdateExpression": "ADD sent :one SET expires_at = if_not_exists(expires_at, :expires)",
                "ConditionExpression": "attribute_not_exists(sent) OR sent < :cap",
                "ExpressionAttributeValues": {
                    ":one": 1,
                    ":cap": MESSAGES_PER_HOUR,
                    ":expires": int(time.time()) + SENT_COUNTER_TTL_S,
                },
            }
        }

    def get_message(self, message_id: str) -> Message | None:
        item = self._get(f"MSG#{message_id}", "MSG")
        return read_message(self._remember(item)) if item else None

    def messages_to(self, recipient_id: str, unread_only: bool = False) -> list[Message]:
        found = self._by_time(self._query("GSI1", f"INBOX#{recipient_id}"))
        return [m for m in found if not m.deleted_by_recipient and not (unread_only and m.read)]

    def messages_between(self, user_a: str, user_b: str) -> list[Message]:
        a_to_b = [i for i in self._query("GSI1", f"INBOX#{user_b}") if i["sender_id"] == user_a]
        b_to_a = [i for i in self._query("GSI1", f"INBOX#{user_a}") if i["sender_id"] == user_b]
        return self._by_time(a_to_b + b_to_a)

    def reported_messages(self) -> list[Message]:
        return self._by_time(i for i in self._full_items(self._query("GSI2", "REPORTED")) if i.get("GSI2PK") == "REPORTED")

    def _by_time(self, items: Iterable[Item]) -> list[Message]:
        return by_time(self._remember(i) for i in items)

    def update_message(self, message: Message) -> None:
        check_message(message)
        item = message_item(message)
        self._check_sizes([item])
        self._put_versioned(
            item, lambda i: message_item(read_message(i)), f"message {message.id}", must_exist=True
        )

    def delete_messages_of(self, user_id: str) -> int:
        keys = [item_key(i) for i in self._query("GSI1", f"INBOX#{user_id}")]
        keys += [item_key(i) for i in self._query("GSI3", f"OUTBOX#{user_id}")]
        return self._batch_delete(keys)


def message_item(m: Message) -> Item:
    """The item of a message (GSI2 keys only while it is reported)."""
    item: Item = {
        "PK": f"MSG#{m.id}",
        "SK": "MSG",
        "GSI1PK": f"INBOX#{m.recipient_id}",
        "GSI1SK": f"{m.created_at}#{m.id}",
        "GSI3PK": f"OUTBOX#{m.sender_id}",
        "GSI3SK": f"{m.created_at}#{m.id}",
        "type": "message",
        "id": m.id,
        "sender_id": m.sender_id,
        "recipient_id": m.recipient_id,
        "text": m.text,
        "created_at": m.created_at,
        "read": m.read,
        "deleted_by_recipient": m.deleted_by_recipient,
        "reported": m.reported,
    }
    if m.reported:
        item["GSI2PK"] = "REPORTED"
        item["GSI2SK"] = f"{m.created_at}#{m.id}"
    return item


def read_message(i: Item) -> Message:
    """The message an item holds."""
    return Message(
        id=i["id"],
        sender_id=i["sender_id"],
        recipient_id=i["recipient_id"],
        text=i["text"],
        created_at=i["created_at"],
        read=bool(i["read"]),
        deleted_by_recipient=bool(i["deleted_by_recipient"]),
        reported=bool(i["reported"]),
    )


def by_time(items: Iterable[Item]) -> list[Message]:
    """The messages of the items, oldest first (ties by id)."""
    return sorted((read_message(i) for i in items), key=lambda m: (m.created_at, m.id))


def sent_hour(created_at: str) -> str:
    """The UTC clock hour ("2024-03-01T10") a message's timestamp falls in."""
    try:
        when = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return created_at[:13]
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H")
