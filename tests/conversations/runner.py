"""Multi-turn conversation scripts (YAML) run through the local simulator.

A script is one YAML file in tests/conversations/:

    description: Help keeps the session open with guidance    # required
    user: alice            # optional: default simulated user (default "tester")
    locale: en-GB          # optional (default en-US)
    data_dir: fresh        # optional: "fresh" (default: a new store for this script),
                           # "shared" (one store for every script saying so in this run:
                           # the search index is built once), or a directory path
    generator: none        # optional generator backend (default none: extractive answers)
    slow: true             # optional: mark the test slow (e.g. it builds the search index)
    display: true          # optional: the device has a screen (APL), like `chat --display`
    steps:
      - utterance: open shop talk
        request_type: LaunchRequest        # expectations, all optional:
        intent: AMAZON.HelpIntent          #   the intent the utterance mapped to
        slots: {Product: echo dot}         #   slot values heard (subset)
        speech_contains: Welcome           #   string or list of strings
        speech_matches: "(?i)what would"   #   regular expression (re.search)
        speech_not_contains: [went wrong]  #   string or list of strings
        session: open                      #   open | closed
        reprompt: true                     #   a reprompt is present (or absent: false)
        user: bob                          #   this step speaks as another user (same store)
        apl: summary                       #   the visual kind shown, or "none"
        apl_contains: [light ring]         #   strings in the turn's APL datasource

Quote "yes" and "no" as utterances: bare, YAML reads them as booleans (and the loader says so).
Every step also checks the certification invariants: a response that keeps the session open
ends with a question and carries a reprompt, and the response stays under 24 KB.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skill.config import SkillConfig
from skill.simulator import Simulator, TurnResult

SCRIPT_KEYS = frozenset({"description", "user", "locale", "data_dir", "generator", "slow", "display", "steps"})
STEP_KEYS = frozenset(
    {"utterance", "user", "request_type", "intent", "slots", "speech_contains", "speech_matches",
     "speech_not_contains", "session", "reprompt", "apl", "apl_contains"}
)


class ScriptError(ValueError):
    """A conversation script is malformed (the message names file, step and field)."""


@dataclass(frozen=True)
class Step:
    utterance: str
    expect: Mapping[str, Any]
    user: str | None = None
    number: int = 0


@dataclass(frozen=True)
class Script:
    path: Path
    description: str
    steps: tuple[Step, ...]
    user: str = "tester"
    locale: str = "en-US"
    data_dir: str = "fresh"
    generator: str = "none"
    slow: bool = False
    display: bool = False


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ScriptError(f"{where}: expected a string or a list of strings")


def load_script(path: Path) -> Script:
    """Parse and validate one script file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScriptError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ScriptError(f"{path}: expected a mapping with 'description' and 'steps'")
    unknown = set(data) - SCRIPT_KEYS
    if unknown:
        raise ScriptError(f"{path}: unknown keys {sorted(unknown)}")
    if not isinstance(data.get("description"), str):
        raise ScriptError(f"{path}: 'description' (a string) is required")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScriptError(f"{path}: 'steps' must be a non-empty list")
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        where = f"{path}: step {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("utterance"), str):
            hint = " (quote yes/no: YAML reads them as booleans)" if isinstance(raw, dict) and isinstance(raw.get("utterance"), bool) else ""
            raise ScriptError(f"{where}: each step needs an 'utterance' string{hint}")
        unknown = set(raw) - STEP_KEYS
        if unknown:
            raise ScriptError(f"{where}: unknown keys {sorted(unknown)}")
        if "session" in raw and raw["session"] not in ("open", "closed"):
            raise ScriptError(f"{where}: 'session' must be open or closed")
        if "reprompt" in raw and not isinstance(raw["reprompt"], bool):
            raise ScriptError(f"{where}: 'reprompt' must be true or false")
        if "slots" in raw and not isinstance(raw["slots"], dict):
            raise ScriptError(f"{where}: 'slots' must be a mapping of slot name to value")
        for key in ("speech_contains", "speech_not_contains"):
            if key in raw:
                _strings(raw[key], f"{where}: {key}")
        if "speech_matches" in raw:
            try:
                re.compile(raw["speech_matches"])
            except (re.error, TypeError) as exc:
                raise ScriptError(f"{where}: speech_matches is not a regular expression: {exc}") from exc
        expect = {k: v for k, v in raw.items() if k not in ("utterance", "user")}
        steps.append(Step(raw["utterance"], expect, raw.get("user"), number))
    return Script(
        path=path,
        description=data["description"],
        steps=tuple(steps),
        user=str(data.get("user", "tester")),
        locale=str(data.get("locale", "en-US")),
        data_dir=str(data.get("data_dir", "fresh")),
        generator=str(data.get("generator", "none")),
        slow=bool(data.get("slow", False)),
        display=bool(data.get("display", False)),
    )


def check_step(step: Step, turn: TurnResult, where: str) -> None:
    """Assert the step's expectations and the certification invariants on one turn."""
    said = f"{where} {step.utterance!r} -> {turn.intent or turn.request_type}: {turn.speech!r}"
    expect = step.expect
    if "request_type" in expect:
        assert turn.request_type == expect["request_type"], f"{said}: expected request {expect['request_type']}"
    if "intent" in expect:
        assert turn.intent == expect["intent"], f"{said}: expected intent {expect['intent']}"
    for name, value in (expect.get("slots") or {}).items():
        assert turn.slots.get(name) == str(value), f"{said}: slot {name} was {turn.slots.get(name)!r}, expected {value!r}"
    for text in _strings(expect.get("speech_contains", []), where):
        assert text in turn.speech, f"{said}: expected to contain {text!r}"
    for text in _strings(expect.get("speech_not_contains", []), where):
        assert text not in turn.speech, f"{said}: must not contain {text!r}"
    if "speech_matches" in expect:
        assert re.search(expect["speech_matches"], turn.speech), f"{said}: expected to match {expect['speech_matches']!r}"
    if "session" in expect:
        assert turn.end_session == (expect["session"] == "closed"), f"{said}: expected session {expect['session']}"
    if "reprompt" in expect:
        assert bool(turn.reprompt) == expect["reprompt"], f"{said}: reprompt {'missing' if expect['reprompt'] else 'present'}"
    if not turn.end_session:
        assert turn.speech.rstrip().endswith("?"), f"{said}: an open session must end with a question"
        assert turn.reprompt, f"{said}: an open session needs a reprompt"
    for response in turn.responses:
        assert len(json.dumps(response)) < 24 * 1024, f"{said}: response over 24 KB"
    shown = turn.apl_datasources()
    if "apl" in expect:
        kinds = [d["payload"]["visual"]["kind"] for d in shown] or ["none"]
        assert kinds == [expect["apl"]], f"{said}: expected visual {expect['apl']}, got {kinds}"
    for text in _strings(expect.get("apl_contains", []), where):
        assert text in json.dumps(shown, ensure_ascii=False), f"{said}: APL datasource lacks {text!r}"


def run_script(script: Script, fresh_dir: Path, shared_dir: Path) -> None:
    """Run every step; several users in one script share the script's store."""
    if script.data_dir == "fresh":
        data_dir = fresh_dir
    elif script.data_dir == "shared":
        data_dir = shared_dir
    else:
        data_dir = (script.path.parent / script.data_dir).expanduser()
    config = SkillConfig.from_env({}).with_overrides(data_dir=data_dir, generator=script.generator)
    simulators: dict[str, Simulator] = {}
    for step in script.steps:
        user = step.user or script.user
        if user not in simulators:
            simulators[user] = Simulator.from_config(config, user=user, locale=script.locale, display=script.display)
        turn = simulators[user].say(step.utterance)
        check_step(step, turn, f"{script.path.name} step {step.number} ({user})")
