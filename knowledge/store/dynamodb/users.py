"""Users and friendships: profiles `USER#<id>` / `PROFILE` with unique lookups (`ALEXA#<hash>`,
`HANDLE#<handle>`, `FRIENDCODE#<code>` / `LOOKUP`) claimed in one transaction with the profile,
and friendships `USER#<id>` / `FRIEND#<other>`, found from the other side through GSI1.
A friendship is written over the version read (with a pending request claim, if any), so an
accept racing a block is reported as a conflict instead of one silently replacing the other."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from knowledge.model import Friendship, FriendshipStatus, User
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import Item, client_errors, item_key, key
from knowledge.store.dynamodb.writes import AtomicWrites
from knowledge.store.validation import check_friendship, check_user, lookup_key


class UserPart(AtomicWrites):
    """Storing, finding and deleting users, and their friendships in both directions."""

    def put_user(self, user: User) -> None:
        check_user(user)
        old = self._get(f"USER#{user.id}", "PROFILE")
        lookups = {
            "alexa_user_hash": f"ALEXA#{user.alexa_user_hash}",
            "handle": f"HANDLE#{lookup_key(user.handle)}",
            "friend_code": f"FRIENDCODE#{lookup_key(user.friend_code)}",
        }
        actions: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table_name, "Item": user_item(user)}},
        ]
        for pk in lookups.values():
            actions.append(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": {"PK": pk, "SK": "LOOKUP", "user_id": user.id},
                        "ConditionExpression": "attribute_not_exists(PK) OR user_id = :uid",
                        "ExpressionAttributeValues": {":uid": user.id},
                    }
                }
            )
        if old is not None:
            for stale in set(lookup_keys(old)) - set(lookups.values()):
                actions.append({"Delete": {"TableName": self.table_name, "Key": key(stale, "LOOKUP")}})
        try:
            self._call("transact_write_items", TransactItems=actions)
        except client_errors() as exc:
            reasons = [r.get("Code") for r in getattr(exc, "response", {}).get("CancellationReasons", [])]
            names = list(lookups)
            clashes = [names[i - 1] for i, code in enumerate(reasons) if code == "ConditionalCheckFailed" and 1 <= i <= 3]
            if clashes:
                owner = self._get(lookups[clashes[0]], "LOOKUP") or {}
                raise StoreError(
                    f"user {user.id}: field '{clashes[0]}' already belongs to user {owner.get('user_id', '?')}"
                ) from exc
            raise StoreError(f"DynamoDB could not store user {user.id}: {exc}") from exc

    def get_user(self, user_id: str) -> User | None:
        item = self._get(f"USER#{user_id}", "PROFILE")
        return read_user(item) if item else None

    def _user_by_lookup(self, pk: str) -> User | None:
        lookup = self._get(pk, "LOOKUP")
        return self.get_user(lookup["user_id"]) if lookup else None

    def user_by_alexa_hash(self, alexa_user_hash: str) -> User | None:
        return self._user_by_lookup(f"ALEXA#{alexa_user_hash}")

    def user_by_friend_code(self, friend_code: str) -> User | None:
        return self._user_by_lookup(f"FRIENDCODE#{lookup_key(friend_code)}")

    def user_by_handle(self, handle: str) -> User | None:
        return self._user_by_lookup(f"HANDLE#{lookup_key(handle)}")

    def delete_user(self, user_id: str) -> bool:
        profile = self._get(f"USER#{user_id}", "PROFILE")
        relations = [item_key(i) for i in self._query(None, f"USER#{user_id}", "FRIEND#")]
        relations += [item_key(i) for i in self._query("GSI1", f"FRIENDTO#{user_id}")]
        self._batch_delete(relations)
        if profile is None:
            return False
        self._batch_delete((pk, "LOOKUP") for pk in lookup_keys(profile))
        return self._delete(f"USER#{user_id}", "PROFILE")

    def put_friendship(self, friendship: Friendship) -> None:
        check_friendship(friendship)
        self._put_versioned(
            friendship_item(friendship),
            lambda i: friendship_item(read_friendship(i)),
            f"friendship of {friendship.user_id} with {friendship.other_id}",
        )

    def _friendships(self, items: Iterable[Item], status: FriendshipStatus | None) -> list[Friendship]:
        found = [
            read_friendship(self._remember(i))
            for i in items
            if status is None or i["status"] == status.value
        ]
        return sorted(found, key=lambda f: (f.user_id, f.other_id))

    def friendships_of(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships(self._query(None, f"USER#{user_id}", "FRIEND#"), status)

    def friendships_to(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships(self._query("GSI1", f"FRIENDTO#{user_id}"), status)

    def delete_friendship(self, user_id: str, other_id: str) -> bool:
        return self._delete(f"USER#{user_id}", f"FRIEND#{other_id}")


def user_item(u: User) -> Item:
    """The profile item of a user."""
    return {
        "PK": f"USER#{u.id}",
        "SK": "PROFILE",
        "type": "user",
        "id": u.id,
        "alexa_user_hash": u.alexa_user_hash,
        "handle": u.handle,
        "friend_code": u.friend_code,
        "created_at": u.created_at,
    }


def lookup_keys(profile: Item) -> list[str]:
    """The PKs of the three lookup items a profile owns."""
    return [
        f"ALEXA#{profile['alexa_user_hash']}",
        f"HANDLE#{lookup_key(profile['handle'])}",
        f"FRIENDCODE#{lookup_key(profile['friend_code'])}",
    ]


def read_user(i: Item) -> User:
    """The user a profile item holds."""
    return User(
        id=i["id"],
        alexa_user_hash=i["alexa_user_hash"],
        handle=i["handle"],
        friend_code=i["friend_code"],
        created_at=i["created_at"],
    )


def friendship_item(f: Friendship) -> Item:
    """The item of one direction of a friendship."""
    return {
        "PK": f"USER#{f.user_id}",
        "SK": f"FRIEND#{f.other_id}",
        "GSI1PK": f"FRIENDTO#{f.other_id}",
        "GSI1SK": f.user_id,
        "type": "friendship",
        "user_id": f.user_id,
        "other_id": f.other_id,
        "status": f.status.value,
        "created_at": f.created_at,
    }


def read_friendship(i: Item) -> Friendship:
    """The friendship an item holds."""
    return Friendship(i["user_id"], i["other_id"], FriendshipStatus(i["status"]), i["created_at"])
