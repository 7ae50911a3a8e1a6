"""One test per conversation script in tests/conversations/*.yaml, plus tests of the runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conversations.runner import ScriptError, Step, check_step, load_script, run_script
from skill.simulator import TurnResult

SCRIPTS = sorted(Path(__file__).parent.glob("*.yaml"))


def _param(path: Path) -> object:
    """One test per script; scripts that say `slow: true` are marked slow."""
    try:
        slow = load_script(path).slow
    except ScriptError:
        slow = False  # the test itself reports the error
    return pytest.param(path, id=path.stem, marks=[pytest.mark.slow] if slow else [])


@pytest.fixture(scope="session")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of scripts that say `data_dir: shared` (index built once per run)."""
    return tmp_path_factory.mktemp("conversations-shared")


@pytest.mark.parametrize("path", [_param(p) for p in SCRIPTS])
def test_conversation(path: Path, tmp_path: Path, shared_store: Path) -> None:
    run_script(load_script(path), tmp_path / "data", shared_store)


def test_there_are_certification_scripts() -> None:
    names = {p.stem for p in SCRIPTS}
    assert {"certification_help", "certification_stop_cancel", "certification_fallback", "certification_repeat"} <= names


def test_malformed_scripts_are_reported_with_file_and_step(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: x\nsteps:\n  - utterance: help\n    sesion: open\n")
    with pytest.raises(ScriptError, match=r"bad.yaml: step 1: unknown keys \['sesion'\]"):
        load_script(bad)
    bad.write_text("description: x\nsteps:\n  - utterance: help\n    session: maybe\n")
    with pytest.raises(ScriptError, match="step 1: 'session' must be open or closed"):
        load_script(bad)
    bad.write_text("steps: []\n")
    with pytest.raises(ScriptError, match="'description'"):
        load_script(bad)


def _turn(speech: str, end: bool, reprompt: str = "") -> TurnResult:
    return TurnResult("u", "IntentRequest", "AMAZON.HelpIntent", {}, speech, reprompt, end, 1.0)


def test_runner_enforces_questions_and_reprompts_on_open_sessions() -> None:
    step = Step("help", {})
    with pytest.raises(AssertionError, match="must end with a question"):
        check_step(step, _turn("Here is some help.", False, "What now?"), "x")
    with pytest.raises(AssertionError, match="needs a reprompt"):
        check_step(step, _turn("What now?", False), "x")
    check_step(step, _turn("Bye.", True), "x")


def test_runner_expectations_fail_when_unmet() -> None:
    turn = _turn("Welcome! What now?", False, "What now?")
    with pytest.raises(AssertionError, match="expected to contain 'Goodbye'"):
        check_step(Step("u", {"speech_contains": "Goodbye"}), turn, "x")
    with pytest.raises(AssertionError, match="expected session closed"):
        check_step(Step("u", {"session": "closed"}), turn, "x")
    with pytest.raises(AssertionError, match="expected intent"):
        check_step(Step("u", {"intent": "AMAZON.StopIntent"}), turn, "x")
    with pytest.raises(AssertionError, match="must not contain"):
        check_step(Step("u", {"speech_not_contains": ["Welcome"]}), turn, "x")
