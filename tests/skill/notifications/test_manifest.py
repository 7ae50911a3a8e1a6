"""The generated skill.json declares the notifications permission, the MessageAlert
publication, the lifecycle events and APL; the SAM template schedules the purge."""

from __future__ import annotations

from pathlib import Path

from skill.handlers.events import LIFECYCLE_EVENTS
from skill.tools.package import manifest

ROOT = Path(__file__).resolve().parents[3]


def test_manifest_declares_permission_publications_and_events() -> None:
    skill = manifest(["en-US", "en-GB"], None, "arn:aws:lambda:us-east-1:123456789012:function:shoptalk")["manifest"]
    assert skill["permissions"] == [{"name": "alexa::devices:all:notifications:write"}]
    events = skill["events"]
    assert events["publications"] == [{"eventName": "AMAZON.MessageAlert.Activated"}]
    assert events["endpoint"] == skill["apis"]["custom"]["endpoint"]
    names = {s["eventName"] for s in events["subscriptions"]}
    assert names == {"SKILL_ENABLED", "SKILL_DISABLED", "SKILL_PERMISSION_ACCEPTED", "SKILL_PERMISSION_CHANGED",
                     "SKILL_PROACTIVE_SUBSCRIPTION_CHANGED"}
    assert len(LIFECYCLE_EVENTS) == len(names), "every subscribed event has a handler"
    types = [i["type"] for i in skill["apis"]["custom"]["interfaces"]]
    assert "ALEXA_PRESENTATION_APL" in types


def test_template_schedules_the_maintenance_job() -> None:
    text = (ROOT / "template.yaml").read_text()
    assert "Type: Schedule" in text and '{"job": "shoptalk-maintenance"}' in text
    assert "SHOPTALK_PURGE_GRACE_HOURS" in text and "SHOPTALK_NOTIFY_CLIENT_SECRET" in text
