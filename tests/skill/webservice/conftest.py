"""Fixtures for the web service tests: a test PKI, the real skill on a tmp store, and a real
waitress server on a free loopback port."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from skill.config import SkillConfig
from skill.webservice.app import create_app
from skill.webservice.server import BackgroundServer

from .pki import CERT_URL, Pki, make_pki

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="session")
def pki() -> Pki:
    """One PKI per test session (key generation takes about a second)."""
    return make_pki()


@pytest.fixture(scope="session")
def skill_config(tmp_path_factory: pytest.TempPathFactory) -> SkillConfig:
    """The real skill's configuration on a throw-away SQLite store, no text generator."""
    data_dir: Path = tmp_path_factory.mktemp("webservice-store")
    return SkillConfig().with_overrides(data_dir=data_dir, generator="none", skill_id=SKILL_ID)


@pytest.fixture(scope="session")
def real_skill(skill_config: SkillConfig) -> Any:
    """The ShopTalk CustomSkill from the composition root, built once per session."""
    from skill.app import build_skill

    return build_skill(skill_config)


def envelope(
    request_type: str = "LaunchRequest",
    timestamp: dt.datetime | None = None,
    application_id: str = SKILL_ID,
    intent: str | None = None,
    locale: str = "en-US",
) -> dict[str, Any]:
    """A minimal but complete Alexa request envelope, as the Alexa service sends it."""
    when = (timestamp or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    application = {"applicationId": application_id}
    user = {"userId": "amzn1.ask.account.TESTUSER"}
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": when,
        "locale": locale,
    }
    if intent is not None:
        request["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    return {
        "version": "1.0",
        "session": {
            "new": request_type == "LaunchRequest",
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": request,
    }


def body_of(payload: dict[str, Any]) -> bytes:
    """Serialise like Alexa does (compact JSON, UTF-8)."""
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Reply:
    """An HTTP response from the server under test."""

    status: int
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    @property
    def reason(self) -> str:
        """The refusal reason the service sends with a 4xx."""
        return str(self.json().get("reason", ""))


@dataclass
class LiveServer:
    """A running server plus a small HTTP client for it."""

    server: BackgroundServer
    fetches: list[str]

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        """One request on a fresh connection."""
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, response.read())
        finally:
            connection.close()

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> Reply:
        """POST /alexa."""
        return self.request("POST", "/alexa", body, {"Content-Type": "application/json", **(headers or {})})


ServerFactory = Callable[..., LiveServer]


@pytest.fixture
def serve(
    pki: Pki, skill_config: SkillConfig, real_skill: Any
) -> Iterator[ServerFactory]:
    """Start servers for the real skill: `serve(chain=..., roots=..., clock=..., **config)`."""
    started: list[BackgroundServer] = []

    def start(
        chain: bytes | None = None,
        roots: list[Any] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        **overrides: Any,
    ) -> LiveServer:
        fetches: list[str] = []
        served_chain = pki.chain if chain is None else chain

        def fetch(url: str) -> bytes:
            fetches.append(url)
            return served_chain

        skill_id = overrides.pop("skill_id", skill_config.skill_id)  # None: no id configured
        config = replace(skill_config.with_overrides(**overrides), skill_id=skill_id)
        app = create_app(
            config,
            skill=real_skill,
            cert_fetcher=fetch,
            clock=clock,
            trust_roots=roots if roots is not None else [pki.root.cert],
        )
        server = BackgroundServer(app).start()
        started.append(server)
        return LiveServer(server, fetches)

    yield start
    for server in started:
        server.stop()


__all__ = ["CERT_URL", "SKILL_ID", "LiveServer", "Reply", "body_of", "envelope"]
