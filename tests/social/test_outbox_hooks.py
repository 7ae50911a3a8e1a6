"""The notification hooks of the social features: a delivered message, an answer published
at once, and an answer published by a moderator each file one outbox event (a retried
request files nothing new); held or refused content files none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dialogue.social import SocialService
from knowledge.model import ReviewStatus
from knowledge.outbox import ANSWER_PUBLISHED, MESSAGE_DELIVERED, Outbox
from knowledge.store.base import Store
from tests.social.conftest import Clock, Talk
from tests.social.test_cli import run
from tests.social.test_friends_messages import befriend


def _due(store: Store, clock: Clock) -> list[tuple[str, str]]:
    """Due events now (the outbox files by wall-clock time, not the dialogue's test clock)."""
    return [(e.kind, e.subject) for e in Outbox(store).due()]


def test_delivered_message_files_one_event(
    talk: Callable[[str], Talk], social: SocialService, store: Store, clock: Clock
) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    befriend(alice, bob)
    bob(lambda t: social.messages.compose(t, "alice", "see you at six"))
    confirm = bob.state
    bob(social.messages.send, request_id="req-hook-1")
    bob.state = confirm
    bob(social.messages.send, request_id="req-hook-1")  # Alexa retries
    (message,) = store.messages_to(social.profiles.find(alice.user_hash).id)  # type: ignore[union-attr]
    assert _due(store, clock) == [(MESSAGE_DELIVERED, message.id)]


def test_answers_file_an_event_when_published(
    talk: Callable[[str], Talk], social: SocialService, store: Store, clock: Clock, tmp_path: Path
) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    for product, question, request in (("fire tv stick", "does it work in hotel rooms", "req-hq1"),
                                       ("echo dot", "can it pair with two phones", "req-hq2")):
        alice(lambda t, p=product, q=question: social.community.draft_question(t, p, None, q))
        alice(social.community.post_question, request_id=request)
    carol = talk("carol")
    carol(lambda t: social.friends.set_name(t, "carol"))
    carol(social.community.next_question)
    carol(lambda t: social.community.answer(t, "the manual is at www.example.com/manual"))
    (held,) = store.answers_by_user(social.profiles.find(carol.user_hash).id)  # type: ignore[union-attr]
    assert held.status is ReviewStatus.PENDING, "a link is held for a moderator"
    assert _due(store, clock) == [], "held content is not news"

    bob(social.community.next_question)
    bob(lambda t: social.community.answer(t, "yes it works on hotel wifi with a browser sign in"))
    (published,) = store.answers_by_user(social.profiles.find(bob.user_hash).id)  # type: ignore[union-attr]
    assert published.status is ReviewStatus.PUBLISHED
    assert _due(store, clock) == [(ANSWER_PUBLISHED, published.id)]

    result = run(tmp_path / "data", "moderation", "approve", held.id, "--no-index")
    assert result.returncode == 0, result.stderr
    assert _due(store, clock) == [(ANSWER_PUBLISHED, published.id), (ANSWER_PUBLISHED, held.id)], \
        "approval files the event"
