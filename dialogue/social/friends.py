"""Friends: names, friend codes, requests that the other side accepts, and blocking.

Relations are directed store records. A request is (requester -> other, PENDING); accepting
makes both directions ACCEPTED; blocking stores (blocker -> other, BLOCKED) and drops the
other direction, so the blocked user can neither message nor re-add the blocker.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from dialogue import intents
from dialogue.reply import ElicitSlot, Reply, Say
from dialogue.social.codes import parse_friend_code
from dialogue.social.context import Clock, SocialTurn, ask, data_of, pending, say
from dialogue.social.profiles import NameProblem, Profiles, clean_name
from dialogue.state import Pending
from knowledge.model import Friendship, FriendshipStatus, User
from knowledge.store.base import Store

ACCEPT_FRIEND = "accept_friend"  # pending action: data {"requester": user id}
BLOCK_SENDER = "block_sender"  # asked after a report: data {"user": sender id}
HANDLE_MATCH_CUTOFF = 75.0


class Friends:
    """Names, friend codes and the friend graph of one store."""

    def __init__(self, store: Store, profiles: Profiles, clock: Clock) -> None:
        self._store = store
        self._profiles = profiles
        self._clock = clock

    # --- queries ------------------------------------------------------------------------------
    def friends_of(self, user_id: str) -> list[User]:
        found = []
        for rel in self._store.friendships_of(user_id, FriendshipStatus.ACCEPTED):
            other = self._store.get_user(rel.other_id)
            if other is not None:
                found.append(other)
        return found

    def are_friends(self, a: str, b: str) -> bool:
        return any(r.other_id == b for r in self._store.friendships_of(a, FriendshipStatus.ACCEPTED))

    def blocked(self, a: str, b: str) -> bool:
        """True when either user blocked the other."""
        return any(r.other_id == b for r in self._store.friendships_of(a, FriendshipStatus.BLOCKED)) or any(
            r.other_id == a for r in self._store.friendships_of(b, FriendshipStatus.BLOCKED)
        )

    def find_friend(self, user_id: str, spoken: str) -> User | None:
        """The friend whose handle sounds most like `spoken` (ASR-tolerant), or None."""
        friends = self.friends_of(user_id)
        if not friends or not spoken.strip():
            return None
        names = [f.handle.lower() for f in friends]
        match = process.extractOne(
            clean_name(spoken).lower(), names, scorer=fuzz.ratio, score_cutoff=HANDLE_MATCH_CUTOFF
        )
        return friends[match[2]] if match is not None else None

    def requests_to(self, user_id: str) -> list[User]:
        """Users waiting for `user_id` to accept them, oldest first."""
        rels = sorted(
            self._store.friendships_to(user_id, FriendshipStatus.PENDING), key=lambda r: r.created_at
        )
        users = [self._store.get_user(r.user_id) for r in rels]
        return [u for u in users if u is not None]

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    # --- names and codes ----------------------------------------------------------------------
    def set_name(self, turn: SocialTurn, spoken: str | None) -> Reply:
        if not spoken or not spoken.strip():
            return ask(
                turn, question=say("name.which"),
                directive=ElicitSlot(intents.SET_NAME, intents.SLOT_NAME),
            )
        user = self._profiles.ensure(turn.user_hash, self._clock())
        try:
            user = self._profiles.rename(user, spoken)
        except NameProblem as problem:
            return ask(
                turn, say(f"name.{problem}", name=clean_name(spoken)), question=say("name.which"),
                directive=ElicitSlot(intents.SET_NAME, intents.SLOT_NAME),
            )
        return ask(turn, say("name.set", name=user.handle))

    def share_code(self, turn: SocialTurn) -> Reply:
        user = self._profiles.ensure(turn.user_hash, self._clock())
        return ask(turn, say("code.yours", code=user.friend_code), say("code.how"))

    # --- requests -----------------------------------------------------------------------------
    def add_by_code(self, turn: SocialTurn, spoken: str | None) -> Reply:
        """Send a friend request to the owner of the code heard in `spoken`."""
        elicit = ElicitSlot(intents.ADD_FRIEND, intents.SLOT_FRIEND_CODE)
        if not spoken or not spoken.strip():
            return ask(turn, question=say("add.which_code"), directive=elicit)
        code = parse_friend_code(spoken)
        other = self._store.user_by_friend_code(code) if code else None
        if other is None:
            return ask(
                turn, say("add.unknown_code", heard=spoken), question=say("add.which_code"),
                directive=elicit,
            )
        me = self._profiles.ensure(turn.user_hash, self._clock())
        if other.id == me.id:
            return ask(turn, say("add.self"))
        if self.are_friends(me.id, other.id):
            return ask(turn, say("add.already", name=other.handle))
        if self.blocked(me.id, other.id):
            return ask(turn, say("add.unavailable"))
        incoming = any(r.user_id == other.id for r in self._store.friendships_to(me.id, FriendshipStatus.PENDING))
        if incoming:  # they asked first: adding them back accepts
            self._accept(me, other)
            return ask(turn, say("accept.done", name=other.handle))
        if self._store.claim_request(turn.request_id, "friend_request"):  # a retry writes nothing
            self._store.put_friendship(Friendship(me.id, other.id, FriendshipStatus.PENDING, self._now()))
        return ask(turn, say("add.sent", name=other.handle))

    def _accept(self, me: User, requester: User) -> None:
        now = self._now()
        self._store.put_friendship(Friendship(requester.id, me.id, FriendshipStatus.ACCEPTED, now))
        self._store.put_friendship(Friendship(me.id, requester.id, FriendshipStatus.ACCEPTED, now))

    def request_question(self, requester: User, waiting: int) -> tuple[list[Say], Pending]:
        """What launch says about pending requests: (speech, pending) for the oldest one."""
        speech = [say("accept.ask", name=requester.handle)]
        if waiting > 1:
            speech.insert(0, say("accept.count", count=waiting))
        return speech, pending(ACCEPT_FRIEND, requester=requester.id)

    def answer_request(self, turn: SocialTurn, accept: bool) -> Reply:
        """Yes / no to "X wants to be your friend: shall I accept?"."""
        data = data_of(turn.state.pending, ACCEPT_FRIEND) or {}
        me = self._profiles.ensure(turn.user_hash, self._clock())
        requester = self._store.get_user(data.get("requester", ""))
        still_waiting = requester is not None and any(
            r.user_id == requester.id for r in self._store.friendships_to(me.id, FriendshipStatus.PENDING)
        )
        if requester is None or not still_waiting:
            return ask(turn, say("accept.gone"))
        if accept:
            self._accept(me, requester)
            done = say("accept.done", name=requester.handle)
        else:
            self._store.delete_friendship(requester.id, me.id)
            done = say("accept.declined", name=requester.handle)
        return self._next_request(turn, me, done)

    def _next_request(self, turn: SocialTurn, me: User, done: Say) -> Reply:
        waiting = self.requests_to(me.id)
        if not waiting:
            return ask(turn, done)
        return ask(
            turn, done, question=say("accept.ask", name=waiting[0].handle),
            pending=pending(ACCEPT_FRIEND, requester=waiting[0].id),
        )

    def review_requests(self, turn: SocialTurn) -> Reply:
        """"Do I have friend requests?" / "accept": asks about the oldest waiting request."""
        me = self._profiles.ensure(turn.user_hash, self._clock())
        waiting = self.requests_to(me.id)
        if not waiting:
            return ask(turn, say("accept.none"))
        speech, p = self.request_question(waiting[0], len(waiting))
        return ask(turn, *speech[:-1], question=speech[-1], pending=p)

    # --- blocking -----------------------------------------------------------------------------
    def block(self, turn: SocialTurn, spoken: str | None, fallback_user_id: str = "") -> Reply:
        """Block the user named `spoken` (a friend or any handle), or `fallback_user_id`
        (the sender of the message just read) when no name was given."""
        me = self._profiles.ensure(turn.user_hash, self._clock())
        other: User | None = None
        if spoken and spoken.strip():
            other = self.find_friend(me.id, spoken) or self._profiles.by_handle(spoken)
        elif fallback_user_id:
            other = self._store.get_user(fallback_user_id)
        if other is None:
            return ask(turn, say("block.unknown", name=clean_name(spoken or "")) if spoken else say("block.who"))
        if other.id == me.id:
            return ask(turn, say("add.self"))
        self._store.delete_friendship(other.id, me.id)
        self._store.put_friendship(Friendship(me.id, other.id, FriendshipStatus.BLOCKED, self._now()))
        return ask(turn, say("block.done", name=other.handle))

    def block_reported(self, turn: SocialTurn) -> Reply:
        """Yes to "block the sender too?" after reporting a message."""
        data = data_of(turn.state.pending, BLOCK_SENDER) or {}
        return self.block(turn, None, data.get("user", ""))
