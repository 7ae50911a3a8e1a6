"""Fault injection: a slow or throttling DynamoDB (a proxy on loopback in front of the moto
server) costs a store call a bounded time and a StoreUnavailable, a Lambda turn a polite
"I can't reach that right now" well inside Alexa's 8 s, and a write abandoned mid-way is
stored once when the request is retried."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.model import Message
from knowledge.store.base import StoreError
from knowledge.store.dynamodb import DynamoDBStore, DynamoDBTimeouts, StoreUnavailable, create_table, dynamodb_resource
from skill.bench.dynamodb_proxy import FaultProxy
from tests.conftest import DUMMY_AWS

pytestmark = pytest.mark.slow  # starts servers and waits out timeouts

ALEXA_LIMIT_S = 8.0
TIMEOUTS = DynamoDBTimeouts()
# One abandoned operation, then everything fails fast: the bound a store call keeps.
CALL_BOUND_S = TIMEOUTS.operation_s + 0.5


@pytest.fixture
def proxy(dynamodb_endpoint: str) -> Iterator[FaultProxy]:
    server = FaultProxy(dynamodb_endpoint)
    yield server
    server.faults.delay_s, server.faults.throttle = 0.0, False
    server.close()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**DUMMY_AWS, "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def table(dynamodb_endpoint: str, aws_env: None) -> Iterator[str]:
    name = f"shoptalk-faults-{uuid.uuid4().hex[:8]}"
    direct = dynamodb_resource("us-east-1", dynamodb_endpoint)
    create_table(direct, name)
    yield name
    direct.meta.client.delete_table(TableName=name)


def proxied_store(table: str, proxy: FaultProxy) -> DynamoDBStore:
    return DynamoDBStore(table, dynamodb_resource("us-east-1", proxy.url))


def message(n: int = 1) -> Message:
    return Message(f"m{n}", "u1", "u2", "see you at the shop", "2024-03-01T10:00:00+00:00")


def test_the_client_uses_standard_retries_and_short_timeouts(aws_env: None) -> None:
    config = dynamodb_resource("us-east-1", "http://127.0.0.1:9").meta.client.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": TIMEOUTS.max_attempts}
    assert config.connect_timeout <= 2 and config.read_timeout <= 2
    assert TIMEOUTS.max_attempts * (TIMEOUTS.connect_s + TIMEOUTS.read_s) > TIMEOUTS.operation_s, (
        "the operation bound, not botocore's attempts, is what ends a hung call"
    )


def test_a_slow_server_costs_one_bounded_call_then_calls_fail_fast(table: str, proxy: FaultProxy) -> None:
    store = proxied_store(table, proxy)
    assert store.get_product("p1") is None
    proxy.faults.delay_s = 5.0
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="did not answer"):
        store.get_product("p1")
    first = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="not attempted"):
        store.list_products()
    second = time.monotonic() - started
    store.close()
    assert TIMEOUTS.operation_s - 0.1 <= first <= CALL_BOUND_S
    assert second < 0.1


def test_throttling_is_retried_by_botocore_only_then_reported(table: str, proxy: FaultProxy) -> None:
    store = proxied_store(table, proxy)
    proxy.faults.throttle = True
    started = time.monotonic()
    # botocore's retry delays are jittered: usually every attempt is throttled and reported,
    # sometimes the backoff runs into the operation bound first. Both fail politely in time.
    with pytest.raises(StoreUnavailable, match="Throttling|did not answer within"):
        store.get_product("p1")
    elapsed = time.monotonic() - started
    store.close()
    assert 2 <= proxy.faults.operations["throttled GetItem"] <= TIMEOUTS.max_attempts  # no loop of ours
    assert elapsed <= CALL_BOUND_S


def test_slow_responses_use_up_the_budget_and_bound_many_calls(table: str, proxy: FaultProxy) -> None:
    store = proxied_store(table, proxy)
    proxy.faults.delay_s = 0.6  # each call answers, slowly: no timeout ever fires
    started = time.monotonic()
    answered = 0
    with pytest.raises(StoreUnavailable, match="slow for"):
        for _ in range(50):
            store.get_product("p1")
            answered += 1
    elapsed = time.monotonic() - started
    store.close()
    assert 3 <= answered <= 6
    assert elapsed <= TIMEOUTS.slow_budget_s + 1.5


def test_an_abandoned_write_is_stored_once_when_retried(table: str, proxy: FaultProxy) -> None:
    store = proxied_store(table, proxy)
    proxy.faults.delay_s = TIMEOUTS.operation_s + 0.5  # the put reaches the server after we gave up
    with pytest.raises(StoreUnavailable):
        store.put_message(message())
    store.close()
    proxy.faults.delay_s = 0.0
    time.sleep(1.0)  # the late write lands
    retry = proxied_store(table, proxy)  # Alexa's retry, likely on another container
    assert retry.put_message(message()) is False, "the late first write is there: the retry is a no-op"
    assert [m.id for m in retry.messages_to("u2")] == ["m1"]
    retry.close()


@pytest.mark.parametrize("fault", ["slow", "throttle"])
def test_a_lambda_turn_degrades_politely_within_alexas_limit(
    fault: str, table: str, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from skill import lambda_function
    from tests.skill.webservice.conftest import SKILL_ID, envelope

    for name, value in {
        "SHOPTALK_STORE": "dynamodb",
        "SHOPTALK_DYNAMODB_TABLE": table,
        "SHOPTALK_DYNAMODB_ENDPOINT": proxy.url,
        "SHOPTALK_SKILL_ID": SKILL_ID,
        "SHOPTALK_GENERATOR": "none",
        "SHOPTALK_SEED_DEMO": "1",
        "SHOPTALK_WARM_UP": "0",
        "SHOPTALK_DATA_DIR": str(tmp_path / "data"),
    }.items():
        monkeypatch.setenv(name, value)
    lambda_function._runtime.cache_clear()
    turns: list[tuple[float, dict[str, Any]]] = []
    try:
        healthy = lambda_function.lambda_handler(envelope(), None)  # the cold start, on a healthy table
        if fault == "slow":
            proxy.faults.delay_s = 10.0
        else:
            proxy.faults.throttle = True
        for event in (envelope(), envelope("IntentRequest", intent="ReadMessagesIntent")):
            started = time.monotonic()
            answer = lambda_function.lambda_handler(event, None)  # raises nothing: no 5xx
            turns.append((time.monotonic() - started, answer))
    finally:
        proxy.faults.delay_s, proxy.faults.throttle = 0.0, False
        lambda_function._runtime.cache_clear()
    assert "Shop Talk" in healthy["response"]["outputSpeech"]["ssml"]
    (launch_s, launch), (read_s, read) = turns
    # The launch greets without the user's name and news; reading messages needs the store.
    assert "Welcome to Shop Talk" in launch["response"]["outputSpeech"]["ssml"]
    speech = read["response"]["outputSpeech"]["ssml"]
    assert "can't reach that right now" in speech, speech
    assert read["response"]["shouldEndSession"] is False
    for elapsed in (launch_s, read_s):
        assert elapsed <= CALL_BOUND_S + 1.0 < ALEXA_LIMIT_S, f"a turn took {elapsed:.1f} s"


def test_throttled_vote_is_unavailable_not_an_unknown_poll(table: str, proxy: FaultProxy) -> None:
    from knowledge.model import Poll, PollOption, Vote

    store = proxied_store(table, proxy)
    store.put_poll(Poll("p1", "Which?", (PollOption("a", "A"),), "2099-01-01"))
    proxy.faults.throttle = True
    with pytest.raises(StoreUnavailable) as throttled:
        store.put_vote(Vote("p1", "u1", "a"))
    proxy.faults.throttle = False
    with pytest.raises(StoreUnavailable, match="failed moments ago"):
        store.put_vote(Vote("p1", "u1", "a"))  # still throttled after every attempt: shed load
    store.close()
    store = proxied_store(table, proxy)
    with pytest.raises(StoreError, match="unknown poll") as unknown:
        store.put_vote(Vote("nope", "u1", "a"))
    store.close()
    assert "unknown poll" not in str(throttled.value)
    assert not isinstance(unknown.value, StoreUnavailable)


def test_bad_timeouts_are_refused_with_the_field_named() -> None:
    with pytest.raises(ValueError, match="'read_s' must be positive"):
        DynamoDBTimeouts(read_s=0)
    with pytest.raises(ValueError, match="'max_attempts'"):
        DynamoDBTimeouts(max_attempts=0)
