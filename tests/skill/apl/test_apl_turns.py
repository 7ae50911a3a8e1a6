"""APL through the skill on a simulated Echo Show: poll options, then results after voting,
and a touched recommendation (APL UserEvent) continuing with that product's summary."""

from __future__ import annotations

import json
from typing import Any

from knowledge.model import Poll, PollOption
from skill.apl.document import SELECT_PRODUCT, TOKEN
from skill.app import build_skill, services_for
from skill.config import SkillConfig
from skill.simulator import Simulator
from skill.simulator.envelopes import Caller, envelope

ALBUMS = Poll("poll-albums", "Which album should we review next?",
              (PollOption("o-ril", "Remain in Light"), PollOption("o-blue", "Blue")), "2099-01-01T00:00:00+00:00")


def _visual(turn: Any) -> dict[str, Any]:
    (data,) = turn.apl_datasources()
    return data["payload"]["visual"]


def test_poll_shows_options_then_results(skill_config: SkillConfig) -> None:
    services_for(skill_config).store.put_poll(ALBUMS)
    sim = Simulator.from_config(skill_config, user="pollster", display=True)
    sim.say("open shop talk")
    asked = _visual(sim.say("what polls are open"))
    assert asked["kind"] == "poll" and [b["label"] for b in asked["bars"]] == ["Remain in Light", "Blue"]
    assert all(item["secondaryText"] == "" for item in asked["items"]), "no results before voting"
    voted = _visual(sim.say("i vote for blue"))
    assert voted["kind"] == "poll"
    assert {b["label"]: b["percent"] for b in voted["bars"]} == {"Remain in Light": 0, "Blue": 100}
    assert [i["secondaryText"] for i in voted["items"]] == ["0 votes", "one vote"]


def test_touching_a_recommendation_continues_with_its_summary(skill_config: SkillConfig) -> None:
    services = services_for(skill_config)
    product = next(p for p in services.store.list_products() if "Echo Dot" in p.name)
    skill = build_skill(skill_config)
    caller = Caller("amzn1.ask.skill.shoptalk-simulator", "amzn1.ask.account.toucher",
                    "amzn1.ask.device.show", "en-US", display=True)
    request = {"type": "Alexa.Presentation.APL.UserEvent", "requestId": "amzn1.echo-api.request.touch-1",
               "timestamp": "2026-12-05T20:00:00Z", "locale": "en-US", "token": TOKEN,
               "arguments": [SELECT_PRODUCT, product.id],
               "source": {"type": "TouchWrapper", "handler": "Press", "id": "item-0"}}
    document = envelope(caller, request, "amzn1.echo-api.session.touch", False, {})
    from ask_sdk_model import RequestEnvelope

    parsed = skill.serializer.deserialize(json.dumps(document), RequestEnvelope)
    response = skill.serializer.serialize(skill.invoke(request_envelope=parsed, context=None))
    speech = response["response"]["outputSpeech"]["ssml"]
    assert "Customers give the Echo Dot" in speech
    assert response["response"]["shouldEndSession"] is False
    directives = response["response"]["directives"]
    assert directives[0]["type"] == "Alexa.Presentation.APL.RenderDocument"
    assert directives[0]["datasources"]["payload"]["visual"]["kind"] == "summary"
    focus = response["sessionAttributes"]
    assert product.id in json.dumps(focus), "the touched product is the focus of what follows"
