"""Polls (vote, re-vote, suggestions, winners), 'delete my data', and launch news."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from dialogue.social import SocialService
from dialogue.social.polls import match_option
from knowledge.model import Poll, PollOption, ReviewStatus, UserMemory
from knowledge.polls import tally
from knowledge.privacy import ANONYMOUS_AUTHOR
from knowledge.store.base import Store
from tests.social.conftest import Clock, Talk
from tests.social.test_friends_messages import befriend

ALBUMS = Poll(
    "poll-albums",
    "Which album should be on sale for a day?",
    (PollOption("o-ril", "Remain in Light"), PollOption("o-blue", "Blue")),
    ends_at="2026-12-01T00:00:00+00:00",
)


@pytest.mark.parametrize(
    ("spoken", "option"),
    [("blue", "o-blue"), ("i vote for blue", "o-blue"), ("Remain in Light", "o-ril"),
     ("remain in the light", "o-ril"), ("the blue one", "o-blue"), ("rumours", None), ("", None)],
)
def test_spoken_choices_match_options(spoken: str, option: str | None) -> None:
    found = match_option(ALBUMS, spoken)
    assert (found.id if found else None) == option


def test_vote_revote_one_vote_per_user(talk: Callable[[str], Talk], social: SocialService, store: Store) -> None:
    store.put_poll(ALBUMS)
    dave, erin = talk("dave"), talk("erin")
    said = dave(social.polls.present)
    assert said == ("Which album should be on sale for a day? The options are Remain in Light, or Blue. "
                    "Which do you choose?")
    said = dave(lambda t: social.polls.vote(t, "blue"))
    assert said.startswith("Thanks, I've counted your vote for Blue.")
    said = dave(lambda t: social.polls.vote(t, "remain in light"))
    assert "changed your vote from Blue to Remain in Light" in said
    erin(lambda t: social.polls.vote(t, "i vote for blue"))
    counts = {c.option.text: c.votes for c in tally(store, ALBUMS).counts}
    assert counts == {"Remain in Light": 1, "Blue": 1}
    said = erin(lambda t: social.polls.vote(t, "rumours"))
    assert "rumours isn't one of the options" in said and said.endswith("Which do you choose?")


def test_open_poll_takes_moderated_suggestions(talk: Callable[[str], Talk], social: SocialService, store: Store) -> None:
    store.put_poll(Poll("poll-open", "What should we review next?", (), "2026-12-01T00:00:00+00:00", open_ended=True))
    dave, erin = talk("dave"), talk("erin")
    assert dave(social.polls.present).endswith("What's your suggestion?")
    dave(lambda t: social.polls.vote(t, "i suggest abbey road"))
    erin(social.polls.present)
    erin(lambda t: social.polls.vote(t, "abbey road"))
    assert "can't add that suggestion" in erin(lambda t: social.polls.vote(t, "fuck this"))
    poll = store.get_poll("poll-open")
    assert [o.text for o in poll.options] == ["Abbey road"]
    assert tally(store, poll).counts[0].votes == 2


def test_closed_poll_winner_is_announced_once(
    talk: Callable[[str], Talk], social: SocialService, store: Store, clock: Clock
) -> None:
    store.put_poll(ALBUMS)
    dave = talk("dave")
    dave(lambda t: social.polls.vote(t, "blue"))
    assert social.launch.news(dave.turn()).speech == ()
    clock.now += timedelta(days=30)
    assert "no open polls" in dave(lambda t: social.polls.vote(t, "remain in light"))
    assert [v.option_id for v in store.votes_for(ALBUMS.id)] == ["o-blue"]
    news = social.launch.news(dave.turn())
    assert [s.key for s in news.speech] == ["social.launch.poll_winner_one"]
    assert news.speech[0].params["option"] == "Blue"
    assert social.launch.news(dave.turn()).speech == ()
    assert "no open polls" in dave(social.polls.present)


def test_delete_my_data_asks_then_erases_everything(
    talk: Callable[[str], Talk], social: SocialService, store: Store, real_index: Any
) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    befriend(alice, bob)
    bob(lambda t: social.messages.compose(t, "alice", "hi alice"))
    bob(social.messages.send)
    store.put_poll(ALBUMS)
    bob(lambda t: social.polls.vote(t, "blue"))
    bob(lambda t: social.reviews.draft(t, "echo dot", None, "5", "crisp vocals and deep bass for its size"))
    bob(social.reviews.publish)
    alice(lambda t: social.community.draft_question(t, "echo dot", None, "is it loud enough for a party"))
    alice(social.community.post_question)
    bob(social.community.next_question)
    bob(lambda t: social.community.answer(t, "it is loud enough for a small party"))
    b_id = social.profiles.find(bob.user_hash).id
    store.put_memory(UserMemory(b_id, products_discussed=("demo-echo-dot",)))

    said = bob(social.privacy.ask_first)
    assert said.endswith("Are you sure you want to delete your data?")
    assert "Okay, I haven't deleted anything." in bob(social.privacy.keep)
    assert store.get_user(b_id) is not None
    bob(social.privacy.ask_first)
    said = bob(social.privacy.erase)
    assert "Your data is deleted" in said and bob.state.pending is None

    assert store.get_user(b_id) is None
    assert store.reviews_by_user(b_id) == [] and store.answers_by_user(b_id) == []
    assert store.votes_for(ALBUMS.id) == [] and store.get_memory(b_id) is None
    a_id = social.profiles.find(alice.user_hash).id
    assert store.messages_between(a_id, b_id) == [] and store.friendships_of(a_id) == []
    answers = [a for q in store.questions_by_user(a_id) for a in store.get_question(q.id).answers]
    assert [(a.author, a.user_id, a.text) for a in answers] == [(ANONYMOUS_AUTHOR, "", "it is loud enough for a small party")]
    hits = [h.text for h in real_index.search("crisp vocals deep bass", product_id="demo-echo-dot", k=5)]
    assert "crisp vocals and deep bass for its size" not in hits


def test_launch_news_order_and_single_question(
    talk: Callable[[str], Talk], social: SocialService, store: Store
) -> None:
    alice, bob, carol = talk("alice"), talk("bob"), talk("carol")
    for user, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        user(lambda t, n=name: social.friends.set_name(t, n))
    befriend(alice, bob)
    bob(lambda t: social.messages.compose(t, "alice", "hello"))
    bob(social.messages.send)
    news = social.launch.news(alice.turn())
    assert news.question.key == "social.launch.read_them_one" and news.pending.action == "read_new_messages"
    code = social.profiles.find(alice.user_hash).friend_code
    carol(lambda t: social.friends.add_by_code(t, code))
    news = social.launch.news(alice.turn())
    # the friend request is the question; unread messages are still announced
    assert news.question.key == "social.accept.ask" and news.question.params["name"] == "Carol"
    assert [s.key for s in news.speech] == ["social.launch.unread_one"]
    assert social.launch.news(talk("nobody").turn()) == type(news)()


def test_pending_reviews_do_not_leak_into_launch(talk: Callable[[str], Talk], social: SocialService, store: Store) -> None:
    bob = talk("bob")
    bob(lambda t: social.reviews.draft(t, "echo dot", None, "5", "BUY NOW http://x.example"))
    bob(social.reviews.publish)
    assert [r.status for r in store.reviews_by_user(social.profiles.find(bob.user_hash).id)] == [ReviewStatus.PENDING]


def test_retried_vote_and_friend_request_write_once(
    talk: Callable[[str], Talk], social: SocialService, store: Store
) -> None:
    store.put_poll(ALBUMS)
    dave, erin = talk("dave"), talk("erin")
    dave(lambda t: social.polls.vote(t, "blue"), request_id="req-vote")
    dave(lambda t: social.polls.vote(t, "remain in light"), request_id="req-vote-2")
    # a late retry of the first request must not undo the change
    dave(lambda t: social.polls.vote(t, "blue"), request_id="req-vote")
    assert [v.option_id for v in store.votes_for(ALBUMS.id)] == ["o-ril"]
    code = social.profiles.ensure(dave.user_hash, social.messages._clock()).friend_code  # noqa: SLF001
    erin(lambda t: social.friends.add_by_code(t, code), request_id="req-friend")
    dave_id = social.profiles.find(dave.user_hash).id
    first = store.friendships_to(dave_id)
    erin(lambda t: social.friends.add_by_code(t, code), request_id="req-friend")
    assert store.friendships_to(dave_id) == first and len(first) == 1


def test_a_new_poll_is_mentioned_once_until_voted(talk: Callable[[str], Talk], social: SocialService, store: Store) -> None:
    store.put_poll(ALBUMS)
    dave, erin = talk("dave"), talk("erin")
    social.profiles.ensure(dave.user_hash, social.messages._clock())  # noqa: SLF001
    news = social.launch.news(dave.turn())
    assert [s.key for s in news.speech] == ["social.launch.poll_open"]
    assert news.speech[0].params["question"] == "Which album should be on sale for a day?"
    assert social.launch.news(dave.turn()).speech == ()
    erin(lambda t: social.polls.vote(t, "blue"))
    assert social.launch.news(erin.turn()).speech == ()
