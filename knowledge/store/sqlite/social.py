"""Users, friendships, messages, polls, memory, request claims and metadata in SQLite."""

from __future__ import annotations

import json
from typing import Any

from knowledge.model import (
    Friendship,
    FriendshipStatus,
    Message,
    Poll,
    User,
    UserMemory,
    Vote,
)
from knowledge.store.base import StoreError
from knowledge.store.sqlite.connection import SQLiteBase
from knowledge.store.sqlite.rows import message_columns, message_of, poll_of, user_of
from knowledge.store.sqlite.schema import now_iso
from knowledge.store.validation import (
    check_friendship,
    check_message,
    check_poll,
    check_user,
    lookup_key,
)


class SocialPart(SQLiteBase):
    """What people do together: users, friends, messages, polls, and per-user memory."""

    def put_user(self, user: User) -> None:
        check_user(user)
        with self.transaction() as conn:
            clash = conn.execute(
                "SELECT id, alexa_user_hash, handle_key, friend_code_key FROM users WHERE id != ?"
                " AND (alexa_user_hash = ? OR handle_key = ? OR friend_code_key = ?)",
                (user.id, user.alexa_user_hash, lookup_key(user.handle), lookup_key(user.friend_code)),
            ).fetchone()
            if clash is not None:
                field = (
                    "handle"
                    if clash["handle_key"] == lookup_key(user.handle)
                    else "friend_code"
                    if clash["friend_code_key"] == lookup_key(user.friend_code)
                    else "alexa_user_hash"
                )
                raise StoreError(f"user {user.id}: field '{field}' already belongs to user {clash['id']}")
            conn.execute(
                "INSERT INTO users (id, alexa_user_hash, handle, handle_key, friend_code,"
                " friend_code_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET alexa_user_hash = excluded.alexa_user_hash,"
                " handle = excluded.handle, handle_key = excluded.handle_key,"
                " friend_code = excluded.friend_code, friend_code_key = excluded.friend_code_key,"
                " created_at = excluded.created_at",
                (
                    user.id,
                    user.alexa_user_hash,
                    user.handle,
                    lookup_key(user.handle),
                    user.friend_code,
                    lookup_key(user.friend_code),
                    user.created_at,
                ),
            )

    def _user_where(self, where: str, value: str) -> User | None:
        rows = self._query(f"SELECT * FROM users WHERE {where} = ?", (value,))
        return user_of(rows[0]) if rows else None

    def get_user(self, user_id: str) -> User | None:
        return self._user_where("id", user_id)

    def user_by_alexa_hash(self, alexa_user_hash: str) -> User | None:
        return self._user_where("alexa_user_hash", alexa_user_hash)

    def user_by_friend_code(self, friend_code: str) -> User | None:
        return self._user_where("friend_code_key", lookup_key(friend_code))

    def user_by_handle(self, handle: str) -> User | None:
        return self._user_where("handle_key", lookup_key(handle))

    def delete_user(self, user_id: str) -> bool:
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM friendships WHERE user_id = ? OR other_id = ?", (user_id, user_id)
            )
            return conn.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount > 0

    def put_friendship(self, friendship: Friendship) -> None:
        check_friendship(friendship)
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO friendships (user_id, other_id, status, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id, other_id) DO UPDATE SET status = excluded.status,"
                " created_at = excluded.created_at",
                (friendship.user_id, friendship.other_id, friendship.status.value, friendship.created_at),
            )

    def friendships_of(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships("user_id", user_id, status)

    def friendships_to(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships("other_id", user_id, status)

    def _friendships(self, column: str, user_id: str, status: FriendshipStatus | None) -> list[Friendship]:
        sql = f"SELECT * FROM friendships WHERE {column} = ?"
        params: list[Any] = [user_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        rows = self._query(sql + " ORDER BY user_id, other_id", params)
        return [
            Friendship(r["user_id"], r["other_id"], FriendshipStatus(r["status"]), r["created_at"])
            for r in rows
        ]

    def delete_friendship(self, user_id: str, other_id: str) -> bool:
        return self._update(
            "DELETE FROM friendships WHERE user_id = ? AND other_id = ?", (user_id, other_id)
        )

    # --- messages --------------------------------------------------------------------------
    def put_message(self, message: Message) -> bool:
        check_message(message)
        with self.transaction() as conn:
            return (
                conn.execute(
                    "INSERT INTO messages (id, sender_id, recipient_id, text, created_at, read,"
                    " deleted_by_recipient, reported) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO NOTHING",
                    message_columns(message),
                ).rowcount
                > 0
            )

    def get_message(self, message_id: str) -> Message | None:
        rows = self._query("SELECT * FROM messages WHERE id = ?", (message_id,))
        return message_of(rows[0]) if rows else None

    def messages_to(self, recipient_id: str, unread_only: bool = False) -> list[Message]:
        sql = "SELECT * FROM messages WHERE recipient_id = ? AND deleted_by_recipient = 0"
        if unread_only:
            sql += " AND read = 0"
        return [message_of(r) for r in self._query(sql + " ORDER BY created_at, id", (recipient_id,))]

    def messages_between(self, user_a: str, user_b: str) -> list[Message]:
        rows = self._query(
            "SELECT * FROM messages WHERE (sender_id = ? AND recipient_id = ?)"
            " OR (sender_id = ? AND recipient_id = ?) ORDER BY created_at, id",
            (user_a, user_b, user_b, user_a),
        )
        return [message_of(r) for r in rows]

    def reported_messages(self) -> list[Message]:
        rows = self._query("SELECT * FROM messages WHERE reported = 1 ORDER BY created_at, id")
        return [message_of(r) for r in rows]

    def update_message(self, message: Message) -> None:
        check_message(message)
        with self.transaction() as conn:
            changed = conn.execute(
                "UPDATE messages SET sender_id = ?, recipient_id = ?, text = ?, created_at = ?,"
                " read = ?, deleted_by_recipient = ?, reported = ? WHERE id = ?",
                (*message_columns(message)[1:], message.id),
            ).rowcount
            if not changed:
                raise StoreError(f"message {message.id}: no such message to update")

    def delete_messages_of(self, user_id: str) -> int:
        with self.transaction() as conn:
            return conn.execute(
                "DELETE FROM messages WHERE sender_id = ? OR recipient_id = ?", (user_id, user_id)
            ).rowcount

    # --- polls -----------------------------------------------------------------------------
    def put_poll(self, poll: Poll) -> None:
        check_poll(poll)
        options = json.dumps([[o.id, o.text] for o in poll.options])
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO polls (id, question, options, ends_at, open_ended, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " question = excluded.question, options = excluded.options,"
                " ends_at = excluded.ends_at, open_ended = excluded.open_ended,"
                " created_at = excluded.created_at",
                (poll.id, poll.question, options, poll.ends_at, int(poll.open_ended), poll.created_at),
            )

    def get_poll(self, poll_id: str) -> Poll | None:
        rows = self._query("SELECT * FROM polls WHERE id = ?", (poll_id,))
        return poll_of(rows[0]) if rows else None

    def list_polls(self) -> list[Poll]:
        return [poll_of(r) for r in self._query("SELECT * FROM polls ORDER BY created_at, id")]

    def put_vote(self, vote: Vote) -> None:
        with self.transaction() as conn:
            if not self._existing("polls", "id", [vote.poll_id]):
                raise StoreError(f"vote of user {vote.user_id}: field 'poll_id' names unknown poll {vote.poll_id!r}")
            conn.execute(
                "INSERT INTO votes (poll_id, user_id, option_id, cast_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (poll_id, user_id) DO UPDATE SET option_id = excluded.option_id,"
                " cast_at = excluded.cast_at",
                (vote.poll_id, vote.user_id, vote.option_id, vote.cast_at),
            )

    def votes_for(self, poll_id: str) -> list[Vote]:
        rows = self._query("SELECT * FROM votes WHERE poll_id = ? ORDER BY user_id", (poll_id,))
        return [Vote(r["poll_id"], r["user_id"], r["option_id"], r["cast_at"]) for r in rows]

    def delete_votes_of(self, user_id: str) -> int:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM votes WHERE user_id = ?", (user_id,)).rowcount

    # --- memory ----------------------------------------------------------------------------
    def get_memory(self, user_id: str) -> UserMemory | None:
        rows = self._query("SELECT * FROM memory WHERE user_id = ?", (user_id,))
        if not rows:
            return None
        r = rows[0]
        return UserMemory(
            user_id=r["user_id"],
            products_discussed=tuple(json.loads(r["products_discussed"])),
            interests=tuple(json.loads(r["interests"])),
            opinions=tuple((str(t), str(s)) for t, s in json.loads(r["opinions"])),
            extra=dict(json.loads(r["extra"])),
        )

    def put_memory(self, memory: UserMemory) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO memory (user_id, products_discussed, interests, opinions, extra)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " products_discussed = excluded.products_discussed,"
                " interests = excluded.interests, opinions = excluded.opinions,"
                " extra = excluded.extra",
                (
                    memory.user_id,
                    json.dumps(list(memory.products_discussed)),
                    json.dumps(list(memory.interests)),
                    json.dumps([list(o) for o in memory.opinions]),
                    json.dumps(dict(memory.extra)),
                ),
            )

    def delete_memory(self, user_id: str) -> bool:
        return self._update("DELETE FROM memory WHERE user_id = ?", (user_id,))

    # --- idempotency and metadata -----------------------------------------------------------
    def claim_request(self, request_id: str, purpose: str) -> bool:
        if not request_id:
            raise StoreError("claim_request: field 'request_id' is empty")
        with self.transaction() as conn:
            return (
                conn.execute(
                    "INSERT INTO requests (request_id, purpose, claimed_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (request_id, purpose) DO NOTHING",
                    (request_id, purpose, now_iso()),
                ).rowcount
                > 0
            )

    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
