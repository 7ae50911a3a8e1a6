"""Lifecycle events through the real web service with every check on: signed by the test
PKI, addressed to the configured skill id, timestamp within the skill-event hour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from skill.app import services_for
from skill.config import SkillConfig
from skill.context import hash_alexa_user_id
from skill.notifications.permissions import Permissions
from tests.skill.notifications.test_lifecycle_events import envelope

from .conftest import SKILL_ID, ServerFactory, body_of
from .pki import Pki

USER = "amzn1.ask.account.signed-lifecycle"


def _addressed(name: str, when: dt.datetime) -> dict[str, Any]:
    data = envelope(name, when, user=USER)
    data["context"]["System"]["application"]["applicationId"] = SKILL_ID
    return data


def test_signed_lifecycle_events_are_verified_and_handled(
    pki: Pki, serve: ServerFactory, skill_config: SkillConfig
) -> None:
    live = serve()
    now = dt.datetime.now(dt.timezone.utc)
    store = services_for(skill_config).store
    user_hash = hash_alexa_user_id(USER)

    body = body_of(_addressed("skill_permission_accepted", now - dt.timedelta(minutes=30)))
    reply = live.post(body, pki.headers(body))
    assert reply.status == 200, reply.body[:300]
    assert Permissions(store).get(user_hash).granted

    body = body_of(_addressed("skill_disabled", now))
    assert live.post(body, pki.headers(body)).status == 200
    assert services_for(skill_config).lifecycle.due_time(user_hash) is not None
    assert not Permissions(store).get(user_hash).granted

    tampered = body.replace(b"SkillDisabled", b"SkillEnabled")
    assert live.post(tampered, pki.headers(body)).status == 400, "the signature covers the body"
    wrong_skill = _addressed("skill_enabled", now)
    wrong_skill["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    body = body_of(wrong_skill)
    assert live.post(body, pki.headers(body)).status == 400
