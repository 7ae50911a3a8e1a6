"""The one contract every Store backend must keep; the `store` fixture runs each backend.

A backend that passes this suite can replace another without any caller noticing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from knowledge.model import (
    Answer,
    Friendship,
    FriendshipStatus,
    Message,
    Poll,
    PollOption,
    Product,
    Provenance,
    Question,
    Review,
    ReviewStatus,
    User,
    UserMemory,
    Vote,
)
from knowledge.store.base import ImportCounts, Store, StoreCounts, StoreError

PUB, PEND, REJ = ReviewStatus.PUBLISHED, ReviewStatus.PENDING, ReviewStatus.REJECTED


def product(pid: str = "p1", name: str = "Echo Dot") -> Product:
    return Product(
        id=pid,
        name=name,
        aliases=("dot", "echo dot speaker"),
        brand="Amazon",
        category="devices",
        provenance=Provenance("jsonl", "catalog.jsonl", 3),
    )


def review(
    rid: str,
    pid: str = "p1",
    rating: int = 4,
    date: str = "2024-01-01",
    status: ReviewStatus = PUB,
    user_id: str = "",
) -> Review:
    return Review(
        id=rid,
        product_id=pid,
        rating=rating,
        text=f"text of {rid}",
        title=f"title {rid}",
        author="sam",
        date=date,
        status=status,
        provenance=Provenance("datafiniti", "reviews.csv", 7),
        user_id=user_id,
    )


def answer(aid: str, qid: str = "q1", votes: int = 0, date: str = "2024-02-01", status: ReviewStatus = PUB) -> Answer:
    return Answer(id=aid, question_id=qid, text=f"answer {aid}", author="kim", date=date, votes=votes, status=status)


def question(qid: str = "q1", pid: str = "p1", answers: tuple[Answer, ...] = (), date: str = "2024-01-15", status: ReviewStatus = PUB) -> Question:
    return Question(
        id=qid,
        product_id=pid,
        text=f"question {qid}?",
        author="lee",
        date=date,
        answers=answers,
        status=status,
        provenance=Provenance("mcauley-qa", "qa.json.gz", 11),
    )


def user(uid: str, handle: str, code: str) -> User:
    return User(id=uid, alexa_user_hash=f"hash-{uid}", handle=handle, friend_code=code, created_at="2024-01-01T00:00:00Z")


def message(mid: str, sender: str, recipient: str, at: str, **flags: bool) -> Message:
    return Message(id=mid, sender_id=sender, recipient_id=recipient, text=f"hi {mid}", created_at=at, **flags)


# --- products ------------------------------------------------------------------------------
def test_products_round_trip_and_list_by_name(store: Store) -> None:
    assert not store.has_products()
    assert store.put_products([product("p2", "zebra lamp"), product("p1", "Echo Dot")]) == 2
    assert store.has_products()
    assert store.get_product("p1") == product("p1", "Echo Dot")
    assert store.get_product("missing") is None
    assert [p.id for p in store.list_products()] == ["p1", "p2"]


def test_put_products_replaces_without_losing_reviews(store: Store) -> None:
    store.put_products([product("p1", "Echo Dot")])
    store.put_reviews([review("r1")])
    assert store.put_products([product("p1", "Echo Dot (5th gen)")]) == 0
    assert store.get_product("p1").name == "Echo Dot (5th gen)"  # type: ignore[union-attr]
    assert [r.id for r in store.reviews_for("p1")] == ["r1"]
    assert store.counts().products == 1


def test_remove_product_cascades_to_reviews_questions_and_answers(store: Store) -> None:
    store.put_products([product("p1"), product("p2", "Kindle")])
    store.put_reviews([review("r1"), review("r2", "p2")])
    store.put_questions([question("q1", answers=(answer("a1"),)), question("q2", "p2")])
    assert store.remove_product("p1") is True
    assert store.remove_product("p1") is False
    assert store.get_product("p1") is None
    assert store.get_review("r1") is None
    assert store.get_question("q1") is None
    assert store.get_answer("a1") is None
    assert store.counts() == StoreCounts(products=1, reviews_published=1, questions=1, answers=0)


def test_invalid_product_is_rejected_with_the_field_named(store: Store) -> None:
    with pytest.raises(StoreError, match="name"):
        store.put_products([Product(id="p9", name="  ")])
    assert not store.has_products()


# --- reviews -------------------------------------------------------------------------------
def test_review_with_same_id_twice_is_stored_once(store: Store) -> None:
    store.put_products([product()])
    assert store.put_reviews([review("r1"), review("r1")]) == 1
    assert store.put_reviews([review("r1")]) == 0
    assert store.get_review("r1") == review("r1")
    assert store.counts().reviews == 1


def test_reimported_review_keeps_its_moderation_state(store: Store) -> None:
    store.put_products([product()])
    store.put_reviews([review("r1")])
    assert store.set_review_status("r1", REJ)
    assert store.put_reviews([review("r1")]) == 0
    assert store.get_review("r1").status is REJ  # type: ignore[union-attr]


def test_reviews_newest_first_and_filtered_by_status(store: Store) -> None:
    store.put_products([product(), product("p2", "Kindle")])
    store.put_reviews(
        [
            review("r1", date="2023-05-01"),
            review("r2", date="2024-03-01", status=PEND),
            review("r3", date="2024-01-01"),
            review("r4", date=""),
            review("r5", "p2"),
        ]
    )
    assert [r.id for r in store.reviews_for("p1")] == ["r3", "r1", "r4"]
    assert [r.id for r in store.reviews_for("p1", status=None)] == ["r2", "r3", "r1", "r4"]
    assert [r.id for r in store.reviews_for("p1", status=PEND)] == ["r2"]
    assert store.set_review_status("r2", PUB) is True
    assert store.set_review_status("nope", PUB) is False
    assert [r.id for r in store.reviews_for("p1")] == ["r2", "r3", "r1", "r4"]
    assert [r.id for r in store.iter_reviews()] == ["r1", "r2", "r3", "r4", "r5"]
    store.set_review_status("r1", REJ)
    assert [r.id for r in store.iter_reviews(REJ)] == ["r1"]
    assert [r.id for r in store.iter_reviews(None)] == ["r1", "r2", "r3", "r4", "r5"]


def test_recent_reviews_since_a_date(store: Store) -> None:
    store.put_products([product()])
    store.put_reviews(
        [review("r1", date="2023-12-31"), review("r2", date="2024-01-01"), review("r3", date="2024-06-01"), review("r4", date="")]
    )
    assert [r.id for r in store.recent_reviews("p1", "2024-01-01")] == ["r3", "r2"]
    assert store.recent_reviews("p1", "2025-01-01") == []


def test_review_validation_names_record_and_field(store: Store) -> None:
    store.put_products([product()])
    with pytest.raises(StoreError, match=r"r9.*rating"):
        store.put_reviews([review("r9", rating=6)])
    with pytest.raises(StoreError, match=r"r8.*product_id.*nope"):
        store.put_reviews([review("r8", pid="nope")])
    assert store.counts().reviews == 0


def test_delete_review_and_reviews_by_user(store: Store) -> None:
    store.put_products([product()])
    store.put_reviews([review("r1", user_id="u1", date="2024-01-01"), review("r2", user_id="u1", date="2024-02-01"), review("r3")])
    assert [r.id for r in store.reviews_by_user("u1")] == ["r2", "r1"]
    assert store.reviews_by_user("") == []
    assert store.delete_review("r1") is True
    assert store.delete_review("r1") is False
    assert [r.id for r in store.reviews_by_user("u1")] == ["r2"]


def test_product_stats_over_published_reviews_only(store: Store) -> None:
    store.put_products([product(), product("p2", "Kindle")])
    store.put_reviews([review("r1", rating=5), review("r2", rating=2), review("r3", rating=1, status=PEND)])
    count, average = store.product_stats("p1")
    assert (count, average) == (2, pytest.approx(3.5))
    assert tuple(store.product_stats("p2")) == (0, None)


# --- community Q&A -------------------------------------------------------------------------
def test_questions_with_answers_ordered_and_filtered(store: Store) -> None:
    store.put_products([product()])
    q1 = question("q1", answers=(answer("a1", votes=1), answer("a2", votes=5), answer("a3", status=PEND)), date="2024-01-01")
    assert store.put_questions([q1, question("q2", date="2024-05-01"), question("q3", status=PEND)]) == 3
    assert store.put_questions([q1]) == 0
    got = store.get_question("q1")
    assert got is not None and got.text == "question q1?" and got.provenance == q1.provenance
    assert [a.id for a in got.answers] == ["a2", "a1", "a3"]  # best voted first, every state
    published = store.questions_for("p1")
    assert [q.id for q in published] == ["q2", "q1"]
    assert [a.id for a in published[1].answers] == ["a2", "a1"]
    assert [q.id for q in store.questions_for("p1", None)] == ["q2", "q3", "q1"]
    assert [q.id for q in store.iter_questions()] == ["q1", "q2"]
    assert [a.id for a in next(iter(store.iter_questions())).answers] == ["a2", "a1"]
    assert [a.id for a in next(iter(store.iter_questions(None))).answers] == ["a2", "a1", "a3"]
    assert [q.id for q in store.iter_questions(PEND)] == ["q3"]
    assert [a.id for a in store.iter_answers(PEND)] == ["a3"]
    assert [a.id for a in store.iter_answers()] == ["a1", "a2"]


def test_add_answer_is_idempotent_and_needs_a_question(store: Store) -> None:
    store.put_products([product()])
    store.put_questions([question("q1")])
    new = Answer(id="a9", question_id="q1", text="yes it does", author="kim", date="2024-03-01", votes=2, user_id="u1")
    assert store.add_answer(new) is True
    assert store.add_answer(new) is False
    assert store.get_answer("a9") == new
    assert store.get_question("q1").answers == (new,)  # type: ignore[union-attr]
    assert store.answers_by_user("u1") == [new]
    with pytest.raises(StoreError, match="unknown question"):
        store.add_answer(Answer(id="a10", question_id="nope", text="x"))


def test_reimport_adds_new_answers_to_a_stored_question(store: Store) -> None:
    store.put_products([product()])
    store.put_questions([question("q1", answers=(answer("a1"),))])
    counts = store.import_batch(questions=[question("q1", answers=(answer("a1"), answer("a2")))])
    assert counts == ImportCounts(answers_added=1)
    assert counts.changed_question_ids == ("q1",) and counts.new_review_ids == ()
    assert {a.id for a in store.get_question("q1").answers} == {"a1", "a2"}  # type: ignore[union-attr]


def test_answers_without_question_id_are_attached_to_their_question(store: Store) -> None:
    store.put_products([product()])
    store.put_questions([question("q1", answers=(Answer(id="a1", question_id="", text="sure"),))])
    assert store.get_answer("a1").question_id == "q1"  # type: ignore[union-attr]


def test_question_and_answer_status_and_deletion(store: Store) -> None:
    store.put_products([product()])
    store.put_questions([Question(id="q1", product_id="p1", text="does it?", user_id="u1", answers=(answer("a1"),))])
    assert store.questions_by_user("u1")[0].id == "q1"
    assert store.set_question_status("q1", REJ) is True
    assert store.set_question_status("nope", REJ) is False
    assert store.questions_for("p1") == []
    assert store.set_answer_status("a1", PEND) is True
    assert store.get_answer("a1").status is PEND  # type: ignore[union-attr]
    assert store.delete_answer("a1") is True
    assert store.delete_answer("a1") is False
    store.add_answer(answer("a2"))
    assert store.delete_question("q1") is True
    assert store.get_answer("a2") is None
    assert store.delete_question("q1") is False


# --- bulk import ---------------------------------------------------------------------------
def test_import_batch_is_idempotent(store: Store) -> None:
    products = [product("p1"), product("p2", "Kindle")]
    reviews = [review("r1"), review("r2", "p2"), review("r3", "p2", rating=1)]
    questions = [question("q1", answers=(answer("a1"), answer("a2")))]
    first = store.import_batch(products, reviews, questions)
    assert first == ImportCounts(products_added=2, reviews_added=3, questions_added=1, answers_added=2)
    assert first.total == 8
    assert first.new_review_ids == ("r1", "r2", "r3") and first.changed_question_ids == ("q1",)
    again = store.import_batch(products, [*reviews, review("r4", "p2")], questions)
    assert again == ImportCounts(reviews_added=1)
    assert again.new_review_ids == ("r4",) and again.changed_question_ids == ()
    assert store.import_batch(products, reviews, questions) == ImportCounts()
    assert store.counts() == StoreCounts(products=2, reviews_published=4, questions=1, answers=2)


def test_import_batch_failure_writes_nothing(store: Store) -> None:
    store.put_products([product("p0", "Existing")])
    before = store.counts()
    products = [product("p1"), product("p2", "Kindle")]
    bad_reviews = [review("r1"), review("r2", "p2"), review("r3", pid="unknown")]
    with pytest.raises(StoreError, match="r3"):
        store.import_batch(products, bad_reviews, [question("q1", answers=(answer("a1"),))])
    assert store.counts() == before
    with pytest.raises(StoreError, match="rating"):
        store.import_batch(products, [review("r1"), review("r2", rating=0)])
    assert store.counts() == before
    assert store.get_product("p1") is None


def test_import_batch_failure_raised_by_the_source_writes_nothing(store: Store) -> None:
    def reviews() -> Iterator[Review]:
        yield review("r1")
        yield review("r2")
        raise ValueError("reviews.csv:3: field 'rating': not a number")

    with pytest.raises(ValueError, match="reviews.csv:3"):
        store.import_batch([product("p1")], reviews(), [])
    assert store.counts() == StoreCounts()


# --- users and friends ---------------------------------------------------------------------
def test_users_found_by_id_hash_friend_code_and_handle(store: Store) -> None:
    ann = user("u1", "Ann", "tiger four two")
    store.put_user(ann)
    assert store.get_user("u1") == ann
    assert store.user_by_alexa_hash("hash-u1") == ann
    assert store.user_by_friend_code("Tiger  Four two ") == ann
    assert store.user_by_handle("ann") == ann
    assert store.user_by_handle("bob") is None
    renamed = user("u1", "Annie", "tiger four two")
    store.put_user(renamed)
    assert store.user_by_handle("ann") is None
    assert store.user_by_handle("ANNIE") == renamed


def test_handles_and_friend_codes_are_unique(store: Store) -> None:
    store.put_user(user("u1", "Ann", "tiger four two"))
    with pytest.raises(StoreError, match="handle"):
        store.put_user(user("u2", "ann", "lion one one"))
    with pytest.raises(StoreError, match="friend_code"):
        store.put_user(user("u2", "Bob", "tiger four two"))
    assert store.get_user("u2") is None
    assert store.user_by_friend_code("lion one one") is None


def test_friendships_in_both_directions_and_user_deletion(store: Store) -> None:
    for u in (user("u1", "Ann", "a a a"), user("u2", "Bob", "b b b"), user("u3", "Cy", "c c c")):
        store.put_user(u)
    store.put_friendship(Friendship("u1", "u2", FriendshipStatus.PENDING, "2024-01-01"))
    store.put_friendship(Friendship("u3", "u2", FriendshipStatus.PENDING, "2024-01-02"))
    assert [f.other_id for f in store.friendships_of("u1")] == ["u2"]
    assert [f.user_id for f in store.friendships_to("u2", FriendshipStatus.PENDING)] == ["u1", "u3"]
    store.put_friendship(Friendship("u1", "u2", FriendshipStatus.ACCEPTED, "2024-01-03"))
    store.put_friendship(Friendship("u2", "u1", FriendshipStatus.ACCEPTED, "2024-01-03"))
    assert store.friendships_of("u1", FriendshipStatus.ACCEPTED) == [Friendship("u1", "u2", FriendshipStatus.ACCEPTED, "2024-01-03")]
    assert store.friendships_of("u1", FriendshipStatus.PENDING) == []
    assert [f.user_id for f in store.friendships_to("u2", FriendshipStatus.PENDING)] == ["u3"]
    assert store.delete_friendship("u3", "u2") is True
    assert store.delete_friendship("u3", "u2") is False
    assert store.delete_user("u1") is True
    assert store.delete_user("u1") is False
    assert store.get_user("u1") is None and store.user_by_handle("ann") is None
    assert store.friendships_of("u2") == [] and store.friendships_to("u2") == []
    with pytest.raises(StoreError):
        store.put_friendship(Friendship("u2", "u2", FriendshipStatus.PENDING))


# --- messages ------------------------------------------------------------------------------
def test_messages_listed_only_for_their_recipient(store: Store) -> None:
    assert store.put_message(message("m2", "u1", "u2", "2024-01-02T10:00:00Z")) is True
    assert store.put_message(message("m1", "u1", "u2", "2024-01-01T10:00:00Z")) is True
    assert store.put_message(message("m1", "u1", "u2", "2024-01-01T10:00:00Z")) is False
    store.put_message(message("m3", "u2", "u1", "2024-01-03T10:00:00Z"))
    store.put_message(message("m4", "u3", "u2", "2024-01-04T10:00:00Z"))
    assert [m.id for m in store.messages_to("u2")] == ["m1", "m2", "m4"]
    assert [m.id for m in store.messages_to("u1")] == ["m3"]
    assert store.messages_to("u9") == []
    assert store.get_message("m1") == message("m1", "u1", "u2", "2024-01-01T10:00:00Z")


def test_message_read_delete_report_and_conversation(store: Store) -> None:
    store.put_message(message("m1", "u1", "u2", "2024-01-01T10:00:00Z"))
    store.put_message(message("m2", "u2", "u1", "2024-01-02T10:00:00Z"))
    store.put_message(message("m3", "u1", "u2", "2024-01-03T10:00:00Z"))
    store.put_message(message("m4", "u3", "u2", "2024-01-04T10:00:00Z"))
    store.update_message(message("m1", "u1", "u2", "2024-01-01T10:00:00Z", read=True))
    assert [m.id for m in store.messages_to("u2", unread_only=True)] == ["m3", "m4"]
    store.update_message(message("m3", "u1", "u2", "2024-01-03T10:00:00Z", deleted_by_recipient=True, reported=True))
    assert [m.id for m in store.messages_to("u2")] == ["m1", "m4"]
    assert [m.id for m in store.reported_messages()] == ["m3"]
    assert [m.id for m in store.messages_between("u2", "u1")] == ["m1", "m2", "m3"]
    with pytest.raises(StoreError, match="m9"):
        store.update_message(message("m9", "u1", "u2", "2024-01-01T10:00:00Z"))
    assert store.delete_messages_of("u1") == 3
    assert store.messages_between("u1", "u2") == []
    assert store.reported_messages() == []
    assert [m.id for m in store.messages_to("u2")] == ["m4"]


# --- polls ---------------------------------------------------------------------------------
def test_polls_and_one_changeable_vote_per_user(store: Store) -> None:
    options = (PollOption("o1", "Echo Dot"), PollOption("o2", "Kindle"))
    poll = Poll(id="poll1", question="Best gift?", options=options, ends_at="2030-01-01T00:00:00Z", created_at="2024-01-02")
    open_poll = Poll(id="poll0", question="What should we review next?", options=(), ends_at="2030-01-01T00:00:00Z", open_ended=True, created_at="2024-01-01")
    store.put_poll(poll)
    store.put_poll(open_poll)
    assert store.get_poll("poll1") == poll
    assert store.get_poll("nope") is None
    assert [p.id for p in store.list_polls()] == ["poll0", "poll1"]
    store.put_vote(Vote("poll1", "u1", "o1", "2024-01-03"))
    store.put_vote(Vote("poll1", "u2", "o1", "2024-01-03"))
    store.put_vote(Vote("poll1", "u1", "o2", "2024-01-04"))
    assert store.votes_for("poll1") == [Vote("poll1", "u1", "o2", "2024-01-04"), Vote("poll1", "u2", "o1", "2024-01-03")]
    with pytest.raises(StoreError, match="unknown poll"):
        store.put_vote(Vote("nope", "u1", "o1"))
    store.put_vote(Vote("poll0", "u1", "o9"))
    assert store.delete_votes_of("u1") == 2
    assert store.votes_for("poll1") == [Vote("poll1", "u2", "o1", "2024-01-03")]
    updated = Poll(id="poll1", question="Best gift ever?", options=options, ends_at="2031-01-01T00:00:00Z", created_at="2024-01-02")
    store.put_poll(updated)
    assert store.get_poll("poll1") == updated
    assert len(store.list_polls()) == 2


# --- memory, idempotency, metadata ---------------------------------------------------------
def test_memory_round_trip_and_delete(store: Store) -> None:
    assert store.get_memory("u1") is None
    memory = UserMemory("u1", ("p1", "p2"), ("books",), (("echo dot", "too quiet"),), {"last_topic": "music"})
    store.put_memory(memory)
    got = store.get_memory("u1")
    assert got == memory and got is not None and got.extra == {"last_topic": "music"}
    store.put_memory(UserMemory("u1", ("p3",)))
    assert store.get_memory("u1") == UserMemory("u1", ("p3",))
    assert store.delete_memory("u1") is True
    assert store.delete_memory("u1") is False


def test_claim_request_once_per_purpose(store: Store) -> None:
    assert store.claim_request("amzn1.echo-api.request.1", "review") is True
    assert store.claim_request("amzn1.echo-api.request.1", "review") is False
    assert store.claim_request("amzn1.echo-api.request.1", "message") is True
    assert store.claim_request("amzn1.echo-api.request.2", "review") is True


def test_meta_values(store: Store) -> None:
    assert store.get_meta("index.fingerprint") is None
    store.set_meta("index.fingerprint", "abc")
    store.set_meta("index.fingerprint", "def")
    assert store.get_meta("index.fingerprint") == "def"


def test_counts_by_status(store: Store) -> None:
    assert store.counts() == StoreCounts()
    store.put_products([product("p1"), product("p2", "Kindle")])
    store.put_reviews([review("r1"), review("r2", status=PEND), review("r3", status=REJ), review("r4", "p2")])
    store.put_questions([question("q1", answers=(answer("a1"), answer("a2", status=PEND)))])
    counts = store.counts()
    assert counts == StoreCounts(products=2, reviews_published=2, reviews_pending=1, reviews_rejected=1, questions=1, answers=2)
    assert counts.reviews == 4
    assert counts.reviews_by_status() == {"published": 2, "pending": 1, "rejected": 1}


def test_store_satisfies_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)
