"""Concurrency against the moto server from several processes at once: the same retried
request stores one record, votes and re-votes count exactly, racing updates keep both
changes, the hourly message cap holds across processes, and a process killed (SIGKILL)
between the claim and the write leaves nothing half-written for the retry to trip on.

The processes reach moto through a proxy that forwards one request at a time: moto's threaded
server does not make a conditional write atomic, DynamoDB does (see skill.bench.dynamodb_proxy)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from knowledge.model import Message, Poll, PollOption
from knowledge.store.dynamodb import DynamoDBStore, create_table, dynamodb_resource
from knowledge.store.dynamodb.messages import MESSAGES_PER_HOUR
from skill.bench.dynamodb_proxy import FaultProxy
from tests.conftest import DUMMY_AWS, PROJECT_ROOT
from tests.knowledge.dynamodb_worker import RECIPIENT, SENDER, SENT_AT

pytestmark = pytest.mark.slow  # starts a server and several processes

WORKERS = 6


@pytest.fixture
def endpoint(dynamodb_endpoint: str) -> Iterator[str]:
    """The moto server behind a proxy that applies requests one at a time, as DynamoDB does per item."""
    proxy = FaultProxy(dynamodb_endpoint, serialize=True)
    yield proxy.url
    proxy.close()


@pytest.fixture
def table(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in DUMMY_AWS.items():
        monkeypatch.setenv(name, value)
    name = f"shoptalk-race-{uuid.uuid4().hex[:8]}"
    resource = dynamodb_resource("us-east-1", endpoint)
    create_table(resource, name)
    yield name
    resource.meta.client.delete_table(TableName=name)


@pytest.fixture
def store(table: str, endpoint: str) -> Iterator[DynamoDBStore]:
    opened = DynamoDBStore(table, dynamodb_resource("us-east-1", endpoint))
    yield opened
    opened.close()


def run_workers(endpoint: str, table: str, jobs: list[list[str]], start_in_s: float = 2.5) -> list[Any]:
    """Start one process per job, all acting at the same moment; their JSON results (None for
    a process that was killed)."""
    start_at = str(time.time() + start_in_s)
    env = {**os.environ, **DUMMY_AWS}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.knowledge.dynamodb_worker", endpoint, table, start_at, *job],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT, env=env,
        )
        for job in jobs
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        if process.returncode == -signal.SIGKILL:
            results.append(None)
            continue
        assert process.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def raw_items(store: DynamoDBStore, pk: str) -> list[dict[str, Any]]:
    client = store._client
    return client.query(
        TableName=store.table_name, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": pk},
        ConsistentRead=True,
    )["Items"]


def test_the_same_request_from_many_processes_stores_one_message(
    store: DynamoDBStore, table: str, endpoint: str
) -> None:
    results = run_workers(endpoint, table, [["send", "req-1"]] * WORKERS)
    assert sum(bool(r["stored"]) for r in results) == 1, results
    assert [m.sender_id for m in store.messages_to(RECIPIENT)] == [SENDER]
    assert len(raw_items(store, "REQ#req-1")) == 1  # one claim, written with the message


def test_a_process_killed_between_claim_and_write_leaves_nothing_and_the_retry_completes(
    store: DynamoDBStore, table: str, endpoint: str
) -> None:
    killed = run_workers(endpoint, table, [["send", "req-2", "kill"]], start_in_s=0.5)
    assert killed == [None]
    assert raw_items(store, "REQ#req-2") == [], "no claim without its message"
    assert store.messages_to(RECIPIENT) == []
    retried = run_workers(endpoint, table, [["send", "req-2"]] * 3)
    assert sum(bool(r["stored"]) for r in retried) == 1
    assert len(store.messages_to(RECIPIENT)) == 1


def test_votes_and_revotes_from_many_processes_count_exactly(
    store: DynamoDBStore, table: str, endpoint: str
) -> None:
    store.put_poll(Poll("p1", "Which colour?", (PollOption("a", "Red"), PollOption("b", "Blue")), "2099-01-01", created_at=SENT_AT))
    jobs = [["vote", "p1", f"user{n}", "a", "b" if n % 2 else "a"] for n in range(WORKERS)]
    results = run_workers(endpoint, table, jobs)
    assert [r["cast"] for r in results] == [2] * WORKERS  # each retry wrote nothing
    votes = store.votes_for("p1")
    assert len(votes) == WORKERS
    assert Counter(v.option_id for v in votes) == {"a": WORKERS // 2 + WORKERS % 2, "b": WORKERS // 2}


def test_racing_memory_updates_keep_every_interest(
    store: DynamoDBStore, table: str, endpoint: str
) -> None:
    jobs = [["remember", "u1", f"interest {n}"] for n in range(WORKERS)]
    run_workers(endpoint, table, jobs)
    memory = store.get_memory("u1")
    assert memory is not None
    assert sorted(memory.interests) == sorted(f"interest {n}" for n in range(WORKERS))


def test_racing_message_updates_keep_both_flags(store: DynamoDBStore, table: str, endpoint: str) -> None:
    store.put_message(Message("m1", SENDER, RECIPIENT, "hello", SENT_AT))
    run_workers(endpoint, table, [["flag", "m1", "read"], ["flag", "m1", "reported"]] * 2)
    message = store.get_message("m1")
    assert message is not None and message.read and message.reported
    assert [m.id for m in store.reported_messages()] == ["m1"]


def test_the_hourly_message_cap_holds_across_processes(
    store: DynamoDBStore, table: str, endpoint: str
) -> None:
    per_worker = MESSAGES_PER_HOUR // 4 + 2  # together well over the cap
    results = run_workers(endpoint, table, [["burst", f"w{n}", str(per_worker)] for n in range(WORKERS)])
    assert sum(r["stored"] for r in results) == MESSAGES_PER_HOUR
    assert sum(r["refused"] for r in results) == WORKERS * per_worker - MESSAGES_PER_HOUR
    assert len(store.messages_to(RECIPIENT)) == MESSAGES_PER_HOUR


def test_the_store_cap_matches_the_moderation_policy() -> None:
    from knowledge.moderation.ratelimit import MESSAGE_LIMIT

    assert MESSAGE_LIMIT.limit == MESSAGES_PER_HOUR and MESSAGE_LIMIT.window.total_seconds() == 3600


def test_a_claim_no_write_follows_is_never_stored_but_still_answers_false(store: DynamoDBStore) -> None:
    assert store.claim_request("req-9", "vote") is True
    assert store.claim_request("req-9", "vote") is False
    assert raw_items(store, "REQ#req-9") == []


def test_a_stale_read_does_not_undo_another_writers_change(store: DynamoDBStore, table: str, endpoint: str) -> None:
    other = DynamoDBStore(table, dynamodb_resource("us-east-1", endpoint))
    store.put_message(Message("m2", SENDER, RECIPIENT, "hello", SENT_AT))
    mine, theirs = store.get_message("m2"), other.get_message("m2")
    assert mine is not None and theirs is not None
    other.update_message(replace(theirs, reported=True))
    store.update_message(replace(mine, read=True))  # read before the report: must not clear it
    other.close()
    final = store.get_message("m2")
    assert final is not None and final.read and final.reported


def test_review_counters_stay_exact_while_processes_review_and_move_the_listing(
    store: DynamoDBStore, table: str, endpoint: str
) -> None:
    from knowledge.model import Family, FamilyOrigin, Product

    store.import_batch([Product("p1", "Echo Dot", family_id="fam-a")],
                       families=[Family("fam-a", "Echo Dot"), Family("fam-b", "Echo Dot (new)", (), FamilyOrigin.EDITED)])
    jobs = [["review", f"u{n}", "5"] for n in range(WORKERS - 1)] + [["move", "fam-b", "fam-a", "fam-b"]]
    results = run_workers(endpoint, table, jobs)
    assert [r["stored"] for r in results[:-1]] == [5] * (WORKERS - 1), "each retried review stored once"
    total = 5 * (WORKERS - 1)
    listing = store.product_stats("p1")
    assert listing.review_count == total and listing.average_rating == pytest.approx(3.0)
    final = store.get_product("p1").family_id  # type: ignore[union-attr]
    assert final == "fam-b"
    assert store.family_stats("fam-b").review_count == total
    assert store.family_stats("fam-a").review_count == 0, "nothing counted in the family it left"
