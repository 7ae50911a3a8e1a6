"""Friends and messages on a real SQLite store: codes, requests that need accepting,
moderated delivery, only the recipient reads, blocking, reporting, idempotent sends."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogue.reply import ElicitSlot
from dialogue.social import SocialService
from knowledge.model import FriendshipStatus
from knowledge.store.base import Store
from tests.social.conftest import Talk


def befriend(a: Talk, b: Talk) -> None:
    """b adds a by code; a accepts."""
    social = a.service
    code = social.profiles.ensure(a.user_hash, social.messages._clock()).friend_code  # noqa: SLF001
    b(lambda t: social.friends.add_by_code(t, code))
    a.state = a.state.updated(pending=None)
    news = social.launch.news(a.turn())
    assert news.pending is not None and news.pending.action == "accept_friend"
    a.state = a.state.updated(pending=news.pending)
    a(lambda t: social.friends.answer_request(t, True))


def test_name_and_code(talk: Callable[[str], Talk], social: SocialService) -> None:
    alice = talk("alice")
    said = alice(lambda t: social.friends.set_name(t, "alice"))
    assert "Alice" in said and said.endswith("?")
    said = alice(social.friends.share_code)
    code = social.profiles.find(alice.user_hash).friend_code
    assert f"Your friend code is {code}." in said
    # the public handle never shows the Alexa id or its hash
    assert alice.user_hash not in said


def test_names_are_unique_and_clean(talk: Callable[[str], Talk], social: SocialService) -> None:
    alice, other = talk("alice"), talk("other")
    alice(lambda t: social.friends.set_name(t, "alice"))
    said = other(lambda t: social.friends.set_name(t, "Alice"))
    assert "already goes by Alice" in said
    assert isinstance(other.last.directive, ElicitSlot)
    said = other(lambda t: social.friends.set_name(t, "shit"))
    assert "can't use that name" in said
    said = other(lambda t: social.friends.set_name(t, "<b>x</b>"))
    assert "letters" in said


def test_adding_needs_acceptance_then_both_are_friends(
    talk: Callable[[str], Talk], social: SocialService, store: Store
) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    code = social.profiles.find(alice.user_hash).friend_code
    word, first, second = code.split()
    digits = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
    said = bob(lambda t: social.friends.add_by_code(t, f"{word.title()} {digits[first]}{digits[second]}"))
    assert "Alice" in said and "request" in said
    a_id, b_id = social.profiles.find(alice.user_hash).id, social.profiles.find(bob.user_hash).id
    assert not social.friends.are_friends(b_id, a_id)
    news = social.launch.news(alice.turn())
    assert news.question is not None and news.pending is not None
    alice.state = alice.state.updated(pending=news.pending)
    said = alice(lambda t: social.friends.answer_request(t, True))
    assert "You and Bob are now friends" in said
    assert social.friends.are_friends(a_id, b_id) and social.friends.are_friends(b_id, a_id)


def test_declining_and_unknown_codes(talk: Callable[[str], Talk], social: SocialService) -> None:
    alice, bob = talk("alice"), talk("bob")
    code = social.profiles.ensure(alice.user_hash, social.messages._clock()).friend_code  # noqa: SLF001
    said = bob(lambda t: social.friends.add_by_code(t, "xylophone one two"))
    assert "couldn't find" in said and isinstance(bob.last.directive, ElicitSlot)
    bob(lambda t: social.friends.add_by_code(t, code))
    alice.state = alice.state.updated(pending=social.launch.news(alice.turn()).pending)
    said = alice(lambda t: social.friends.answer_request(t, False))
    assert "declined" in said
    assert social.launch.news(alice.turn()).question is None


def test_message_is_redacted_only_recipient_reads_and_retry_sends_once(
    talk: Callable[[str], Talk], social: SocialService, store: Store
) -> None:
    alice, bob, carol = talk("alice"), talk("bob"), talk("carol")
    for user, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        user(lambda t, n=name: social.friends.set_name(t, n))
    befriend(alice, bob)
    said = bob(lambda t: social.messages.compose(t, "alice", "call me at 555 123 4567 or mail bob@example.com"))
    assert "555" not in said and "bob@example.com" not in said and said.endswith("Shall I send it?")
    assert bob.state.pending is not None and bob.state.pending.action == "confirm_message"
    confirm_state = bob.state
    said = bob(social.messages.send, request_id="req-send-1")
    assert said.startswith("Sent.")
    bob.state = confirm_state  # Alexa retries the identical request
    bob(social.messages.send, request_id="req-send-1")
    a_id = social.profiles.find(alice.user_hash).id
    assert len(store.messages_to(a_id)) == 1
    said = carol(social.messages.read)
    assert "Bob" not in said and "no new messages" in said
    said = alice(social.messages.read)
    assert "From Bob" in said and "[phone number removed]" in said and "[email removed]" in said
    assert "555" not in said and "bob@example.com" not in said
    assert store.messages_to(a_id, unread_only=True) == []
    # nothing new: the latest is replayed so it can be reported
    said = alice(social.messages.read)
    assert "no new messages" in said and "latest message, from Bob" in said
    said = alice(social.messages.report_heard)
    assert "reported" in said and alice.state.pending.action == "block_sender"
    said = alice(social.friends.block_reported)
    assert "Bob is blocked" in said
    assert [m.reported for m in store.reported_messages()] == [True]
    said = bob(lambda t: social.messages.compose(t, "alice", "hello again"))
    assert "No friends" in said or "haven't added any friends" in said or "isn't one of your friends" in said


def test_non_friends_and_blocked_users_cannot_message(talk: Callable[[str], Talk], social: SocialService) -> None:
    alice, bob, carol = talk("alice"), talk("bob"), talk("carol")
    for user, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        user(lambda t, n=name: social.friends.set_name(t, n))
    befriend(alice, bob)
    befriend(carol, bob)
    said = carol(lambda t: social.messages.compose(t, "alice", "hi"))
    assert "Alice isn't one of your friends" in said
    said = bob(lambda t: social.friends.block(t, "carol"))
    assert "Carol is blocked" in said
    b_id, c_id = (social.profiles.find(u.user_hash).id for u in (bob, carol))
    assert social.friends.blocked(c_id, b_id)
    said = carol(lambda t: social.messages.compose(t, "bob", "hi"))
    assert "haven't added any friends" in said
    # and carol cannot send bob a new friend request either
    bob_code = social.profiles.find(bob.user_hash).friend_code
    said = carol(lambda t: social.friends.add_by_code(t, bob_code))
    assert "can't add" in said


@pytest.mark.parametrize("text", ["you are an idiot", "buy now at http://spam.example click here"])
def test_abusive_or_spam_messages_are_not_delivered(
    talk: Callable[[str], Talk], social: SocialService, text: str
) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    befriend(alice, bob)
    said = bob(lambda t: social.messages.compose(t, "alice", text))
    assert "can't send that message" in said
    assert bob.state.pending is None


def test_profanity_is_masked_before_delivery(talk: Callable[[str], Talk], social: SocialService) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    befriend(alice, bob)
    said = bob(lambda t: social.messages.compose(t, "alice", "this shit is great, see you in Scunthorpe"))
    assert "shit" not in said and "Scunthorpe" in said


def test_reply_delete_and_friend_state(talk: Callable[[str], Talk], social: SocialService, store: Store) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    befriend(alice, bob)
    bob(lambda t: social.messages.compose(t, "alice", "lunch tomorrow"))
    bob(social.messages.send)
    said = alice(social.messages.read)
    assert said.endswith("Would you like to reply to Bob?")
    alice(social.messages.after_reading)
    directive = alice.last.directive
    assert isinstance(directive, ElicitSlot) and directive.slots == {"Friend": "Bob"}
    said = alice(lambda t: social.messages.compose(t, "Bob", "sounds good"))
    alice(social.messages.send)
    said = bob(social.messages.read)
    assert "From Alice: sounds good" in said
    said = bob(social.messages.delete_heard)
    assert "Deleted" in said
    b_id = social.profiles.find(bob.user_hash).id
    assert store.messages_to(b_id) == []
    a_id = social.profiles.find(alice.user_hash).id
    # kept for dispute review
    assert len(store.messages_between(a_id, b_id)) == 2
    assert {r.status for r in store.friendships_of(a_id)} == {FriendshipStatus.ACCEPTED}
