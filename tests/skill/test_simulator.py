"""The local simulator: utterances map through the interaction model like Alexa's would,
envelopes are real, sessions and dialog directives behave as on a device."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput

from dialogue.reply import ConfirmIntent, Delegate, ElicitSlot, Reply, Say
from skill import builder, intents
from skill.app import build_services
from skill.config import SkillConfig
from skill.render import respond
from skill.simulator import LanguageModel, Simulator
from skill.simulator.numbers import parse_number
from skill.tools.model_files import MODELS_DIR

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["en-US", "en-GB"])
def model(request: pytest.FixtureRequest) -> LanguageModel:
    return LanguageModel.from_file(MODELS_DIR / f"{request.param}.json")


# The acceptance phrasings of the issue: utterance -> (intent, slots heard)
ACCEPTANCE = [
    ("call me alice", intents.SET_NAME, {"Name": "alice"}),
    ("what is my friend code", intents.SHARE_FRIEND_CODE, {}),
    ("add a friend", intents.ADD_FRIEND, {}),
    (
        "send a message to alice saying call me at 555 123 4567 or mail bob@example.com",
        intents.SEND_MESSAGE,
        {"Friend": "alice", "MessageText": "call me at 555 123 4567 or mail bob@example.com"},
    ),
    ("yes", intents.YES, {}),
    ("read my messages", intents.READ_MESSAGES, {}),
    (
        "leave a five star review for the amazon tap saying the battery lasts for a whole week of reading",
        intents.LEAVE_REVIEW,
        {"Rating": "5", "Product": "amazon tap", "ReviewText": "the battery lasts for a whole week of reading"},
    ),
    ("what polls are open", intents.POLL, {}),
    ("i vote for blue", intents.POLL, {"PollChoice": "blue"}),
    ("stop", intents.STOP, {}),
    ("is the paperwhite any good for reading at night", intents.PRODUCT_QUESTION, {"Product": "paperwhite", "Query": "reading at night"}),
    ("what do people say about the echo dot", intents.REVIEW_SUMMARY, {"Product": "echo dot"}),
    ("tell me about reviews of the kindle paperwhite", intents.REVIEW_SUMMARY, {"Product": "kindle paperwhite"}),
    ("let's chat", intents.CHAT, {}),
    ("let's talk about books", intents.CHAT, {"Topic": "books"}),
    ("help", intents.HELP, {}),
    ("cancel", intents.CANCEL, {}),
    ("say that again", intents.REPEAT, {}),
    ("go home", intents.NAVIGATE_HOME, {}),
    ("next", intents.NEXT, {}),
    ("no thanks", intents.NO, {}),
    ("delete my data", intents.DELETE_MY_DATA, {}),
    ("ask the community whether the roomba works on thick carpet", intents.ASK_COMMUNITY, {"Question": "the roomba works on thick carpet"}),
    ("answer some questions", intents.ANSWER_QUESTIONS, {}),
]


@pytest.mark.parametrize(("utterance", "intent", "slots"), ACCEPTANCE, ids=[a[0][:40] for a in ACCEPTANCE])
def test_acceptance_phrasings_map(model: LanguageModel, utterance: str, intent: str, slots: dict) -> None:
    found = model.match(utterance)
    assert found.intent == intent
    assert {name: fill.value for name, fill in found.slots.items()} == slots


def test_unmatched_speech_arrives_as_text_through_the_catch_all(model: LanguageModel) -> None:
    found = model.match("purple monkey dishwasher")
    assert found.intent == intents.CONVERSE
    assert found.slots[intents.SLOT_UTTERANCE].value == "purple monkey dishwasher"
    assert model.match("").intent == intents.FALLBACK


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("stop", intents.STOP),
        ("help", intents.HELP),
        ("read my messages", intents.READ_MESSAGES),
        ("leave a review", intents.LEAVE_REVIEW),
        ("add a friend", intents.ADD_FRIEND),
        ("what polls are open", intents.POLL),
        ("is it loud", intents.PRODUCT_QUESTION),
        ("how about the battery", intents.PRODUCT_QUESTION),
        ("what do people complain about", intents.PRODUCT_QUESTION),
        ("can i take it to the beach", intents.PRODUCT_QUESTION),
        ("what would you recommend for cooking", intents.RECOMMEND),
        ("i need something to help me sleep", intents.RECOMMEND),
        ("which is better the roomba or the air purifier", intents.COMPARE),
        ("my son dropped his last one", intents.CONVERSE),
    ],
)
def test_specific_samples_win_over_the_catch_all(model: LanguageModel, utterance: str, intent: str) -> None:
    assert model.match(utterance).intent == intent


def test_entity_resolution_match_carries_catalog_id_and_name(model: LanguageModel) -> None:
    found = model.match("is the paperwhite any good for reading at night")
    product = found.slots["Product"]
    assert product.er_status == "ER_SUCCESS_MATCH"
    assert product.resolved == (("fam-kindle-paperwhite", "Kindle Paperwhite"),)  # a family value
    slot = product.to_json("amzn1.ask.skill.test")
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["authority"] == "amzn1.er-authority.echo-sdk.amzn1.ask.skill.test.PRODUCT"
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"] == {"name": "Kindle Paperwhite", "id": "fam-kindle-paperwhite"}
    assert slot["value"] == "paperwhite"  # the spoken value, not the canonical name


def test_ambiguous_alias_resolves_to_several_values(model: LanguageModel) -> None:
    found = model.match("what do people say about the echo")
    ids = [id_ for id_, _ in found.slots["Product"].resolved]
    assert ids == ["fam-echo-dot", "fam-echo-show-8"]


def test_unknown_product_is_open_with_no_match(model: LanguageModel) -> None:
    found = model.match("what do people say about the flux capacitor")
    product = found.slots["Product"]
    assert product.value == "flux capacitor" and product.er_status == "ER_SUCCESS_NO_MATCH"
    authority = product.to_json("x")["resolutions"]["resolutionsPerAuthority"][0]
    assert "values" not in authority


def test_built_in_types_carry_no_resolutions(model: LanguageModel) -> None:
    found = model.match("call me alice")
    assert "resolutions" not in found.slots["Name"].to_json("x")


@pytest.mark.parametrize(
    ("words", "number"),
    [("five", 5), ("5", 5), ("twenty one", 21), ("a hundred and two", 102), ("one thousand two hundred", 1200), ("blue", None), ("", None)],
)
def test_spoken_numbers(words: str, number: int | None) -> None:
    assert parse_number(words) == number


def test_number_slot_rejects_words(model: LanguageModel) -> None:
    assert model.match("leave a great star review").intent != intents.LEAVE_REVIEW or (
        "Rating" not in model.match("leave a great star review").slots
    )


def test_envelopes_are_real_and_sessions_carry(simulator: Simulator) -> None:
    launch = simulator.say("open shop talk")
    assert launch.request_type == "LaunchRequest" and not launch.end_session
    help_turn = simulator.say("help")
    # the attributes the skill returned at launch came back with the next request
    from dialogue.state import STATE_VERSION

    assert help_turn.responses[-1]["sessionAttributes"]["shoptalk"]["v"] == STATE_VERSION
    assert simulator.session_open
    simulator.say("stop")
    assert not simulator.session_open
    again = simulator.say("help")  # a new session starts (one-shot)
    assert again.intent == intents.HELP and simulator.session_open


def test_one_shot_invocations(simulator: Simulator) -> None:
    turn = simulator.say("ask shop talk what do people say about the echo dot")
    assert turn.request_type == "IntentRequest" and turn.intent == intents.REVIEW_SUMMARY
    assert turn.slots == {"Product": "echo dot"}
    assert simulator.say("launch shop talk").request_type == "LaunchRequest"
    about = simulator.say("ask shop talk about the kindle")
    assert about.intent == intents.REVIEW_SUMMARY and about.slots == {"Product": "kindle"}
    assert simulator.say("tell shop talk to read my messages").intent == intents.READ_MESSAGES


def test_exit_ends_the_session_with_session_ended_request(simulator: Simulator) -> None:
    simulator.say("open shop talk")
    turn = simulator.say("exit")
    assert turn.request_type == "SessionEndedRequest" and turn.end_session and turn.speech == ""
    assert not simulator.session_open


# --- dialog directives, with test handlers plugged into the real builder --------------------


class _Recorder(AbstractRequestHandler):
    """Handles one intent with a scripted policy; records every request it sees."""

    def __init__(self, intent: str, policy) -> None:  # type: ignore[no-untyped-def]
        self.intent_names = (intent,)
        self.policy = policy
        self.seen: list[dict] = []

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return request.object_type == "IntentRequest" and request.intent.name in self.intent_names

    def handle(self, handler_input: HandlerInput):  # type: ignore[no-untyped-def]
        request = handler_input.request_envelope.request
        record = {
            "dialog_state": getattr(request.dialog_state, "value", None),
            "confirmation": request.intent.confirmation_status.value,
            "slots": {k: v.value for k, v in (request.intent.slots or {}).items() if v.value},
        }
        self.seen.append(record)
        return respond(handler_input, self.policy(record))


def _done() -> Reply:
    return Reply(speech=(Say("home.body"), Say("anything_else.prompt")), reprompt=(Say("anything_else.reprompt"),))


def _simulator_with(config: SkillConfig, monkeypatch: pytest.MonkeyPatch, *recorders: _Recorder) -> Simulator:
    original = builder.feature_handlers
    monkeypatch.setattr(builder, "feature_handlers", lambda services: [*recorders, *original(services)])
    base = Simulator.from_config(config)
    return Simulator(builder.create_skill(build_services(config)), base._model, base._caller)  # noqa: SLF001


def test_elicit_slot_fills_the_slot_with_the_next_utterance(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    def policy(record: dict) -> Reply:
        if "FriendCode" not in record["slots"]:
            return Reply(speech=(Say("anything_else.prompt"),), directive=ElicitSlot(intents.ADD_FRIEND, intents.SLOT_FRIEND_CODE))
        return _done()

    recorder = _Recorder(intents.ADD_FRIEND, policy)
    simulator = _simulator_with(skill_config, monkeypatch, recorder)
    simulator.say("open shop talk")
    first = simulator.say("add a friend")
    assert not first.end_session
    second = simulator.say("tiger four two")
    assert second.intent == intents.ADD_FRIEND and second.slots == {"FriendCode": "tiger four two"}
    assert recorder.seen[0]["dialog_state"] == "STARTED"
    assert recorder.seen[1] == {"dialog_state": "IN_PROGRESS", "confirmation": "NONE", "slots": {"FriendCode": "tiger four two"}}
    assert "back to the start" in second.speech


def test_stop_while_eliciting_still_stops(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder(
        intents.ADD_FRIEND,
        lambda r: Reply(speech=(Say("anything_else.prompt"),), directive=ElicitSlot(intents.ADD_FRIEND, intents.SLOT_FRIEND_CODE)),
    )
    simulator = _simulator_with(skill_config, monkeypatch, recorder)
    simulator.say("add a friend")
    assert simulator.say("stop").end_session


def test_delegate_elicits_validates_confirms_and_completes(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    def policy(record: dict) -> Reply:
        if record["dialog_state"] != "COMPLETED":
            return Reply(speech=(Say("anything_else.prompt"),), directive=Delegate(intents.LEAVE_REVIEW))
        return _done()

    recorder = _Recorder(intents.LEAVE_REVIEW, policy)
    simulator = _simulator_with(skill_config, monkeypatch, recorder)
    simulator.say("open shop talk")
    asked_product = simulator.say("leave a review")
    assert asked_product.speech == "Which product would you like to review?"
    asked_rating = simulator.say("the echo dot")
    assert asked_rating.speech == "How many stars would you give the echo dot, from one to five?"
    invalid = simulator.say("nine")
    assert invalid.speech.startswith("Ratings go from one to five stars.")
    asked_text = simulator.say("four stars")
    assert asked_text.speech == "What would you like to say about the echo dot?"
    confirm = simulator.say("great little speaker & the sound is fine")
    assert confirm.speech == (
        "You're giving the echo dot 4 stars and saying: great little speaker & the sound is fine. Shall I post it?"
    )
    done = simulator.say("yes")
    assert "back to the start" in done.speech
    final = recorder.seen[-1]
    assert final["dialog_state"] == "COMPLETED" and final["confirmation"] == "CONFIRMED"
    assert final["slots"] == {"Product": "echo dot", "Rating": "4", "ReviewText": "great little speaker & the sound is fine"}


def test_another_intent_during_elicitation_switches_but_free_text_fills(
    skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    def policy(record: dict) -> Reply:
        if record["dialog_state"] != "COMPLETED":
            return Reply(speech=(Say("anything_else.prompt"),), directive=Delegate(intents.LEAVE_REVIEW))
        return _done()

    recorder = _Recorder(intents.LEAVE_REVIEW, policy)
    simulator = _simulator_with(skill_config, monkeypatch, recorder)
    simulator.say("open shop talk")
    simulator.say("leave a review")
    assert simulator.say("what polls are open").intent == intents.POLL
    simulator.say("leave a review")
    assert simulator.say("i vote for blue").intent == intents.POLL
    simulator.say("leave a three star review for the roomba")
    text = simulator.say("i love it")  # free text: fills ReviewText even though it looks like chat
    assert text.intent == intents.LEAVE_REVIEW and "Shall I post it?" in text.speech


def test_confirm_intent_yes_and_no(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    def policy(record: dict) -> Reply:
        if record["confirmation"] == "NONE":
            return Reply(speech=(Say("anything_else.prompt"),), directive=ConfirmIntent(intents.SEND_MESSAGE))
        return _done()

    recorder = _Recorder(intents.SEND_MESSAGE, policy)
    simulator = _simulator_with(skill_config, monkeypatch, recorder)
    simulator.say("open shop talk")
    simulator.say("send a message to alice saying see you at eight")
    simulator.say("yes")
    assert recorder.seen[-1]["confirmation"] == "CONFIRMED"
    assert recorder.seen[-1]["slots"] == {"Friend": "alice", "MessageText": "see you at eight"}
    simulator.say("send a message to bob saying hi")
    simulator.say("no")
    assert recorder.seen[-1]["confirmation"] == "DENIED"


def test_several_users_share_one_store(make_simulator) -> None:  # type: ignore[no-untyped-def]
    alice, bob = make_simulator(user="alice"), make_simulator(user="bob")
    a = alice.say("open shop talk")
    b = bob.say("open shop talk")
    assert a.responses and b.responses
    assert alice._caller.user_id != bob._caller.user_id  # noqa: SLF001


def test_chat_command_json_lines(tmp_path: Path) -> None:
    script = "open shop talk\nhelp\n# a comment\n\nstop\n"
    env = {"SHOPTALK_DATA_DIR": str(tmp_path / "data"), "SHOPTALK_GENERATOR": "none", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "skill", "chat", "--json", "--user", "cli-user", "--locale", "en-GB"],
        input=script, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120, check=True,
    )
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["utterance"] for t in turns] == ["open shop talk", "help", "stop"]
    for turn in turns:
        assert set(turn) == {"utterance", "request_type", "intent", "slots", "speech", "reprompt", "end_session", "latency_ms"}
    assert turns[0]["request_type"] == "LaunchRequest" and turns[1]["intent"] == intents.HELP
    assert turns[2]["end_session"] is True and turns[2]["speech"].startswith("Cheerio")  # en-GB strings
    assert (tmp_path / "data").is_dir()


def test_chat_command_plain_output_when_piped(tmp_path: Path) -> None:
    env = {"SHOPTALK_DATA_DIR": str(tmp_path / "data"), "SHOPTALK_GENERATOR": "none", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "skill", "chat"], input="open shop talk\nstop\n",
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120, check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("alexa> Welcome to Shop Talk!")
    assert "you>" not in result.stdout  # no prompt when stdin is not a terminal
    assert lines[-1].strip() == "(session ended)"


def test_unknown_locale_is_a_clear_error(tmp_path: Path) -> None:
    env = {"SHOPTALK_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "skill", "chat", "--locale", "fr-FR"], input="", capture_output=True,
        text=True, cwd=PROJECT_ROOT, env=env, timeout=120,
    )
    assert result.returncode == 2 and "no interaction model for locale 'fr-FR'" in result.stderr


def test_chat_command_prompts_when_stdin_is_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import select
    import time

    env = {"SHOPTALK_DATA_DIR": str(tmp_path / "data"), "SHOPTALK_WARM_UP": "0", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "TERM": "dumb"}
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "skill", "chat"], stdin=slave, stdout=slave, stderr=slave,
                               cwd=PROJECT_ROOT, env=env, close_fds=True)
    os.close(slave)
    output = b""

    cursor = 0  # just past the marker found last, so each marker is looked for in new output

    def read_until(marker: bytes, timeout: float = 60) -> None:
        nonlocal output, cursor
        deadline = time.monotonic() + timeout
        while output.find(marker, cursor) < 0 and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                output += os.read(master, 4096)
        found = output.find(marker, cursor)
        assert found >= 0, output.decode(errors="replace")
        cursor = found + len(marker)

    try:
        read_until(b"you> ")
        os.write(master, b"open shop talk\n")
        read_until(b"alexa> Welcome to Shop Talk!")
        os.write(master, b"stop\n")
        read_until(b"(session ended)")
        # Ctrl-D only once the next prompt is up: readline may discard input typed earlier.
        read_until(b"you> ")
        os.write(master, b"\x04")  # Ctrl-D
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
