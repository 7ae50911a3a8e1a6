"""The registered handlers: agreement with the interaction model in both directions, the
certification built-ins, CanFulfillIntentRequest, the exception handler, launch and state."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from ask_sdk_core.handler_input import HandlerInput

from dialogue.state import ATTRIBUTE_KEY
from knowledge.model import User
from skill import builder, intents
from skill.app import build_services
from skill.config import SkillConfig
from skill.handlers.builtins import OtherRequestHandler, UnknownIntentHandler
from skill.handlers.upcoming import UpcomingFeatureHandler
from skill.simulator import Simulator
from skill.tools.model_files import MODELS_DIR, language_model, load_model


def _probe(intent: str) -> HandlerInput:
    """A real HandlerInput for an IntentRequest of `intent` in a fresh session."""
    from ask_sdk_core.attributes_manager import AttributesManager
    from ask_sdk_model import Application, Intent, IntentRequest, RequestEnvelope, Session, User as AlexaUser

    envelope = RequestEnvelope(
        request=IntentRequest(request_id="probe", intent=Intent(name=intent), locale="en-US"),
        session=Session(new=True, session_id="s", application=Application("a"), user=AlexaUser("u"), attributes={}),
    )
    return HandlerInput(request_envelope=envelope, attributes_manager=AttributesManager(envelope))


def _first_handler(handlers: list, intent: str) -> object:
    probe = _probe(intent)
    return next(h for h in handlers if h.can_handle(probe))


def test_every_model_intent_has_its_own_handler(skill_config: SkillConfig) -> None:
    handlers = builder.request_handlers(build_services(skill_config))
    for locale in ("en-US", "en-GB"):
        for intent in language_model(load_model(MODELS_DIR / f"{locale}.json"))["intents"]:
            chosen = _first_handler(handlers, intent["name"])
            assert not isinstance(chosen, UnknownIntentHandler | OtherRequestHandler), (
                f"{intent['name']} falls through to the catch-all"
            )
            assert intent["name"] in getattr(chosen, "intent_names", ()), (
                f"{intent['name']} is handled by {type(chosen).__name__}, which does not declare it"
            )


def test_every_handled_intent_is_in_the_model(skill_config: SkillConfig) -> None:
    handled = builder.handled_intents(builder.request_handlers(build_services(skill_config)))
    for locale in ("en-US", "en-GB"):
        in_model = {i["name"] for i in language_model(load_model(MODELS_DIR / f"{locale}.json"))["intents"]}
        assert handled - in_model == set(), f"handled but not in the {locale} model"
        assert handled >= set(intents.ALL_INTENTS)


def test_catch_alls_are_registered_last(skill_config: SkillConfig) -> None:
    handlers = builder.request_handlers(build_services(skill_config))
    assert isinstance(handlers[-1], OtherRequestHandler)
    assert isinstance(handlers[-2], UnknownIntentHandler)


def test_help_keeps_the_session_open_with_guidance(simulator: Simulator) -> None:
    simulator.say("open shop talk")
    turn = simulator.say("help")
    assert turn.intent == intents.HELP
    assert not turn.end_session and turn.reprompt
    assert "what people say about the Echo Dot" in turn.speech
    assert turn.speech.endswith("?")


@pytest.mark.parametrize("utterance", ["stop", "cancel", "never mind", "i'm done"])
def test_stop_and_cancel_end_the_session(simulator: Simulator, utterance: str) -> None:
    simulator.say("open shop talk")
    turn = simulator.say(utterance)
    assert turn.intent in (intents.STOP, intents.CANCEL)
    assert turn.end_session and "Goodbye" in turn.speech
    assert not simulator.session_open


def test_fallback_recovers_and_the_next_turn_works(simulator: Simulator) -> None:
    simulator.say("open shop talk")
    turn = simulator.say("purple monkey dishwasher")
    assert turn.intent == intents.CONVERSE  # the catch-all carries the words; nothing in them to use
    assert "didn't get that" in turn.speech
    assert not turn.end_session and turn.reprompt and turn.speech.endswith("?")
    assert simulator.say("help").intent == intents.HELP


def test_repeat_says_the_last_response_again(simulator: Simulator) -> None:
    first = simulator.say("open shop talk")
    simulator_help = simulator.say("help")
    again = simulator.say("say that again")
    assert again.speech == simulator_help.speech and again.reprompt == simulator_help.reprompt
    assert first.speech != again.speech
    twice = simulator.say("repeat")
    assert twice.speech == simulator_help.speech


def test_repeat_with_nothing_said_yet(simulator: Simulator) -> None:
    turn = simulator.say("ask shop talk to repeat that")
    assert turn.intent == intents.REPEAT
    assert "haven't said anything" in turn.speech and turn.speech.endswith("?")


def test_navigate_home_resets_state(simulator: Simulator) -> None:
    simulator.say("open shop talk")
    turn = simulator.say("go home")
    assert turn.intent == intents.NAVIGATE_HOME and not turn.end_session
    attributes = turn.responses[-1]["sessionAttributes"][ATTRIBUTE_KEY]
    assert "focus" not in attributes and "pending" not in attributes


def test_yes_and_no_without_a_question(simulator: Simulator) -> None:
    simulator.say("open shop talk")
    yes = simulator.say("yes")
    assert "Yes to what" in yes.speech and not yes.end_session
    no = simulator.say("no")
    assert no.end_session


UPCOMING = {
    intents.PRODUCT_QUESTION: ("products", "is the paperwhite any good for reading at night"),
    intents.REVIEW_SUMMARY: ("summaries", "what do people say about the echo dot"),
    intents.CHAT: ("chat", "let's chat"),
    intents.LEAVE_REVIEW: ("reviews", "leave a review"),
    intents.SEND_MESSAGE: ("messages", "send a message"),
    intents.READ_MESSAGES: ("messages", "read my messages"),
    intents.ADD_FRIEND: ("friends", "add a friend"),
    intents.SHARE_FRIEND_CODE: ("friends", "what is my friend code"),
    intents.SET_NAME: ("profile", "call me alice"),
    intents.ASK_COMMUNITY: ("community", "ask the community"),
    intents.ANSWER_QUESTIONS: ("community", "answer questions"),
    intents.POLL: ("polls", "what polls are open"),
    intents.DELETE_MY_DATA: ("privacy", "delete my data"),
}


def test_interim_handlers_say_so_honestly_and_can_fulfill_says_no(
    skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before a feature lands, its intent gets an honest "not ready yet" and an offer, and
    CanFulfillIntentRequest answers NO for it."""
    monkeypatch.setattr(
        builder, "feature_handlers",
        lambda services: [UpcomingFeatureHandler(intent, family) for intent, (family, _) in UPCOMING.items()],
    )
    monkeypatch.setattr(builder, "followup_groups", lambda services: [])
    monkeypatch.setattr(builder, "launch_announcers", lambda services: [])
    services = build_services(skill_config)
    handlers = builder.request_handlers(services)
    assert builder.live_intents(builder.feature_handlers(services)).isdisjoint(UPCOMING)
    simulator = Simulator(builder.create_skill(services), *_model_and_caller(skill_config))
    simulator.say("open shop talk")
    for intent, (_, utterance) in UPCOMING.items():
        turn = simulator.say(utterance)
        assert turn.intent == intent
        assert "ready yet in this version of Shop Talk" in turn.speech, turn.speech
        assert turn.speech.endswith("?") and turn.reprompt and not turn.end_session
    can_fulfill = next(h for h in handlers if type(h).__name__ == "CanFulfillHandler")
    assert intents.POLL not in can_fulfill._live  # noqa: SLF001


def test_launch_greets_a_known_user_by_name_escaped(skill_config: SkillConfig) -> None:
    from skill.context import hash_alexa_user_id

    services = build_services(skill_config)
    services.store.put_user(
        User(
            id="u1",
            alexa_user_hash=hash_alexa_user_id("amzn1.ask.account.named"),
            handle='Al <audio src="https://evil.example/a.mp3"/> & Co',
            friend_code="tiger four two",
        )
    )
    simulator = Simulator.from_config(skill_config, user="named")
    turn = simulator.say("open shop talk")
    ssml = turn.responses[-1]["response"]["outputSpeech"]["ssml"]
    assert "<audio" not in ssml and "&lt;audio src=&quot;https://evil.example/a.mp3&quot;/&gt; &amp; Co" in ssml
    assert 'Welcome back to Shop Talk, Al <audio src="https://evil.example/a.mp3"/> & Co!' in turn.speech


def test_launch_announcers_are_spoken_and_a_failing_one_is_skipped(
    skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dialogue.reply import Say

    def broken(turn: object) -> list[Say]:
        raise RuntimeError("boom")

    monkeypatch.setattr(builder, "launch_announcers", lambda services: [broken, lambda turn: [Say("home.body")]])
    services = build_services(skill_config)
    simulator = Simulator(builder.create_skill(services), *_model_and_caller(skill_config))
    turn = simulator.say("open shop talk")
    assert "back to the start" in turn.speech and turn.speech.endswith("?")


def _model_and_caller(config: SkillConfig, user: str = "tester"):  # type: ignore[no-untyped-def]
    base = Simulator.from_config(config, user=user)
    return base._model, base._caller  # noqa: SLF001 - reuse the simulator's own wiring


def test_an_exception_speaks_a_polite_recovery_and_logs_the_request_id(
    skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from ask_sdk_core.dispatch_components import AbstractRequestHandler

    class Exploding(AbstractRequestHandler):
        intent_names = (intents.POLL,)

        def can_handle(self, handler_input: HandlerInput) -> bool:
            return handler_input.request_envelope.request.object_type == "IntentRequest" and (
                handler_input.request_envelope.request.intent.name == intents.POLL
            )

        def handle(self, handler_input: HandlerInput):  # type: ignore[no-untyped-def]
            handler_input.response_builder.speak("half built")
            raise RuntimeError("database on fire")

    original = builder.feature_handlers
    monkeypatch.setattr(builder, "feature_handlers", lambda services: [Exploding(), *original(services)])
    simulator = Simulator(builder.create_skill(build_services(skill_config)), *_model_and_caller(skill_config))
    simulator.say("open shop talk")
    with caplog.at_level(logging.ERROR):
        turn = simulator.say("what polls are open")
    assert "something went wrong" in turn.speech and "half built" not in turn.speech
    assert not turn.end_session and turn.reprompt and turn.speech.endswith("?")
    request_id = caplog.records[-1].getMessage().split()[1]
    assert request_id.startswith("amzn1.echo-api.request.")
    assert "database on fire" in caplog.text
    assert simulator.say("help").intent == intents.HELP


def test_alexa_user_id_is_never_logged(simulator: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        simulator.say("open shop talk")
        simulator.say("help")
    assert "amzn1.ask.account" not in caplog.text
    assert "latency_ms=" in caplog.text


def test_session_attributes_stay_small(make_simulator: Callable[..., Simulator]) -> None:
    simulator = make_simulator()
    simulator.say("open shop talk")
    turn = simulator.say("help")
    import json

    assert len(json.dumps(turn.responses[-1])) < 24 * 1024
