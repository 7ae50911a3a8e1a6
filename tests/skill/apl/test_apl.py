"""APL visuals: the document's structure and components, escaping of every text in the
datasource, the size limit, and screen vs voice-only devices through the simulator."""

from __future__ import annotations

import json
from typing import Any

from dialogue.reply import Reply, Say, Visual, VisualItem
from knowledge.model import Message, User
from dialogue.state import DialogueState
from skill.apl.datasource import datasource, escape
from skill.apl.derive import visual_of
from skill.apl.document import LAYOUTS_PACKAGE, MAX_DOCUMENT_BYTES, SELECT_PRODUCT, document
from skill.app import services_for
from skill.config import SkillConfig
from skill.context import hash_alexa_user_id
from skill.simulator import Simulator

HOSTILE = '<speak>&amp; ${payload} </Text><b>x</b> "quoted" & more'
LAYOUT_COMPONENTS = {"AlexaHeader", "AlexaRating", "AlexaProgressBar", "AlexaTextList", "AlexaBackground"}


def _walk(node: Any) -> list[Any]:
    found = [node]
    if isinstance(node, dict):
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def _strings(node: Any) -> list[str]:
    return [n for n in _walk(node) if isinstance(n, str)]


def visuals() -> list[Visual]:
    items = (VisualItem("p-1", HOSTILE, HOSTILE, 0.4), VisualItem("p-2", "Echo Dot", "4.5 stars", 0.6))
    return [
        Visual("summary", title=HOSTILE, text=HOSTILE, attribution=HOSTILE, rating=4.26, count=12,
               bars=((HOSTILE, 0.8), ("battery", 1.7))),
        Visual("answer", text=HOSTILE, attribution=HOSTILE),
        Visual("recommendations", title="For you", items=items),
        Visual("poll", title=HOSTILE, items=items),
        Visual("message", text=HOSTILE, attribution=HOSTILE),
    ]


def test_document_uses_the_layouts_package_and_a_layout_per_kind() -> None:
    doc = document()
    assert doc["type"] == "APL" and LAYOUTS_PACKAGE in doc["import"]
    types = {n["type"] for n in _walk(doc) if isinstance(n, dict) and "type" in n}
    assert LAYOUT_COMPONENTS <= types
    whens = " ".join(n["when"] for n in _walk(doc) if isinstance(n, dict) and "when" in n)
    for kind in ("summary", "answer", "recommendations", "poll", "message"):
        assert f"'{kind}'" in whens, f"no layout for {kind}"
    (listing,) = [n for n in _walk(doc) if isinstance(n, dict) and n.get("type") == "AlexaTextList"]
    assert listing["primaryAction"] == {"type": "SendEvent", "arguments": [SELECT_PRODUCT, "${data.id}"]}


def test_every_datasource_text_is_escaped_and_within_limits() -> None:
    for visual in visuals():
        data = datasource(visual, "en-US")
        for text in _strings(data):
            assert "<" not in text and ">" not in text, f"{visual.kind}: unescaped markup in {text!r}"
            assert "&" not in text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", ""), text
        size = len(json.dumps({"document": document(), "datasources": {"payload": data}}))
        assert size < MAX_DOCUMENT_BYTES // 2, f"{visual.kind}: {size} bytes leaves too little room"
        percents = [b["percent"] for b in data["visual"]["bars"]]
        assert all(0 <= p <= 100 for p in percents)
    assert escape("a & b <i>") == "a &amp; b &lt;i&gt;"
    poll = datasource(visuals()[3], "en-US")["visual"]
    assert [b["percent"] for b in poll["bars"]] == [40, 60], "poll results as shares of the votes"


def test_message_visual_is_derived_from_the_reading_speech() -> None:
    reply = Reply(speech=(Say("social.read.one", {"name": "alice", "text": "hi <b>"}),), end_session=True)
    visual = visual_of(reply, None, DialogueState())  # type: ignore[arg-type]
    assert visual is not None and visual.kind == "message" and visual.attribution == "alice"
    summary = Reply(speech=(Say("summary.head", {"product": "Echo Dot", "rating": 4.3, "count": 120}),
                            Say("summary.quote", {"stars": 5, "quote": "great <sound>"})), end_session=True)
    shown = visual_of(summary, None, DialogueState())  # type: ignore[arg-type]
    assert shown == Visual("summary", title="Echo Dot", rating=4.3, count=120, text="great <sound>",
                           attribution="a 5-star review")
    answer = Reply(speech=(Say("answers.tone.qa", {"product": "Echo Dot"}), Say("answers.quote_qa", {"quote": "yes"})),
                   end_session=True)
    assert visual_of(answer, None, DialogueState()).kind == "answer"  # type: ignore[arg-type, union-attr]


def _with_message(config: SkillConfig, display: bool) -> tuple[dict[str, Any], str]:
    sim = Simulator.from_config(config, user="erin", display=display)
    sim.say("open shop talk")
    store = services_for(config).store
    erin = store.user_by_alexa_hash(hash_alexa_user_id("amzn1.ask.account.erin"))
    if erin is None:
        erin = User("u-erin", hash_alexa_user_id("amzn1.ask.account.erin"), "erin", "elk one")
        store.put_user(erin)
    if store.get_user("u-frank") is None:
        store.put_user(User("u-frank", hash_alexa_user_id("amzn1.ask.account.frank"), "frank", "fox one"))
    store.put_message(Message(f"m-{display}", "u-frank", erin.id, "lunch at <b>one</b>?", "2026-12-05T12:00:00"))
    result = sim.say("read my messages")
    sim.end()
    return result.to_json(), json.dumps(result.responses[-1]["response"].get("directives") or [])


def test_screen_devices_see_the_sender_voice_only_get_todays_response(skill_config: SkillConfig) -> None:
    shown, directives = _with_message(skill_config, display=True)
    assert "RenderDocument" in directives
    (payload,) = shown["apl"]
    assert payload["payload"]["visual"]["kind"] == "message"
    assert payload["payload"]["visual"]["title"] == "frank", "the sender by handle"
    assert "&lt;b&gt;" in payload["payload"]["visual"]["text"]
    voice, voice_directives = _with_message(skill_config, display=False)
    assert "apl" not in voice and "RenderDocument" not in voice_directives
    assert voice["speech"] == shown["speech"], "the speech is the same with or without a screen"


def test_chat_display_flag_writes_the_datasource_per_turn(tmp_path: Any) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {"SHOPTALK_DATA_DIR": str(tmp_path / "data"), "SHOPTALK_GENERATOR": "none", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "SHOPTALK_WARM_UP": "0"}
    result = subprocess.run([sys.executable, "-m", "skill", "chat", "--json", "--display"], input="open shop talk\nstop\n",
                            capture_output=True, text=True, cwd=root, env=env, timeout=120, check=True)
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["apl"] for t in turns] == [[], []], "no visual for launch and stop, but the key is there"


def test_every_locale_has_every_screen_label() -> None:
    from skill.apl.text import LABELS
    from skill.config import SUPPORTED_LOCALES

    keys = set(LABELS["en-US"])
    for locale in SUPPORTED_LOCALES:
        assert set(LABELS[locale]) == keys, locale
