"""Fuzzing the live web service: thousands of malformed, mutated and random requests, with
verification on and relaxed. Nothing may produce a 5xx, verification-on must never answer an
unsigned request with 200, and the server must still be healthy afterwards."""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from skill.config import SkillConfig
from skill.webservice.app import create_app
from skill.webservice.server import BackgroundServer
from tests.conftest import SHARED_DIR

from .conftest import SKILL_ID, body_of, envelope
from .pki import Pki

pytestmark = pytest.mark.slow

SHARED_REQUESTS = SHARED_DIR / "requests"  # optional here: own envelopes are always seeds
FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def seed_envelopes() -> list[dict[str, Any]]:
    """Real recorded envelopes (when ../shared is present) plus our own fresh ones."""
    seeds = [
        envelope(),
        envelope("IntentRequest", intent="AMAZON.HelpIntent"),
        envelope("IntentRequest", intent="AMAZON.StopIntent"),
        envelope("SessionEndedRequest"),
        envelope("CanFulfillIntentRequest", intent="ProductQuestionIntent"),
    ]
    if SHARED_REQUESTS.is_dir():
        seeds += [json.loads(p.read_text()) for p in sorted(SHARED_REQUESTS.glob("*.json"))]
    return seeds


SEEDS = seed_envelopes()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
ALEXA_KEYS = [
    "version", "session", "context", "request", "System", "application", "applicationId", "user",
    "userId", "type", "requestId", "timestamp", "locale", "intent", "name", "slots", "value",
    "resolutions", "dialogState", "attributes", "new", "sessionId", "device", "reason", "error",
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A seed envelope with a few values deleted, replaced by random JSON or re-typed."""
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["delete", "replace", "retype", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "retype":
            parent[path[-1]] = draw(st.sampled_from([None, 0, -1, 1.5, "", "x", [], {}, True, [1, "a"]]))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(ALEXA_KEYS))] = draw(json_values)
    return doc


random_objects = st.dictionaries(st.sampled_from(ALEXA_KEYS) | st.text(max_size=10), json_values, max_size=6)
content_types = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", ""]
)


class Target:
    """One live server and how to post to it."""

    def __init__(self, server: BackgroundServer, pki: Pki | None) -> None:
        self.server = server
        self.pki = pki

    def post(self, body: bytes, content_type: str, sign: bool) -> int:
        headers = {"Content-Type": content_type} if content_type else {}
        if sign and self.pki is not None:
            headers.update(self.pki.headers(body))
            headers["Content-Type"] = content_type or "application/json"
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        try:
            connection.request("POST", "/alexa", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def healthy(self) -> bool:
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        finally:
            connection.close()


def _start(config: SkillConfig, skill: Any, pki: Pki) -> BackgroundServer:
    app = create_app(config, skill=skill, cert_fetcher=lambda url: pki.chain, trust_roots=[pki.root.cert])
    return BackgroundServer(app).start()


@pytest.fixture(scope="module")
def strict(pki: Pki, skill_config: SkillConfig, real_skill: Any) -> Iterator[Target]:
    """Verification on (the default), with our test chain and skill id."""
    server = _start(skill_config, real_skill, pki)
    yield Target(server, pki)
    server.stop()


@pytest.fixture(scope="module")
def relaxed(pki: Pki, skill_config: SkillConfig, real_skill: Any) -> Iterator[Target]:
    """--no-verify-signature --no-verify-timestamp and no skill id: everything reaches the skill."""
    config = replace(skill_config, verify_signature=False, verify_timestamp=False, skill_id=None)
    server = _start(config, real_skill, pki)
    yield Target(server, None)
    server.stop()


def _fresh(doc: dict[str, Any]) -> dict[str, Any]:
    """Keep the mutated envelope's timestamp fresh when it is still a string, so signed
    requests get past the timestamp check and reach the skill."""
    request = doc.get("request")
    if isinstance(request, dict) and isinstance(request.get("timestamp"), str):
        request["timestamp"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    context = doc.get("context")
    if isinstance(context, dict) and isinstance(context.get("System"), dict):
        app = context["System"].get("application")
        if isinstance(app, dict) and "applicationId" in app:
            app["applicationId"] = SKILL_ID
    return doc


@FUZZ
@given(doc=mutated_envelopes(), content_type=content_types)
def test_mutated_envelopes_relaxed(relaxed: Target, doc: dict[str, Any], content_type: str) -> None:
    status = relaxed.post(body_of(doc), content_type, sign=False)
    event(f"HTTP {status}")  # --hypothesis-show-statistics shows how many reached the skill
    assert status in (200, 400), status


@FUZZ
@given(doc=mutated_envelopes(), content_type=content_types, sign=st.booleans())
def test_mutated_envelopes_strict(strict: Target, doc: dict[str, Any], content_type: str, sign: bool) -> None:
    status = strict.post(body_of(_fresh(doc)), content_type, sign=sign)
    event(f"HTTP {status} signed={sign}")
    assert status in ((200, 400) if sign else (400,)), (status, sign)


@FUZZ
@given(
    body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()) | random_objects.map(body_of),
    content_type=content_types,
    sign=st.booleans(),
)
def test_random_bodies(strict: Target, relaxed: Target, body: bytes, content_type: str, sign: bool) -> None:
    assert strict.post(body, content_type, sign) in ((200, 400) if sign else (400,))
    assert relaxed.post(body, content_type, sign=False) in (200, 400)


def test_servers_alive_after_fuzzing(strict: Target, relaxed: Target, pki: Pki) -> None:
    assert strict.healthy() and relaxed.healthy()
    body = body_of(envelope())
    assert strict.post(body, "application/json", sign=True) == 200
    assert relaxed.post(body, "application/json", sign=False) == 200
