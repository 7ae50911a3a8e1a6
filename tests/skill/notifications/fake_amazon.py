"""A local fake of Login with Amazon's token endpoint and the Proactive Events API, on
127.0.0.1, strict about what the real services require: the client-credentials form, the
bearer token it issued, the event schema (MessageAlert, unicast, timestamps, expiry within
24 hours) and a referenceId. It counts token grants, requests and distinct events, and can
be told to fail the next N event posts (to exercise retries)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLIENT_ID = "amzn1.application-oa2-client.test"
CLIENT_SECRET = "s3cret"


def _time(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str) or not value.endswith("Z"):
        raise ValueError(f"{name} must be an ISO 8601 UTC string ending in Z")
    return dt.datetime.fromisoformat(value[:-1]).replace(tzinfo=dt.timezone.utc)


def schema_problem(event: Any) -> str | None:
    """Why `event` is not a valid MessageAlert proactive event, or None."""
    try:
        if not isinstance(event, dict):
            return "body is not an object"
        for key in ("timestamp", "referenceId", "expiryTime", "event", "localizedAttributes", "relevantAudience"):
            if key not in event:
                return f"missing {key}"
        if not isinstance(event["referenceId"], str) or not event["referenceId"]:
            return "referenceId must be a non-empty string"
        stamp, expiry = _time(event["timestamp"], "timestamp"), _time(event["expiryTime"], "expiryTime")
        if not dt.timedelta(minutes=5) <= expiry - stamp <= dt.timedelta(hours=24):
            return "expiryTime must be 5 minutes to 24 hours after timestamp"
        body = event["event"]
        if body.get("name") != "AMAZON.MessageAlert.Activated":
            return f"unknown schema {body.get('name')!r}"
        payload = body["payload"]
        if payload["state"]["status"] not in ("UNREAD", "FLAGGED"):
            return "state.status must be UNREAD or FLAGGED"
        if payload["state"].get("freshness") not in (None, "NEW", "OVERDUE"):
            return "bad state.freshness"
        group = payload["messageGroup"]
        if not isinstance(group["creator"]["name"], str) or not group["creator"]["name"]:
            return "messageGroup.creator.name required"
        if not isinstance(group["count"], int) or group["count"] < 1:
            return "messageGroup.count must be a positive integer"
        if group.get("urgency") not in (None, "URGENT"):
            return "bad urgency"
        audience = event["relevantAudience"]
        if audience.get("type") != "Unicast" or not str(audience["payload"]["user"]).startswith("amzn1.ask.account."):
            return "relevantAudience must be Unicast to an amzn1.ask.account user"
        if not event["localizedAttributes"] or not all("locale" in a for a in event["localizedAttributes"]):
            return "localizedAttributes need a locale each"
    except (KeyError, TypeError, ValueError) as error:
        return f"schema error: {error}"
    return None


@dataclass
class FakeAmazon:
    """State shared with the request handler; read it in tests."""

    base_url: str = ""
    token_grants: int = 0
    event_posts: int = 0
    fail_next: int = 0  # answer this many event posts with 503
    fail_status: int = 503
    expires_in: int = 3600
    delay_s: float = 0.0  # answer event posts this late (a slow Amazon must not slow the turn)
    issued: set[str] = field(default_factory=set)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # referenceId -> event
    paths: list[str] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def token_url(self) -> str:
        return self.base_url + "/auth/o2/token"


def _handler(state: FakeAmazon) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
            data = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _reject(self, status: int, reason: str) -> None:
            with state.lock:
                state.rejections.append(reason)
            self._answer(status, {"message": reason})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/auth/o2/token":
                return self._token(raw)
            if self.path in ("/v1/proactiveEvents", "/v1/proactiveEvents/stages/development"):
                return self._event(raw)
            self._reject(404, f"no such path {self.path}")

        def _token(self, raw: bytes) -> None:
            if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                return self._reject(400, "token request must be form-encoded")
            form = dict(urllib.parse.parse_qsl(raw.decode()))
            if form.get("grant_type") != "client_credentials" or form.get("scope") != "alexa::proactive_events":
                return self._reject(400, f"bad grant: {form}")
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return self._reject(401, "invalid_client")
            with state.lock:
                state.token_grants += 1
                token = f"Atc|token-{state.token_grants}"
                state.issued.add(token)
            self._answer(200, {"access_token": token, "expires_in": state.expires_in,
                               "scope": "alexa::proactive_events", "token_type": "bearer"})

        def _event(self, raw: bytes) -> None:
            if state.delay_s:
                time.sleep(state.delay_s)
            with state.lock:
                state.event_posts += 1
                state.paths.append(self.path)
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in state.issued:
                return self._reject(401, "missing or unknown bearer token")
            if self.headers.get("Content-Type", "") != "application/json":
                return self._reject(400, "event must be application/json")
            try:
                event = json.loads(raw.decode("utf-8"))
            except ValueError:
                return self._reject(400, "body is not JSON")
            problem = schema_problem(event)
            if problem:
                return self._reject(400, problem)
            with state.lock:
                if state.fail_next > 0:
                    state.fail_next -= 1
                    failing = True
                else:
                    failing = False
                    state.events.setdefault(event["referenceId"], event)
            if failing:
                return self._answer(state.fail_status, {"message": "try again"})
            self._answer(202)

    return Handler


@contextmanager
def fake_amazon() -> Iterator[FakeAmazon]:
    """Serve the fake on an ephemeral loopback port for the duration of the block."""
    state = FakeAmazon()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
