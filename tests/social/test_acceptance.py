"""Issue 5, point 7: the acceptance scenario exactly as written, one `python -m skill chat
--json --data-dir D --user NAME` process per user session, on a store that first imported
../shared/data/reviews/datafiniti_amazon_devices.csv; then the same story in other words."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
TAP = "B01BH83OOM"  # the Amazon Tap in the Datafiniti data
CODE_SPEECH = re.compile(r"your friend code is ([a-z]+(?: [a-z]+)+)\.", re.IGNORECASE)

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def _env() -> dict[str, str]:
    # No background warm-up: each chat process here lives for a few turns, and a warm-up
    # thread still loading the index when the process exits only adds noise and CPU load.
    return {**os.environ, "HF_HUB_OFFLINE": "1", "SHOPTALK_STORE": "sqlite", "SHOPTALK_GENERATOR": "none",
            "SHOPTALK_WARM_UP": "0"}


def chat(data_dir: Path, user: str, *utterances: str) -> list[dict[str, Any]]:
    """One simulator session as `user`: every utterance on stdin, one JSON object per turn."""
    result = subprocess.run(
        [sys.executable, "-m", "skill", "chat", "--json", "--data-dir", str(data_dir), "--user", user],
        input="\n".join(utterances) + "\n", cwd=PROJECT, env=_env(),
        capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    turns = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [t["utterance"] for t in turns] == list(utterances), result.stdout
    for turn in turns:
        assert "went wrong" not in turn["speech"], turn
        if not turn["end_session"]:
            assert turn["speech"].endswith("?") and turn["reprompt"], turn
    return turns


def knowledge(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "--data-dir", str(data_dir), *args],
        cwd=PROJECT, env=_env(), capture_output=True, text=True, timeout=3600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def data_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("acceptance") / "D"
    knowledge(d, "import", str(shared_data / "reviews" / "datafiniti_amazon_devices.csv"))
    return d


def speech(turns: Sequence[dict[str, Any]], utterance: str) -> str:
    return next(t["speech"] for t in turns if t["utterance"] == utterance)


def search_hits(data_dir: Path, query: str) -> list[str]:
    found = knowledge(data_dir, "search", query, "--product", TAP, "--json")
    return [hit["text"] for hit in json.loads(found.stdout)["hits"]]


def test_acceptance_scenario_as_written(data_dir: Path) -> None:
    D = data_dir
    turns = chat(D, "alice", "open shop talk", "call me alice", "what is my friend code", "stop")
    said = speech(turns, "what is my friend code")
    code_match = CODE_SPEECH.search(said)
    assert code_match, said
    code = code_match.group(1)

    turns = chat(D, "bob", "open shop talk", "call me bob", "add a friend", code, "stop")
    assert "alice" in speech(turns, code).lower()

    turns = chat(D, "alice", "open shop talk", "yes", "stop")
    launch = speech(turns, "open shop talk")
    assert "bob" in launch.lower() and "friends" in launch and "accept" in launch and launch.endswith("?")
    assert "now friends" in speech(turns, "yes")

    message = "send a message to alice saying call me at 555 123 4567 or mail bob@example.com"
    turns = chat(D, "bob", "open shop talk", message, "yes", "stop")
    assert speech(turns, "yes").startswith("Sent.")

    turns = chat(D, "alice", "open shop talk", "read my messages", "stop")
    heard = speech(turns, "read my messages")
    assert "bob" in heard.lower()
    for secret in ("555 123 4567", "555", "4567", "bob@example.com", "example.com"):
        assert secret not in heard, heard

    turns = chat(D, "carol", "open shop talk", "call me carol", "read my messages", "stop")
    carol_heard = speech(turns, "read my messages").lower()
    assert "bob" not in carol_heard and "call me at" not in carol_heard and "no new messages" in carol_heard

    review = "leave a five star review for the amazon tap saying the battery lasts for a whole week of reading"
    turns = chat(D, "bob", "open shop talk", review, "yes", "stop")
    assert "Amazon Tap" in speech(turns, review) and "posted" in speech(turns, "yes")
    hits = search_hits(D, "battery lasts for a whole week")
    assert "the battery lasts for a whole week of reading" in hits, hits

    created = knowledge(D, "poll", "create", "Which album should be on sale for a day?",
                        "--option", "Remain in Light", "--option", "Blue")
    poll_id = created.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"poll-[0-9a-f]+", poll_id), created.stdout
    turns = chat(D, "dave", "open shop talk", "what polls are open", "i vote for blue", "stop")
    assert "Which album should be on sale for a day?" in speech(turns, "what polls are open")
    results = json.loads(knowledge(D, "poll", "results", poll_id, "--json").stdout)
    assert {o["text"]: o["votes"] for o in results["options"]} == {"Remain in Light": 0, "Blue": 1}


def test_the_same_story_in_other_words(data_dir: Path) -> None:
    D = data_dir
    turns = chat(D, "ann", "open shop talk", "my name is ann", "what's my code", "that's all")
    code = CODE_SPEECH.search(speech(turns, "what's my code")).group(1)
    word, first, second = code.split()
    digits = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
              "eight": "8", "nine": "9"}
    written = f"{word.title()} {digits[first]}{digits[second]}"  # how speech recognition may write it
    turns = chat(D, "ben", "launch shop talk", "you can call me ben", f"add friend code {written}", "stop")
    assert "Ann" in speech(turns, f"add friend code {written}")
    turns = chat(D, "ann", "open shop talk", "yes", "stop")
    assert "Ben" in speech(turns, "open shop talk")
    turns = chat(D, "ben", "open shop talk", "text ann saying my number is 555 987 6543", "yes", "stop")
    turns = chat(D, "ann", "open shop talk", "yes", "stop")
    heard = speech(turns, "yes")
    assert "Ben" in heard and "6543" not in heard and "[phone number removed]" in heard
    turns = chat(D, "ben", "open shop talk", "review the amazon tap", "five", "great sound at the beach all afternoon",
                 "yes", "stop")
    assert "posted" in speech(turns, "yes")
    assert "great sound at the beach all afternoon" in search_hits(D, "great sound at the beach")
