"""End to end through the skill: Bob grants the permission (a real SkillPermissionAccepted
envelope), Alice sends him a message by voice, and the notification reaches the fake
Proactive Events API after the turn, without the turn waiting for a slow Amazon."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.model import Friendship, FriendshipStatus, User
from skill.app import build_skill, services_for
from skill.config import SkillConfig
from skill.context import hash_alexa_user_id
from skill.simulator import Simulator
from tests.skill.notifications.fake_amazon import CLIENT_ID, CLIENT_SECRET, FakeAmazon, fake_amazon
from tests.skill.notifications.test_lifecycle_events import envelope

BOB = "amzn1.ask.account.nt-bob"


@pytest.fixture
def amazon() -> Iterator[FakeAmazon]:
    with fake_amazon() as fake:
        yield fake


def _config(tmp_path: Path, amazon: FakeAmazon) -> SkillConfig:
    base = SkillConfig.from_env({}).with_overrides(data_dir=tmp_path / "data", generator="none", warm_up=False)
    notify = replace(base.notifications, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                     token_url=amazon.token_url, api_url=amazon.base_url, backoff_s=0.01)
    return replace(base, notifications=notify)


def _wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_message_by_voice_notifies_the_friend_after_the_turn(tmp_path: Path, amazon: FakeAmazon) -> None:
    config = _config(tmp_path, amazon)
    store = services_for(config).store
    alice = User("u-nt-alice", hash_alexa_user_id("amzn1.ask.account.nt-alice"), "Alice", "marble one")
    bob = User("u-nt-bob", hash_alexa_user_id(BOB), "Bob", "marble two")
    for user in (alice, bob):
        store.put_user(user)
    store.put_friendship(Friendship(alice.id, bob.id, FriendshipStatus.ACCEPTED))
    store.put_friendship(Friendship(bob.id, alice.id, FriendshipStatus.ACCEPTED))

    skill = build_skill(config)
    from ask_sdk_model import RequestEnvelope

    granted = envelope("skill_permission_accepted", dt.datetime.now(dt.timezone.utc), user=BOB)
    skill.invoke(request_envelope=skill.serializer.deserialize(json.dumps(granted), RequestEnvelope), context=None)

    amazon.delay_s = 1.5  # Amazon is slow today
    sim = Simulator.from_config(config, user="nt-alice")
    sim.say("open shop talk")
    composed = sim.say("send a message to bob saying see you at six")
    assert "see you at six" in composed.speech
    sent = sim.say("yes")
    assert "Sent" in sent.speech
    assert sent.latency_ms < 1000, f"the turn waited for Amazon ({sent.latency_ms:.0f} ms)"
    assert _wait_for(lambda: len(amazon.events) == 1), f"no notification arrived: {amazon.rejections}"
    (event,) = amazon.events.values()
    assert event["relevantAudience"]["payload"]["user"] == BOB
    assert event["event"]["payload"]["messageGroup"]["creator"]["name"] == "Alice"
    assert "six" not in json.dumps(event)
    sim.say("stop")
    time.sleep(0.3)
    assert amazon.event_posts == 1 and amazon.token_grants == 1
