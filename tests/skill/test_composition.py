"""Config and composition root: nothing heavy at import time, env then CLI flags, one
skill object per config, every open-session response is a question with a reprompt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.app import build_skill
from skill.config import SkillConfig
from skill.simulator import Simulator

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers", "boto3", "llama_cpp", "flask")


def test_importing_the_skill_loads_nothing_heavy() -> None:
    code = (
        "import sys, skill.app, skill.builder, skill.simulator, skill.__main__\n"
        f"heavy = [m for m in sys.modules if m.split('.')[0] in {HEAVY!r}]\n"
        "print(','.join(sorted(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert result.stdout.strip() == "", f"imported at import time: {result.stdout}"


def test_building_the_skill_and_a_launch_load_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from skill.config import SkillConfig\n"
        "from skill.simulator import Simulator\n"
        f"config = SkillConfig.from_env({{}}).with_overrides(data_dir=Path({str(tmp_path)!r}))\n"
        "sim = Simulator.from_config(config)\n"
        "assert 'Welcome' in sim.say('open shop talk').speech\n"
        "sim.say('help')\n"
        f"heavy = [m for m in sys.modules if m.split('.')[0] in {HEAVY!r}]\n"
        "print(','.join(sorted(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert result.stdout.strip() == "", f"launch/help loaded: {result.stdout}"


def test_env_then_cli_overrides(tmp_path: Path) -> None:
    env = {"SHOPTALK_DATA_DIR": str(tmp_path / "env"), "SHOPTALK_LOCALE": "en-GB", "SHOPTALK_GENERATOR": "none"}
    config = SkillConfig.from_env(env)
    assert config.knowledge.data_dir == tmp_path / "env" and config.default_locale == "en-GB"
    overridden = config.with_overrides(data_dir=tmp_path / "cli", default_locale=None, generator=None)
    assert overridden.knowledge.data_dir == tmp_path / "cli"
    assert overridden.default_locale == "en-GB" and overridden.dialogue.generator == "none"


def test_one_skill_object_per_config(skill_config: SkillConfig) -> None:
    assert build_skill(skill_config) is build_skill(skill_config)


# Utterances across every intent and state: every response that keeps the session open must
# end with a question and carry a reprompt (certification), and none may be an error.
SWEEP = [
    "open shop talk", "help", "what can i say", "say that again", "yes", "next", "go home",
    "purple monkey dishwasher", "call me alice", "what is my friend code", "add a friend",
    "tiger four two", "send a message to alice saying hi there", "read my messages",
    "leave a review", "what polls are open", "i vote for blue", "ask the community",
    "answer questions", "delete my data", "what do people say about the echo dot",
    "is the paperwhite any good for reading at night", "tell me about the roomba",
    "let's chat", "let's talk about books", "what do you think of jazz", "more",
    "ask the community whether the fire stick works abroad", "is it good for travel",
    "how are the reviews", "no",
]


@pytest.mark.slow  # product answers build the search index (embedding model) once
@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_every_open_response_is_a_question_with_a_reprompt(shared_skill_config: SkillConfig, locale: str) -> None:
    simulator = Simulator.from_config(shared_skill_config, user=f"sweep-{locale}", locale=locale)
    simulator.say("open shop talk")
    for utterance in SWEEP:
        turn = simulator.say(utterance)
        assert "went wrong" not in turn.speech, f"{utterance!r} hit the exception handler"
        assert turn.speech or turn.end_session, f"{utterance!r}: nothing said"
        if not turn.end_session:
            assert turn.speech.rstrip().endswith("?"), f"{utterance!r}: {turn.speech!r} is not a question"
            assert turn.reprompt, f"{utterance!r}: no reprompt"
        else:
            simulator.say("open shop talk")


def test_concurrent_first_use_builds_once(skill_config: SkillConfig) -> None:
    import threading
    import time

    from skill.app import build_services

    services = build_services(skill_config)
    builds: list[int] = []

    def slow_build() -> object:
        builds.append(1)
        time.sleep(0.2)
        return object()

    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(services._once("x", slow_build))) for _ in range(4)]  # noqa: SLF001
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and len({id(r) for r in results}) == 1


def test_warm_up_failure_is_logged_not_raised(skill_config: SkillConfig, caplog: pytest.LogCaptureFixture) -> None:
    import dataclasses

    from skill.app import build_services

    broken = dataclasses.replace(skill_config, dialogue=dataclasses.replace(skill_config.dialogue, generator="none"))
    services = build_services(broken)
    services._cache["index"] = None  # noqa: SLF001 - an index whose search raises
    thread = services.warm_up()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "warm-up of the search index failed" in caplog.text
