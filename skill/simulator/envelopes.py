"""Request envelopes in Alexa's JSON shape (session, context.System, request)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SIMULATOR_APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-shoptalk-sim"
API_ENDPOINT = "https://api.amazonalexa.com"


@dataclass(frozen=True)
class Caller:
    """Who is talking: the skill they talk to, their Alexa user id, device and locale."""

    application_id: str
    user_id: str
    device_id: str
    locale: str
    display: bool = False  # an Echo Show: the device supports Alexa.Presentation.APL


def _request(kind: str, locale: str) -> dict[str, Any]:
    return {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locale": locale,
    }


def _interfaces(caller: Caller) -> dict[str, Any]:
    return {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}} if caller.display else {}


def envelope(
    caller: Caller,
    request: Mapping[str, Any],
    session_id: str | None,
    new_session: bool,
    attributes: Mapping[str, Any],
) -> dict[str, Any]:
    """A full request envelope; `session_id` None means a sessionless request."""
    application = {"applicationId": caller.application_id}
    user = {"userId": caller.user_id}
    document: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": caller.device_id, "supportedInterfaces": _interfaces(caller)},
                # No apiAccessToken: the simulator has no directive service to call.
                "apiEndpoint": API_ENDPOINT,
            }
        },
        "request": dict(request),
    }
    if caller.display:
        document["context"]["Viewport"] = {"shape": "RECTANGLE", "pixelWidth": 1280, "pixelHeight": 800,
                                           "dpi": 160, "currentPixelWidth": 1280, "currentPixelHeight": 800}
    if session_id is not None:
        document["session"] = {
            "new": new_session,
            "sessionId": session_id,
            "application": application,
            "attributes": dict(attributes),
            "user": user,
        }
    return document


def launch_request(locale: str) -> dict[str, Any]:
    return _request("LaunchRequest", locale)


def intent_request(
    locale: str,
    intent: str,
    slots: Mapping[str, Any],
    dialog_state: str | None = None,
    confirmation: str = "NONE",
) -> dict[str, Any]:
    request = _request("IntentRequest", locale)
    request["intent"] = {"name": intent, "confirmationStatus": confirmation, "slots": dict(slots)}
    if dialog_state is not None:
        request["dialogState"] = dialog_state
    return request


def session_ended_request(locale: str, reason: str = "USER_INITIATED") -> dict[str, Any]:
    request = _request("SessionEndedRequest", locale)
    request["reason"] = reason
    return request


def new_session_id() -> str:
    return f"amzn1.echo-api.session.{uuid.uuid4()}"
