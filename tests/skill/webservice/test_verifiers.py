"""The verifiers on their own, with real envelopes deserialised by the SDK's serializer."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.webservice.verification import EnvelopeVerifier, RequestRefused, TimestampVerifier

from .conftest import SKILL_ID, envelope

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)


def deserialise(payload: dict[str, Any]) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(payload), RequestEnvelope)


def skill_event(age: dt.timedelta) -> dict[str, Any]:
    payload = envelope(timestamp=NOW - age)
    payload["request"] = {
        "type": "AlexaSkillEvent.SkillEnabled",
        "requestId": "amzn1.echo-api.request.event",
        "timestamp": (NOW - age).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventCreationTime": (NOW - age).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventPublishingTime": (NOW - age).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return payload


def test_skill_events_may_be_an_hour_old() -> None:
    verifier = TimestampVerifier(clock=lambda: NOW)
    verifier.verify({}, "", deserialise(skill_event(dt.timedelta(minutes=50))))
    with pytest.raises(RequestRefused, match="limit 3600 s"):
        verifier.verify({}, "", deserialise(skill_event(dt.timedelta(minutes=70))))


def test_ordinary_requests_get_150_seconds() -> None:
    verifier = TimestampVerifier(clock=lambda: NOW)
    verifier.verify({}, "", deserialise(envelope(timestamp=NOW - dt.timedelta(seconds=149))))
    with pytest.raises(RequestRefused, match="limit 150 s"):
        verifier.verify({}, "", deserialise(envelope(timestamp=NOW - dt.timedelta(minutes=50))))


def test_missing_timestamp_is_refused() -> None:
    payload = envelope()
    del payload["request"]["timestamp"]
    with pytest.raises(RequestRefused, match="no valid timestamp"):
        TimestampVerifier(clock=lambda: NOW).verify({}, "", deserialise(payload))


def test_skill_id_falls_back_to_the_session_application() -> None:
    payload = envelope()
    del payload["context"]["System"]["application"]
    EnvelopeVerifier(SKILL_ID).verify({}, "", deserialise(payload))
    payload["session"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    with pytest.raises(RequestRefused, match="does not match"):
        EnvelopeVerifier(SKILL_ID).verify({}, "", deserialise(payload))
