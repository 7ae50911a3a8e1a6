"""Voice reviews and community Q&A on a real store and a real search index: multi-turn
drafting, read-back, moderation before publishing, idempotency, hearing and deleting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dialogue.reply import ElicitSlot
from dialogue.social import SocialService
from knowledge.model import ReviewStatus
from knowledge.store.base import Store
from tests.social.conftest import Clock, Talk


def _hits(index: Any, query: str, product_id: str) -> list[str]:
    return [hit.text for hit in index.search(query, product_id=product_id, k=5)]


def test_review_is_drafted_step_by_step_read_back_and_published_searchable(
    talk: Callable[[str], Talk], social: SocialService, store: Store, real_index: Any
) -> None:
    bob = talk("bob")
    bob(lambda t: social.friends.set_name(t, "bob"))
    said = bob(lambda t: social.reviews.draft(t, None, None, None, None))
    assert said == "Which product would you like to review?"
    assert bob.last.directive == ElicitSlot("LeaveReviewIntent", "Product", {})
    said = bob(lambda t: social.reviews.draft(t, "the echo dot", None, None, None))
    assert said == "How many stars would you give the Echo Dot, from one to five?"
    said = bob(lambda t: social.reviews.draft(t, "the echo dot", None, "7", None))
    assert said.startswith("Ratings go from one to five stars.")
    said = bob(lambda t: social.reviews.draft(t, "the echo dot", None, "four", None))
    assert said == "What would you like to say about the Echo Dot?"
    said = bob(lambda t: social.reviews.draft(t, "the echo dot", None, "4", "the speaker fills my kitchen with sound"))
    assert said == ("Here's your review of the Echo Dot, 4 stars: the speaker fills my kitchen with sound. "
                    "Shall I post it?")
    assert bob.state.focus_product_id == "demo-echo-dot"
    said = bob(social.reviews.publish, request_id="req-review-1")
    assert "posted" in said
    mine = store.reviews_by_user(social.profiles.find(bob.user_hash).id)
    assert [(r.product_id, r.rating, r.author, r.status) for r in mine] == [
        ("demo-echo-dot", 4, "Bob", ReviewStatus.PUBLISHED)
    ]
    assert "the speaker fills my kitchen with sound" in _hits(real_index, "speaker fills the kitchen", "demo-echo-dot")


def test_a_replayed_request_stores_one_review(talk: Callable[[str], Talk], social: SocialService, store: Store) -> None:
    bob = talk("bob")
    bob(lambda t: social.reviews.draft(t, "roomba", None, "2", "it keeps getting stuck under the sofa"))
    confirm = bob.state
    bob(social.reviews.publish, request_id="req-same")
    bob.state = confirm
    said = bob(social.reviews.publish, request_id="req-same")
    assert "posted" in said
    assert len(store.reviews_by_user(social.profiles.find(bob.user_hash).id)) == 1


def test_no_changes_the_words_and_keeps_product_and_stars(talk: Callable[[str], Talk], social: SocialService) -> None:
    bob = talk("bob")
    bob(lambda t: social.reviews.draft(t, "echo dot", None, "5", "great"))
    said = bob(social.reviews.change)
    assert "change" in said and said.endswith("What would you like to say about the Echo Dot?")
    assert bob.last.directive == ElicitSlot("LeaveReviewIntent", "ReviewText", {"Product": "Echo Dot", "Rating": "5"})


def test_moderation_before_publishing(talk: Callable[[str], Talk], social: SocialService, store: Store, real_index: Any) -> None:
    bob = talk("bob")
    bob(lambda t: social.reviews.draft(t, "echo dot", None, "1", "call 555 123 4567 this damn thing broke"))
    bob(social.reviews.publish)
    bob(lambda t: social.reviews.draft(t, "echo dot", None, "5", "BUY NOW at http://cheap.example click here"))
    said = bob(social.reviews.publish)
    assert "once our team has checked it" in said
    reviews = {r.status: r for r in store.reviews_by_user(social.profiles.find(bob.user_hash).id)}
    published, pending = reviews[ReviewStatus.PUBLISHED], reviews[ReviewStatus.PENDING]
    assert "555" not in published.text and "[phone number removed]" in published.text and "damn" not in published.text
    # the held review is in the moderation queue, not in the index
    assert pending.id in {r.id for r in store.iter_reviews(ReviewStatus.PENDING)}
    assert not any("cheap.example" in text for text in _hits(real_index, "buy now click here", "demo-echo-dot"))


def test_review_rate_limit(talk: Callable[[str], Talk], social: SocialService) -> None:
    bob = talk("bob")
    for i in range(5):
        bob(lambda t, i=i: social.reviews.draft(t, "echo dot", None, "3", f"review number {i} about the sound"))
        assert "posted" in bob(social.reviews.publish)
    bob(lambda t: social.reviews.draft(t, "echo dot", None, "3", "one more"))
    assert "several reviews today" in bob(social.reviews.publish)


def test_hear_and_delete_my_reviews(talk: Callable[[str], Talk], social: SocialService, store: Store, real_index: Any) -> None:
    bob = talk("bob")
    assert "haven't left any reviews" in bob(social.reviews.hear_mine)
    bob(lambda t: social.reviews.draft(t, "kindle paperwhite", None, "5", "the screen glows softly for reading in bed"))
    bob(social.reviews.publish)
    said = bob(social.reviews.hear_mine)
    assert "the screen glows softly for reading in bed" in said and said.endswith("Kindle Paperwhite?")
    said = bob(social.reviews.delete_mine)
    assert "deleted" in said
    assert store.reviews_by_user(social.profiles.find(bob.user_hash).id) == []
    assert "the screen glows softly for reading in bed" not in _hits(real_index, "screen glows for reading in bed", "demo-kindle-paperwhite")


def test_unknown_and_ambiguous_products_are_asked_again(talk: Callable[[str], Talk], social: SocialService) -> None:
    bob = talk("bob")
    said = bob(lambda t: social.reviews.draft(t, "flux capacitor", None, "5", "great"))
    assert "couldn't find flux capacitor" in said and bob.last.directive.slot == "Product"


def test_ask_answer_and_hear_on_launch(
    talk: Callable[[str], Talk], social: SocialService, store: Store, real_index: Any, clock: Clock
) -> None:
    alice, bob = talk("alice"), talk("bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    said = alice(lambda t: social.community.draft_question(t, "fire tv stick", None, "does it work in hotel rooms"))
    assert said.startswith("I'll ask the community about the Fire TV Stick") and said.endswith("Shall I post it?")
    said = alice(social.community.post_question, request_id="req-q")
    assert "I'll let you know" in said
    # bob reviewed the fire stick, so alice's question comes first for him
    bob(lambda t: social.reviews.draft(t, "fire stick", None, "4", "fast and simple to set up"))
    bob(social.reviews.publish)
    said = bob(social.community.next_question)
    assert "does it work in hotel rooms" in said and said.endswith("Tell me your answer, or say skip. What's your answer?")
    assert bob.last.directive == ElicitSlot("AnswerQuestionsIntent", "Answer", {})
    said = bob(lambda t: social.community.answer(t, "yes"))  # not an answer: asked again
    assert said.startswith("Tell me your answer")
    said = bob(lambda t: social.community.answer(t, "yes it works on hotel wifi with a browser sign in"))
    assert "Your answer is posted" in said and said.endswith("Would you like to answer another question?")
    question = store.questions_by_user(social.profiles.find(alice.user_hash).id)[0]
    assert [a.author for a in store.get_question(question.id).answers] == ["Bob"]
    assert any("hotel wifi" in text for text in _hits(real_index, "hotel wifi browser sign in", question.product_id))
    news = social.launch.news(alice.turn())
    spoken = " ".join(str(s.params) for s in news.speech)
    assert "hotel wifi" in spoken and "Bob" in spoken
    assert social.launch.news(alice.turn()).speech == ()  # announced once


def test_dialogue_managers_ask_community_offer_posts_the_question(
    talk: Callable[[str], Talk], social: SocialService, store: Store
) -> None:
    from dialogue.state import Pending

    alice = talk("alice")
    alice.state = alice.state.updated(
        pending=Pending("ask_community", {"product_id": "demo-echo-dot", "question": "can it play two rooms at once"})
    )
    said = alice(social.community.post_question)
    assert "Posted" in said
    assert [q.text for q in store.questions_by_user(social.profiles.find(alice.user_hash).id)] == [
        "can it play two rooms at once"
    ]


def test_skipping_runs_out_of_open_questions(talk: Callable[[str], Talk], social: SocialService) -> None:
    carol = talk("carol")
    for _ in range(60):
        said = carol(social.community.next_question) if carol.state.pending is None else carol(
            lambda t: social.community.answer(t, "skip"))
        if "no open questions" in said:
            break
    else:
        raise AssertionError("skipping never ran out of questions")
