"""Reply -> Response: directives, state, and progressive responses through the directive
service (a real HTTP server on loopback stands in for Alexa's API endpoint)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from dialogue.reply import Reply, Say
from dialogue.state import ATTRIBUTE_KEY, DialogueState, Pending
from skill import builder, intents
from skill.app import build_services
from skill.config import SkillConfig
from skill.render import respond


class _DirectiveApi(BaseHTTPRequestHandler):
    received: list[tuple[str, str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, self.headers.get("Authorization", ""), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (the SDK's API client only calls HTTPS endpoints)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "api.pem", tmp_path / "api.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def directive_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list]]:
    import ssl

    _DirectiveApi.received = []
    cert_path, key_path = _self_signed(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
    server = HTTPServer(("127.0.0.1", 0), _DirectiveApi)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_port}", _DirectiveApi.received
    finally:
        server.shutdown()


class _Slow(AbstractRequestHandler):
    intent_names = (intents.POLL,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return request.object_type == "IntentRequest" and request.intent.name == intents.POLL

    def handle(self, handler_input: HandlerInput):  # type: ignore[no-untyped-def]
        state = DialogueState().updated(pending=Pending("vote", {"poll": "p1"}))
        return respond(
            handler_input,
            Reply(
                speech=(Say("home.body"), Say("anything_else.prompt")),
                reprompt=(Say("anything_else.reprompt"),),
                progressive=Say("launch.welcome_back", {"name": "Tom & <b>Jerry</b>"}),
                state=state,
            ),
        )


def _envelope(api_endpoint: str, token: str | None) -> RequestEnvelope:
    system: dict = {
        "application": {"applicationId": "amzn1.ask.skill.t"},
        "user": {"userId": "amzn1.ask.account.t"},
        "device": {"deviceId": "d", "supportedInterfaces": {}},
        "apiEndpoint": api_endpoint,
    }
    if token:
        system["apiAccessToken"] = token
    document = {
        "version": "1.0",
        "session": {"new": True, "sessionId": "s", "application": system["application"], "user": system["user"], "attributes": {}},
        "context": {"System": system},
        "request": {
            "type": "IntentRequest", "requestId": "amzn1.echo-api.request.progressive", "locale": "en-US",
            "timestamp": "2026-01-01T00:00:00Z", "intent": {"name": intents.POLL, "confirmationStatus": "NONE", "slots": {}},
        },
    }
    return DefaultSerializer().deserialize(json.dumps(document), RequestEnvelope)


def _skill(config: SkillConfig, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    original = builder.feature_handlers
    monkeypatch.setattr(builder, "feature_handlers", lambda services: [_Slow(), *original(services)])
    return builder.create_skill(build_services(config))


def test_progressive_response_goes_through_the_directive_service(
    skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch, directive_api: tuple[str, list]
) -> None:
    endpoint, received = directive_api
    response = _skill(skill_config, monkeypatch).invoke(request_envelope=_envelope(endpoint, "token-1"), context=None)
    assert len(received) == 1
    path, authorization, body = received[0]
    assert path == "/v1/directives" and authorization == "Bearer token-1"
    assert body["header"]["requestId"] == "amzn1.echo-api.request.progressive"
    assert body["directive"]["type"] == "VoicePlayer.Speak"
    assert body["directive"]["speech"] == "<speak>Welcome back to Shop Talk, Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;!</speak>"
    assert "back to the start" in response.response.output_speech.ssml
    state = DialogueState.from_attributes(response.session_attributes)
    assert state.pending == Pending("vote", {"poll": "p1"})
    assert response.session_attributes[ATTRIBUTE_KEY]["last"].startswith("Okay, back to the start.")


def test_without_an_api_token_the_turn_still_answers(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    response = _skill(skill_config, monkeypatch).invoke(request_envelope=_envelope("http://127.0.0.1:9", None), context=None)
    assert "back to the start" in response.response.output_speech.ssml


def test_a_failing_directive_service_does_not_fail_the_turn(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    response = _skill(skill_config, monkeypatch).invoke(request_envelope=_envelope("https://127.0.0.1:9", "t"), context=None)
    assert "back to the start" in response.response.output_speech.ssml
    assert response.response.should_end_session is False


class _Long(AbstractRequestHandler):
    intent_names = (intents.POLL,)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return request.object_type == "IntentRequest" and request.intent.name == intents.POLL

    def handle(self, handler_input: HandlerInput):  # type: ignore[no-untyped-def]
        sentence = "A reviewer said the battery lasts & lasts. " * 400
        return respond(
            handler_input,
            Reply(
                speech=(Say("launch.welcome_back", {"name": sentence}), Say("anything_else.prompt")),
                reprompt=(Say("launch.welcome_back", {"name": sentence}),),
            ),
        )


def test_long_answers_stay_within_alexas_limits(skill_config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    original = builder.feature_handlers
    monkeypatch.setattr(builder, "feature_handlers", lambda services: [_Long(), *original(services)])
    skill = builder.create_skill(build_services(skill_config))
    envelope = skill.invoke(request_envelope=_envelope("https://127.0.0.1:9", None), context=None)
    document = DefaultSerializer().serialize(envelope)
    assert len(document["response"]["outputSpeech"]["ssml"]) < 8000
    assert len(document["response"]["reprompt"]["outputSpeech"]["ssml"]) < 8000
    assert len(json.dumps(document)) <= 24 * 1024
    # the long part is cut at a sentence end and the closing question survives
    assert document["response"]["outputSpeech"]["ssml"].endswith("lasts. What would you like to do?</speak>")
    assert document["response"]["reprompt"]["outputSpeech"]["ssml"].endswith("lasts.</speak>")
