"""Notifications against a local fake of Login with Amazon and the Proactive Events API:
token caching, request shape and schema, stages, retries with backoff, idempotent
referenceIds, permissions, and the outbox hooks of messages and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.config import KnowledgeConfig
from knowledge.model import Answer, Message, Provenance, Question, ReviewStatus, User
from knowledge.outbox import ANSWER_PUBLISHED, MESSAGE_DELIVERED, SENT, SKIPPED, Outbox, event_id, record_event
from knowledge.store import open_store
from knowledge.store.base import Store
from skill.context import hash_alexa_user_id
from skill.notifications.api import ProactiveEventsClient
from skill.notifications.config import NotificationsConfig
from skill.notifications.events import MESSAGE_ALERT, message_alert
from skill.notifications.lifecycle import Lifecycle
from skill.notifications.lwa import TokenSource
from skill.notifications.notifier import Notifier
from skill.notifications.permissions import NOTIFICATIONS_SCOPE
from tests.skill.notifications.fake_amazon import CLIENT_ID, CLIENT_SECRET, FakeAmazon, fake_amazon

NOW = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.timezone.utc)
BOB_ALEXA = "amzn1.ask.account.bob"


@pytest.fixture
def amazon() -> Iterator[FakeAmazon]:
    with fake_amazon() as fake:
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(KnowledgeConfig(data_dir=tmp_path / "data"))
    yield s
    s.close()


def config_for(amazon: FakeAmazon, **overrides: object) -> NotificationsConfig:
    values: dict[str, object] = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                     token_url=amazon.token_url, api_url=amazon.base_url, backoff_s=0.01)
    values.update(overrides)
    return NotificationsConfig(**values)  # type: ignore[arg-type]


def client_for(config: NotificationsConfig, sleeps: list[float]) -> ProactiveEventsClient:
    tokens = TokenSource(config.token_url, config.client_id, config.client_secret)
    return ProactiveEventsClient(config.events_url, tokens, config.max_attempts, config.backoff_s, sleep=sleeps.append)


def alert(ref: str = "ref-1") -> dict[str, object]:
    return message_alert(ref, BOB_ALEXA, "alice", 2, dt.datetime.now(dt.timezone.utc), 23)


def test_token_is_fetched_once_and_reused_until_it_expires(amazon: FakeAmazon) -> None:
    config = config_for(amazon)
    client = client_for(config, [])
    assert client.send(alert("a")).ok and client.send(alert("b")).ok
    assert amazon.token_grants == 1, "a cached token must be reused"
    amazon.expires_in = 30  # shorter than the renewal margin: every use renews
    client = client_for(config, [])
    client.send(alert("c"))
    client.send(alert("d"))
    assert amazon.token_grants == 3
    assert amazon.rejections == []


def test_wrong_secret_is_refused_and_reported_not_raised(amazon: FakeAmazon) -> None:
    config = config_for(amazon, client_secret="wrong", max_attempts=2)
    result = client_for(config, []).send(alert())
    assert not result.ok and amazon.event_posts == 0
    assert "invalid_client" in amazon.rejections


def test_stage_selects_the_endpoint(amazon: FakeAmazon) -> None:
    for stage, path in (("development", "/v1/proactiveEvents/stages/development"), ("live", "/v1/proactiveEvents")):
        client_for(config_for(amazon, stage=stage), []).send(alert(stage))
        assert amazon.paths[-1] == path
    assert NotificationsConfig(region="EU", stage="live").events_url == "https://api.eu.amazonalexa.com/v1/proactiveEvents"
    with pytest.raises(ValueError, match="SHOPTALK_NOTIFY_STAGE"):
        NotificationsConfig(stage="beta")


def test_retries_back_off_and_count_one_event(amazon: FakeAmazon) -> None:
    amazon.fail_next = 2
    sleeps: list[float] = []
    result = client_for(config_for(amazon), sleeps).send(alert("retry"))
    assert result.ok and result.attempts == 3
    assert amazon.event_posts == 3 and list(amazon.events) == ["retry"]
    assert sleeps == [0.01, 0.02], "exponential backoff between attempts"


def test_schema_errors_are_not_retried(amazon: FakeAmazon) -> None:
    bad = alert()
    bad["relevantAudience"] = {"type": "Multicast", "payload": {}}
    result = client_for(config_for(amazon), []).send(bad)
    assert not result.ok and not result.retryable and result.status == 400 and amazon.event_posts == 1


# --- the outbox and the notifier -----------------------------------------------------------

def users(store: Store) -> tuple[User, User]:
    alice = User("u-alice", hash_alexa_user_id("amzn1.ask.account.alice"), "alice", "tiger one")
    bob = User("u-bob", hash_alexa_user_id(BOB_ALEXA), "bob", "lion two")
    store.put_user(alice)
    store.put_user(bob)
    return alice, bob


def grant(store: Store, user: User, alexa_id: str) -> None:
    Lifecycle(store, dt.timedelta(hours=1)).permission_changed(user.alexa_user_hash, alexa_id, [NOTIFICATIONS_SCOPE], NOW)


def deliver(store: Store, sender: User, recipient: User, ident: str) -> None:
    store.put_message(Message(ident, sender.id, recipient.id, "see you at <b>noon</b>", NOW.isoformat()))
    record_event(store, MESSAGE_DELIVERED, ident, now=dt.datetime.now(dt.timezone.utc))


def test_delivered_message_notifies_the_recipient_once(amazon: FakeAmazon, store: Store) -> None:
    alice, bob = users(store)
    grant(store, bob, BOB_ALEXA)
    deliver(store, alice, bob, "msg-1")
    deliver(store, alice, bob, "msg-1")  # a retried request records nothing new
    notifier = Notifier(store, config_for(amazon))
    assert notifier.drain().sent == 1
    assert notifier.drain().sent == 0, "a sent event is never sent again"
    (event,) = amazon.events.values()
    assert event["referenceId"] == event_id(MESSAGE_DELIVERED, "msg-1")
    group = event["event"]["payload"]["messageGroup"]
    assert group == {"creator": {"name": "alice"}, "count": 1, "urgency": "URGENT"}
    assert event["relevantAudience"] == {"type": "Unicast", "payload": {"user": BOB_ALEXA}}
    assert "noon" not in str(event), "the message text never leaves the skill"


def test_users_without_permission_are_not_notified(amazon: FakeAmazon, store: Store) -> None:
    alice, bob = users(store)
    deliver(store, alice, bob, "msg-2")
    counts = Notifier(store, config_for(amazon)).drain()
    assert counts.skipped == 1 and amazon.event_posts == 0
    assert Outbox(store).get(event_id(MESSAGE_DELIVERED, "msg-2")).state == SKIPPED  # type: ignore[union-attr]


def test_subscription_alone_allows_and_withdrawal_forgets_the_id(amazon: FakeAmazon, store: Store) -> None:
    alice, bob = users(store)
    lifecycle = Lifecycle(store, dt.timedelta(hours=1))
    lifecycle.subscriptions_changed(bob.alexa_user_hash, BOB_ALEXA, [MESSAGE_ALERT], NOW)
    deliver(store, alice, bob, "msg-3")
    assert Notifier(store, config_for(amazon)).drain().sent == 1
    withdrawn = lifecycle.subscriptions_changed(bob.alexa_user_hash, BOB_ALEXA, [], NOW)
    assert withdrawn.alexa_user_id == "" and not withdrawn.allows(MESSAGE_ALERT)


def test_failed_drain_defers_and_a_later_drain_sends_once(amazon: FakeAmazon, store: Store) -> None:
    alice, bob = users(store)
    grant(store, bob, BOB_ALEXA)
    deliver(store, alice, bob, "msg-4")
    amazon.fail_next = 2  # both attempts of the first drain fail
    clock = [dt.datetime.now(dt.timezone.utc)]
    config = config_for(amazon, max_attempts=2, retry_after_s=30)
    notifier = Notifier(store, config, clock=lambda: clock[0])
    assert notifier.drain().deferred == 1
    assert notifier.drain().sent == 0, "not due again before its backoff"
    clock[0] += dt.timedelta(seconds=31)
    assert notifier.drain().sent == 1
    assert amazon.event_posts == 3 and len(amazon.events) == 1
    assert Outbox(store).get(event_id(MESSAGE_DELIVERED, "msg-4")).state == SENT  # type: ignore[union-attr]


def test_published_answer_notifies_the_asker(amazon: FakeAmazon, store: Store) -> None:
    alice, bob = users(store)
    grant(store, bob, BOB_ALEXA)
    product = store.list_products()[0]
    store.put_questions([Question(id="q-bob", product_id=product.id, text="is it loud?", author="bob",
                                  date="2026-12-01", status=ReviewStatus.PUBLISHED,
                                  provenance=Provenance("voice"), user_id=bob.id)])
    store.add_answer(Answer(id="a-alice", question_id="q-bob", text="not at all", author="alice",
                            date="2026-12-02", status=ReviewStatus.PENDING, provenance=Provenance("voice"),
                            user_id=alice.id))
    record_event(store, ANSWER_PUBLISHED, "a-alice", now=dt.datetime.now(dt.timezone.utc))
    notifier = Notifier(store, config_for(amazon))
    assert notifier.drain().skipped == 1, "a held answer is not news"
    store.set_answer_status("a-alice", ReviewStatus.PUBLISHED)
    record_event(store, ANSWER_PUBLISHED, "a-alice", now=dt.datetime.now(dt.timezone.utc))  # moderation's hook
    assert notifier.drain().sent == 1
    (event,) = amazon.events.values()
    assert event["event"]["payload"]["messageGroup"]["creator"]["name"] == "alice"
    record_event(store, ANSWER_PUBLISHED, "a-alice", now=dt.datetime.now(dt.timezone.utc))
    assert notifier.drain().sent == 0 and amazon.event_posts == 1


def test_notifications_off_without_credentials(store: Store) -> None:
    assert not NotificationsConfig().enabled
    assert Notifier(store, NotificationsConfig()).drain_soon() is None


def test_delete_my_data_forgets_the_push_address(store: Store) -> None:
    from knowledge.privacy import erase_user
    from skill.notifications.permissions import Permissions

    _, bob = users(store)
    grant(store, bob, BOB_ALEXA)
    assert Permissions(store).get(bob.alexa_user_hash).alexa_user_id == BOB_ALEXA
    erase_user(store, bob.id)
    assert Permissions(store).get(bob.alexa_user_hash).alexa_user_id == ""
    assert BOB_ALEXA not in str(store.get_meta("notify.permission." + bob.alexa_user_hash))


def test_bad_settings_name_the_variable() -> None:
    with pytest.raises(ValueError, match="SHOPTALK_NOTIFY_MAX_ATTEMPTS must be an integer, not 'many'"):
        NotificationsConfig.from_env({"SHOPTALK_NOTIFY_MAX_ATTEMPTS": "many"})
    with pytest.raises(ValueError, match="SHOPTALK_PURGE_GRACE_HOURS must not be negative"):
        NotificationsConfig.from_env({"SHOPTALK_PURGE_GRACE_HOURS": "-1"})
    with pytest.raises(ValueError, match="SHOPTALK_NOTIFY_EXPIRY_HOURS must be 1 to 24"):
        NotificationsConfig.from_env({"SHOPTALK_NOTIFY_EXPIRY_HOURS": "48"})
    live = NotificationsConfig.from_env({"SHOPTALK_NOTIFY_STAGE": "live", "SHOPTALK_NOTIFY_CLIENT_ID": "id",
                                         "SHOPTALK_NOTIFY_CLIENT_SECRET": "secret"})
    assert live.enabled and live.events_url == "https://api.amazonalexa.com/v1/proactiveEvents"
    assert "secret" not in repr(live), "the client secret never appears in a repr"


def test_a_concurrent_drain_skips_an_event_being_sent(amazon: FakeAmazon, store: Store) -> None:
    alice, bob = users(store)
    grant(store, bob, BOB_ALEXA)
    deliver(store, alice, bob, "msg-5")
    config = config_for(amazon)
    other = Notifier(store, config)  # e.g. the scheduled job in another container
    inner: list[object] = []

    class Racing(ProactiveEventsClient):
        def send(self, event):  # type: ignore[no-untyped-def]
            inner.append(other.drain())
            return super().send(event)

    racing = Racing(config.events_url, TokenSource(config.token_url, CLIENT_ID, CLIENT_SECRET), backoff_s=0.01)
    assert Notifier(store, config, client=racing).drain().sent == 1
    assert inner[0].sent == 0 and amazon.event_posts == 1  # type: ignore[attr-defined]
