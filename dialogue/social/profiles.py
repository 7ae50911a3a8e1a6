"""Who the user is to other people: a public handle and a friend code, never the Alexa id.

A user record is created the first time a social feature needs it, keyed by the hashed Alexa
user id. Its first handle is derived from its friend code ("Tiger 42") so it is unique from
the start; "call me alice" changes it when the name is free and clean.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from dialogue.social.codes import new_friend_code
from knowledge.ids import stable_id
from knowledge.model import User
from knowledge.moderation import moderate
from knowledge.store.base import Store, StoreError

MAX_NAME_CHARS = 24
_NAME = re.compile(r"^[a-z][a-z' -]*$", re.IGNORECASE)
_DIGIT_OF = {w: str(i + 1) for i, w in enumerate(("one two three four five six seven eight nine").split())}


class NameProblem(ValueError):
    """Why a requested name cannot be used: "invalid", "taken" or "rude"."""


def default_handle(friend_code: str) -> str:
    """"tiger four two" -> "Tiger 42"."""
    word, *digits = friend_code.split()
    return f"{word.title()} {''.join(_DIGIT_OF.get(d, d) for d in digits)}"


def clean_name(spoken: str) -> str:
    """A spoken name as a handle: words capitalised, single spaces ("mary jane" -> "Mary Jane")."""
    words = spoken.strip().strip(".!?").split()
    return " ".join(w[:1].upper() + w[1:] for w in words)


class Profiles:
    """Users, their handles and friend codes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def find(self, user_hash: str) -> User | None:
        return self._store.user_by_alexa_hash(user_hash) if user_hash else None

    def ensure(self, user_hash: str, now: datetime) -> User:
        """The user of `user_hash`, created with a fresh friend code on first use."""
        if not user_hash:
            raise StoreError("social features need a user id")
        user = self.find(user_hash)
        if user is not None:
            return user
        code = new_friend_code(user_hash, lambda c: self._store.user_by_friend_code(c) is not None)
        user = User(
            id=stable_id("user", user_hash),
            alexa_user_hash=user_hash,
            handle=default_handle(code),
            friend_code=code,
            created_at=now.isoformat(timespec="seconds"),
        )
        try:
            self._store.put_user(user)
        except StoreError:
            # a concurrent first request created the same user: use that one
            existing = self.find(user_hash)
            if existing is None:
                raise
            return existing
        return user

    def rename(self, user: User, spoken: str) -> User:
        """Give `user` the handle `spoken`; NameProblem when it is unusable."""
        name = clean_name(spoken)
        if not name or len(name) > MAX_NAME_CHARS or not _NAME.match(name):
            raise NameProblem("invalid")
        result = moderate(name)
        if not result.published or result.text != name:
            raise NameProblem("rude")
        owner = self._store.user_by_handle(name)
        if owner is not None and owner.id != user.id:
            raise NameProblem("taken")
        renamed = replace(user, handle=name)
        try:
            self._store.put_user(renamed)
        except StoreError as exc:
            raise NameProblem("taken") from exc
        return renamed

    def by_handle(self, handle: str) -> User | None:
        return self._store.user_by_handle(clean_name(handle)) if handle.strip() else None
