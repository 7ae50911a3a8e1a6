"""The process `python -m skill.bench dynamodb` measures: a fresh Lambda-like process that
answers turns through `skill.lambda_function.lambda_handler` on the DynamoDB store.

Run as a script (`python skill/bench/lambda_turns.py`) with PYTHONPATH naming the checkout to
measure, so the same driver measures an older commit too: it imports nothing from skill.bench.
Before each turn it prints {"turn": name} and waits for a line on stdin (the parent resets its
call counters then); after it, {"turn": name, "done_at": epoch seconds, "speech": ...}.
Message send and vote are played at the store the way dialogue/social makes those calls
(the spoken flows need a friend and a poll first). "product again" is the product question
once more, 2.1 s later (past the linker's refresh interval), as a warm container answers it.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from typing import Any

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-00000000bench"
PRODUCT_QUESTION = ("ProductQuestionIntent", {"Query": "is it loud enough for a kitchen", "Product": "echo dot"})
SUMMARY = ("ReviewSummaryIntent", {"Product": "echo dot"})


def envelope(user: str, intent: tuple[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """A complete Alexa request envelope for `user` (a launch when `intent` is None)."""
    request: dict[str, Any] = {
        "type": "LaunchRequest" if intent is None else "IntentRequest",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "locale": "en-US",
    }
    if intent is not None:
        name, slots = intent
        request["intent"] = {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {k: {"name": k, "value": v, "confirmationStatus": "NONE"} for k, v in slots.items()},
        }
    application = {"applicationId": SKILL_ID}
    account = {"userId": f"amzn1.ask.account.{user}"}
    return {
        "version": "1.0",
        "session": {
            "new": intent is None,
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": {},
            "user": account,
        },
        "context": {
            "System": {
                "application": application,
                "user": account,
                "device": {"deviceId": "amzn1.ask.device.BENCH", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": request,
    }


def turn(name: str, answer: Any) -> None:
    print(json.dumps({"turn": name}), flush=True)
    sys.stdin.readline()
    speech = answer()
    print(json.dumps({"turn": name, "done_at": time.time(), "speech": str(speech)[:120]}), flush=True)


def speak(event: dict[str, Any]) -> str:
    from skill import lambda_function

    return str(lambda_function.lambda_handler(event, None)["response"].get("outputSpeech", {}).get("ssml", ""))


def send_message(store: Any, sender: str, recipient: str) -> str:
    """dialogue/social/messages.py's send at the store: claim, check, rate-limit read, put."""
    from knowledge.model import Message

    request_id = f"req-{uuid.uuid4()}"
    if store.claim_request(request_id, "message") and store.get_message(request_id) is None:
        store.messages_between(sender, recipient)
        store.put_message(Message(request_id, sender, recipient, "see you", time.strftime("%Y-%m-%dT%H:%M:%S+00:00")))
    return "sent"


def vote(store: Any, user: str) -> str:
    """dialogue/social/polls.py's vote at the store: the poll, the claim, the vote."""
    from knowledge.model import Vote

    poll = store.get_poll("bench-poll")
    request_id = f"req-{uuid.uuid4()}"
    if store.claim_request(request_id, "vote"):
        store.put_vote(Vote(poll.id, user, poll.options[0].id, time.strftime("%Y-%m-%dT%H:%M:%S+00:00")))
    return "voted"


def main() -> None:
    user = f"BENCH{uuid.uuid4().hex[:8].upper()}"
    turn("launch", lambda: speak(envelope(user)))
    turn("product question", lambda: speak(envelope(user, PRODUCT_QUESTION)))
    turn("summary", lambda: speak(envelope(user, SUMMARY)))
    time.sleep(2.1)  # past the linker's 2 s refresh: a warm container's product turn, catalog unchanged
    turn("product again", lambda: speak(envelope(user, PRODUCT_QUESTION)))
    from knowledge.model import Poll, PollOption
    from skill.app import services_for
    from skill.config import SkillConfig

    store = services_for(SkillConfig.from_env()).store
    store.put_poll(Poll("bench-poll", "Which colour?", (PollOption("a", "Red"), PollOption("b", "Blue")), "2099-01-01"))
    turn("message send", lambda: send_message(store, f"u-{user}", "u-friend"))
    turn("vote", lambda: vote(store, f"u-{user}"))


if __name__ == "__main__":
    main()
