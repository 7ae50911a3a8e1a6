"""One worker process of the DynamoDB concurrency tests: `python -m tests.knowledge.dynamodb_worker
ENDPOINT TABLE START_AT SCENARIO ARG...` opens its own store, sleeps until the wall-clock
START_AT (so the processes act at the same moment) and plays one scenario the way the skill's
handlers do (claim, check, write). It prints one JSON line with what it did."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

from knowledge.ids import stable_id
from knowledge.model import Message, UserMemory, Vote
from knowledge.store.dynamodb import DynamoDBStore, dynamodb_resource

SENDER, RECIPIENT = "u-sender", "u-recipient"
SENT_AT = "2024-03-01T10:15:00+00:00"


def send(store: DynamoDBStore, request_id: str, kill_after_claim: bool = False) -> dict[str, object]:
    """messages.py's send: claim the request, then store the message it names once."""
    message_id = stable_id("msg", SENDER, request_id)
    first_time = store.claim_request(request_id, "message")
    if kill_after_claim:
        os.kill(os.getpid(), signal.SIGKILL)  # dies between the two steps of the write
    stored = False
    if first_time and store.get_message(message_id) is None:
        stored = store.put_message(Message(message_id, SENDER, RECIPIENT, "hello", SENT_AT))
    return {"first_time": first_time, "stored": stored}


def vote(store: DynamoDBStore, poll_id: str, user_id: str, options: list[str]) -> dict[str, object]:
    """polls.py's vote, once per option in turn (a re-vote), each request sent twice (a retry)."""
    cast = 0
    for n, option in enumerate(options):
        request_id = f"req-{user_id}-{n}"
        for _ in range(2):
            if store.claim_request(request_id, "vote"):
                store.put_vote(Vote(poll_id, user_id, option, SENT_AT))
                cast += 1
    return {"cast": cast}


def remember(store: DynamoDBStore, user_id: str, interest: str) -> dict[str, object]:
    """dialogue/memory.py's load then save, adding one interest."""
    before = store.get_memory(user_id) or UserMemory(user_id=user_id)
    store.put_memory(UserMemory(user_id, interests=(*before.interests, interest)))
    return {"added": interest}


def flag(store: DynamoDBStore, message_id: str, field: str) -> dict[str, object]:
    """messages.py's read / report: read the message, update one flag."""
    from dataclasses import replace

    message = store.get_message(message_id)
    assert message is not None
    store.update_message(replace(message, **{field: True}))
    return {"flagged": field}


def burst(store: DynamoDBStore, worker: str, count: int) -> dict[str, object]:
    """Send `count` messages from one sender (distinct requests): the hourly cap must hold."""
    from knowledge.store.dynamodb import RateLimited

    stored = refused = 0
    for n in range(count):
        try:
            stored += store.put_message(Message(f"m-{worker}-{n}", SENDER, RECIPIENT, "spam", SENT_AT))
        except RateLimited:
            refused += 1
    return {"stored": stored, "refused": refused}


def review(store: DynamoDBStore, worker: str, count: int) -> dict[str, object]:
    """dialogue/social/reviews.py's voice review: claim, then put the review; each request
    sent twice (a retry). The listing's counters must count each review once."""
    from knowledge.model import Review

    stored = 0
    for n in range(count):
        request_id = f"req-review-{worker}-{n}"
        for _ in range(2):
            if store.claim_request(request_id, "review"):
                stored += store.put_reviews(
                    [Review(stable_id("rev", worker, str(n)), "p1", 1 + n % 5, "Loud enough.", user_id=worker)]
                )
    return {"stored": stored}


def move(store: DynamoDBStore, *families: str) -> dict[str, object]:
    """A content editor moving listing p1 from family to family while reviews arrive."""
    moved = sum(store.set_family(["p1"], family) for family in families)
    return {"moved": moved}


def main(argv: list[str]) -> None:
    endpoint, table, start_at, scenario, *args = argv
    store = DynamoDBStore(table, dynamodb_resource("us-east-1", endpoint))
    store.get_meta("warm-up")  # connect before the start line, so the race is in the writes
    time.sleep(max(0.0, float(start_at) - time.time()))
    if scenario == "send":
        result = send(store, args[0], kill_after_claim=args[1:] == ["kill"])
    elif scenario == "vote":
        result = vote(store, args[0], args[1], args[2:])
    elif scenario == "remember":
        result = remember(store, args[0], args[1])
    elif scenario == "flag":
        result = flag(store, args[0], args[1])
    elif scenario == "burst":
        result = burst(store, args[0], int(args[1]))
    elif scenario == "review":
        result = review(store, args[0], int(args[1]))
    elif scenario == "move":
        result = move(store, *args)
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    print(json.dumps(result), flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
