"""Skill lifecycle events as real envelopes, through the web service and through Lambda:
permissions stored, SkillDisabled schedules the erasure, SkillEnabled in the grace period
keeps the data, the scheduled purge erases once and is idempotent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from knowledge.model import Message, User
from skill.app import build_services, build_skill
from skill.config import SkillConfig
from skill.context import hash_alexa_user_id
from skill.notifications.events import MESSAGE_ALERT
from skill.notifications.maintenance import SCHEDULE_MARKER, run_maintenance
from skill.notifications.permissions import Permissions

ENVELOPES = Path(__file__).parent / "envelopes"
ALEXA_ID = "amzn1.ask.account.carol"


def envelope(name: str, when: dt.datetime, user: str = ALEXA_ID) -> dict[str, Any]:
    data = json.loads((ENVELOPES / f"{name}.json").read_text())
    data["context"]["System"]["user"]["userId"] = user
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for key in ("timestamp", "eventCreationTime", "eventPublishingTime"):
        data["request"][key] = stamp
    data["request"]["requestId"] = f"amzn1.echo-api.request.{name}.{stamp}"
    return data


@pytest.fixture
def config(tmp_path: Path) -> SkillConfig:
    return SkillConfig.from_env({"SHOPTALK_PURGE_GRACE_HOURS": "48"}).with_overrides(
        data_dir=tmp_path / "data", generator="none", verify_signature=False, warm_up=False)


def post(client: Any, data: dict[str, Any]) -> Any:
    return client.post("/alexa", data=json.dumps(data), content_type="application/json")


def add_carol(services: Any) -> User:
    carol = User("u-carol", hash_alexa_user_id(ALEXA_ID), "carol", "owl three")
    dave = User("u-dave", hash_alexa_user_id("amzn1.ask.account.dave"), "dave", "owl four")
    services.store.put_user(carol)
    services.store.put_user(dave)
    services.store.put_message(Message("m-1", dave.id, carol.id, "hi", "2026-12-01T10:00:00"))
    return carol


def test_web_service_stores_permissions_and_schedules_the_purge(config: SkillConfig) -> None:
    from skill.webservice.app import create_app

    services = build_services(config)
    carol = add_carol(services)
    client = create_app(config, skill=build_skill(config, services)).test_client()
    now = dt.datetime.now(dt.timezone.utc)
    permissions = Permissions(services.store)

    response = post(client, envelope("skill_permission_accepted", now))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["response"] == {}, "lifecycle events are answered with no speech"
    assert permissions.get(carol.alexa_user_hash).allows(MESSAGE_ALERT)
    assert permissions.get(carol.alexa_user_hash).alexa_user_id == ALEXA_ID

    assert post(client, envelope("skill_permission_changed", now)).status_code == 200
    assert not permissions.get(carol.alexa_user_hash).granted
    assert post(client, envelope("proactive_subscription_changed", now)).status_code == 200
    assert permissions.get(carol.alexa_user_hash).allows(MESSAGE_ALERT)

    stale = envelope("skill_disabled", now - dt.timedelta(hours=2))
    assert post(client, stale).status_code == 400, "skill events older than an hour are refused"
    assert post(client, envelope("skill_disabled", now - dt.timedelta(minutes=50))).status_code == 200
    assert not permissions.get(carol.alexa_user_hash).allows(MESSAGE_ALERT), "disabling stops notifications at once"
    assert permissions.get(carol.alexa_user_hash).alexa_user_id == ""
    assert services.lifecycle.due_time(carol.alexa_user_hash) is not None


def test_lambda_disable_reenable_and_scheduled_purge(config: SkillConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    import skill.lambda_function as lf

    for key, value in {"SHOPTALK_DATA_DIR": str(config.knowledge.data_dir), "SHOPTALK_GENERATOR": "none",
                       "SHOPTALK_WARM_UP": "0", "SHOPTALK_PURGE_GRACE_HOURS": "48"}.items():
        monkeypatch.setenv(key, value)
    lf._runtime.cache_clear()
    from skill.app import services_for

    services = services_for(lf._runtime()[0])
    carol = add_carol(services)
    t0 = dt.datetime.now(dt.timezone.utc)
    assert lf.lambda_handler(envelope("skill_disabled", t0), None)["response"] == {}
    due = services.lifecycle.due_time(carol.alexa_user_hash)
    assert due is not None and abs((due - t0).total_seconds() - 48 * 3600) < 5

    assert lf.lambda_handler({"job": SCHEDULE_MARKER}, None)["purge"] == {"erased": 0, "waiting": 1}
    lf.lambda_handler(envelope("skill_enabled", t0 + dt.timedelta(minutes=5)), None)
    assert run_maintenance(services, t0 + dt.timedelta(hours=49))["purge"] == {"erased": 0, "waiting": 0}
    assert services.store.get_user(carol.id) is not None, "re-enabling within the grace period keeps the data"

    lf.lambda_handler(envelope("skill_disabled", t0 + dt.timedelta(minutes=10)), None)
    assert run_maintenance(services, t0 + dt.timedelta(hours=47))["purge"]["erased"] == 0
    assert run_maintenance(services, t0 + dt.timedelta(hours=49))["purge"] == {"erased": 1, "waiting": 0}
    assert services.store.get_user(carol.id) is None
    assert services.store.messages_to(carol.id) == [], "erased like 'delete my data'"
    assert run_maintenance(services, t0 + dt.timedelta(hours=50))["purge"] == {"erased": 0, "waiting": 0}
    lf._runtime.cache_clear()
