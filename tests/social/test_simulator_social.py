"""Social features through the simulator and the real skill object: a replayed request
stores one review, which `python -m knowledge search` then finds; a poll created from the CLI
is voted on by voice, re-voted and counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.store import open_store
from skill.app import build_skill
from skill.config import SkillConfig
from skill.simulator import Simulator
from skill.simulator import envelopes

PROJECT = Path(__file__).resolve().parents[2]


def knowledge_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SHOPTALK_STORE": "sqlite"}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", "-q", "--data-dir", str(data_dir), *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture
def config(tmp_path: Path) -> SkillConfig:
    return SkillConfig.from_env({}).with_overrides(data_dir=tmp_path / "data", generator="none")


@pytest.mark.slow
def test_replayed_review_request_stores_one_review_found_by_search(config: SkillConfig) -> None:
    sim = Simulator.from_config(config, user="sim-reviewer")
    sim.say("open shop talk")
    turn = sim.say("leave a four star review for the roomba saying it maps the whole flat in one run")
    assert turn.speech.endswith("Shall I post it?"), turn.speech
    # the "yes" request, built once and delivered twice (Alexa retrying the same request)
    session = sim._session  # noqa: SLF001 - the simulator's live session, as Alexa keeps it
    assert session is not None
    document = envelopes.envelope(
        sim._caller,  # noqa: SLF001
        envelopes.intent_request(sim._caller.locale, "AMAZON.YesIntent", {}, None),  # noqa: SLF001
        session.session_id, False, session.attributes,
    )
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    serializer = DefaultSerializer()
    skill = build_skill(config)
    speeches = []
    for _ in range(2):
        envelope = serializer.deserialize(json.dumps(document), RequestEnvelope)
        response = serializer.serialize(skill.invoke(request_envelope=envelope, context=None))
        speeches.append(response["response"]["outputSpeech"]["ssml"])
    assert all("is posted" in s for s in speeches), speeches
    store = open_store(config.knowledge)
    try:
        texts = [r.text for r in store.reviews_for("demo-roomba-j7") if r.provenance.source == "voice"]
    finally:
        store.close()
    assert texts == ["it maps the whole flat in one run"]
    found = knowledge_cli(config.knowledge.data_dir, "search", "maps the whole flat in one run",
                          "--product", "demo-roomba-j7", "--json")
    assert found.returncode == 0, found.stderr
    hits = [h["text"] for h in json.loads(found.stdout)["hits"]]
    assert hits.count("it maps the whole flat in one run") == 1


def test_poll_from_cli_voted_revoted_and_counted(config: SkillConfig) -> None:
    created = knowledge_cli(config.knowledge.data_dir, "poll", "create", "Which album should be on sale for a day?",
                            "--option", "Remain in Light", "--option", "Blue", "--option", "Rumours")
    assert created.returncode == 0, created.stderr
    poll_id = created.stdout.strip().splitlines()[-1]
    voters = {"sim-dave": ["what polls are open", "i vote for blue", "i'd vote for remain in light"],
              "sim-erin": ["any polls", "my vote is rumours"],
              "sim-finn": ["let me vote", "put me down for blue", "vote for blue"]}
    for user, utterances in voters.items():
        sim = Simulator.from_config(config, user=user)
        sim.say("open shop talk")
        for utterance in utterances:
            turn = sim.say(utterance)
            assert turn.intent == "PollIntent" and turn.speech.endswith("?"), (utterance, turn.speech)
        assert "changed your vote" in turn.speech or "counted your vote" in turn.speech
        sim.say("stop")
    results = json.loads(knowledge_cli(config.knowledge.data_dir, "poll", "results", poll_id, "--json").stdout)
    assert {o["text"]: o["votes"] for o in results["options"]} == {"Remain in Light": 1, "Blue": 1, "Rumours": 1}
    assert results["total_votes"] == 3


def test_every_social_turn_keeps_alexas_rules(config: SkillConfig) -> None:
    """Open responses end with a question and carry a reprompt, in both locales."""
    for locale in ("en-US", "en-GB"):
        sim = Simulator.from_config(config, user=f"sim-rules-{locale}", locale=locale)
        for utterance in ["open shop talk", "call me rule", "what is my friend code", "add a friend",
                          "xylophone one two", "friend requests", "read my messages", "report it",
                          "delete it", "block them", "read my reviews", "delete my review",
                          "send a message", "ask the community", "answer questions", "skip",
                          "what polls are open", "i vote for nothing at all", "delete my data", "no"]:
            turn = sim.say(utterance)
            assert "went wrong" not in turn.speech, (utterance, turn.speech)
            if not turn.end_session:
                assert turn.speech.endswith("?") and turn.reprompt, (locale, utterance, turn.speech)
