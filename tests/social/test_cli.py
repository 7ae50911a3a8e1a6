"""The content team's social commands through real subprocesses: poll create / list /
results, reported messages and conversations, delete-user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dialogue.social import SocialService
from dialogue.state import Pending
from knowledge.config import KnowledgeConfig
from knowledge.model import Vote
from knowledge.store import open_store
from tests.social.conftest import Talk

PROJECT = Path(__file__).resolve().parents[2]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SHOPTALK_STORE": "sqlite"}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", "-q", "--data-dir", str(data_dir), *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_poll_create_list_results(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = run(data, "poll", "create", "Which album should be on sale for a day?",
                  "--option", "Remain in Light", "--option", "Blue")
    assert created.returncode == 0, created.stderr
    poll_id = created.stdout.strip().splitlines()[-1]
    assert poll_id.startswith("poll-") and " " not in poll_id
    store = open_store(KnowledgeConfig(data_dir=data))
    try:
        poll = store.get_poll(poll_id)
        assert poll is not None and [o.text for o in poll.options] == ["Remain in Light", "Blue"]
        ends = datetime.fromisoformat(poll.ends_at)
        assert timedelta(days=6) < ends - datetime.now(UTC) <= timedelta(days=8)
        blue = poll.options[1].id
        store.put_vote(Vote(poll_id, "u1", blue))
        store.put_vote(Vote(poll_id, "u2", blue))
        store.put_vote(Vote(poll_id, "u2", poll.options[0].id))  # u2 changed their mind
    finally:
        store.close()
    result = json.loads(run(data, "poll", "results", poll_id, "--json").stdout)
    assert {o["text"]: o["votes"] for o in result["options"]} == {"Remain in Light": 1, "Blue": 1}
    assert result["total_votes"] == 2 and result["winner"] is None and result["open"] is True
    text = run(data, "poll", "results", poll_id).stdout
    assert "Which album should be on sale for a day?" in text and "2 vote(s)" in text
    listing = run(data, "poll", "list", "--json")
    assert [p["id"] for p in json.loads(listing.stdout)] == [poll_id]


def test_poll_create_options_and_errors(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok = run(data, "poll", "create", "What should we review next?", "--open", "--ends", "2099-01-31")
    assert ok.returncode == 0, ok.stderr
    poll_id = ok.stdout.strip().splitlines()[-1]
    result = json.loads(run(data, "poll", "results", poll_id, "--json").stdout)
    assert result["open_ended"] is True and result["ends_at"] == "2099-02-01T00:00:00+00:00"
    assert "--ends" in error_line(run(data, "poll", "create", "Q?", "--option", "a", "--option", "b", "--ends", "soon"))
    assert "past" in error_line(run(data, "poll", "create", "Q?", "--option", "a", "--option", "b", "--ends", "2001-01-01"))
    assert "at least two" in error_line(run(data, "poll", "create", "Q?", "--option", "a"))
    assert "twice" in error_line(run(data, "poll", "create", "Q?", "--option", "a", "--option", "A"))
    assert "no poll with id" in error_line(run(data, "poll", "results", "poll-nope"))


@pytest.fixture
def social_on_disk(tmp_path: Path) -> SocialService:
    store = open_store(KnowledgeConfig(data_dir=tmp_path / "data"))
    return SocialService(store, lambda: (_ for _ in ()).throw(RuntimeError("no index in this test")))


def test_disputes_show_only_reported_conversations_by_handle(tmp_path: Path, social_on_disk: SocialService) -> None:
    from tests.social.test_friends_messages import befriend

    social = social_on_disk
    alice, bob, carol = (Talk(social, f"hash-{n}") for n in ("alice", "bob", "carol"))
    for user, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        user(lambda t, n=name: social.friends.set_name(t, n))
    befriend(alice, bob)
    befriend(alice, carol)
    bob(lambda t: social.messages.compose(t, "alice", "you will regret this, mail me at bob@example.com"))
    bob(social.messages.send)
    carol(lambda t: social.messages.compose(t, "alice", "see you at lunch"))
    carol(social.messages.send)
    alice(social.messages.read)
    social.store.close()
    data = tmp_path / "data"
    assert json.loads(run(data, "messages", "reported", "--json").stdout) == []
    assert "only reported conversations" in error_line(run(data, "messages", "conversation", "alice", "bob"))

    social2 = SocialService(open_store(KnowledgeConfig(data_dir=data)), lambda: None)
    talk = Talk(social2, "hash-alice")
    first = social2.store.messages_to(social2.profiles.find("hash-alice").id)[0]
    talk.state = talk.state.updated(pending=Pending("heard_message", {"id": first.id, "sender": first.sender_id}))
    talk(social2.messages.report_heard)
    social2.store.close()

    reported = json.loads(run(data, "messages", "reported", "--json").stdout)
    assert [(r["from"], r["to"], r["reported"]) for r in reported] == [("Bob", "Alice", True)]
    assert "bob@example.com" not in reported[0]["text"] and "[email removed]" in reported[0]["text"]
    conversation = run(data, "messages", "conversation", "Alice", "bob")
    assert conversation.returncode == 0, conversation.stderr
    assert "Bob -> Alice [REPORTED]" in conversation.stdout and "hash-" not in conversation.stdout
    assert "only reported" in error_line(run(data, "messages", "conversation", "alice", "carol"))
    assert "no user with the handle" in error_line(run(data, "messages", "conversation", "alice", "zed"))


def test_delete_user_needs_yes_and_erases(tmp_path: Path, social_on_disk: SocialService) -> None:
    from tests.social.test_friends_messages import befriend

    social = social_on_disk
    alice, bob = Talk(social, "hash-alice"), Talk(social, "hash-bob")
    alice(lambda t: social.friends.set_name(t, "alice"))
    bob(lambda t: social.friends.set_name(t, "bob"))
    befriend(alice, bob)
    bob(lambda t: social.messages.compose(t, "alice", "hi"))
    bob(social.messages.send)
    bob_id = social.profiles.find("hash-bob").id
    social.store.close()
    data = tmp_path / "data"
    assert "--yes" in error_line(run(data, "delete-user", "bob"))
    done = run(data, "delete-user", "Bob", "--yes")
    assert done.returncode == 0, done.stderr
    assert "1 message(s)" in done.stdout
    store = open_store(KnowledgeConfig(data_dir=data))
    try:
        assert store.get_user(bob_id) is None and store.user_by_handle("alice") is not None
        assert store.messages_to(store.user_by_handle("alice").id) == []
    finally:
        store.close()
    assert "no user with the handle" in error_line(run(data, "delete-user", "bob", "--yes"))
