"""Reply.visual -> the APL datasource: every text escaped for APL's text markup (user
content such as quotes and messages must never inject tags), numbers as the components
want them, and lists capped so the response stays within Alexa's size limits."""

from __future__ import annotations

from typing import Any

from dialogue.reply import Visual
from skill.apl.text import label

MAX_ITEMS = 10
MAX_TEXT = 400
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def escape(text: str) -> str:
    """Text safe for an APL Text component (markup characters as entities), length-capped."""
    text = " ".join(str(text).split())[:MAX_TEXT]
    for raw, entity in _ESCAPES:
        text = text.replace(raw, entity)
    return text


def _percent(share: float | None) -> int:
    return round(100 * min(1.0, max(0.0, share or 0.0)))


def datasource(visual: Visual, locale: str) -> dict[str, Any]:
    """The `payload` the document binds to (see skill.apl.document)."""
    count_text = label(locale, "reviews", count=visual.count) if visual.count is not None else ""
    return {"visual": {
        "kind": visual.kind,
        "title": escape(visual.title),
        "subtitle": "",
        "text": escape(visual.text),
        "attribution": escape(f"— {visual.attribution}" if visual.attribution else ""),
        "rating": round(visual.rating, 1) if visual.rating is not None else 0,
        "countText": escape(count_text),
        "bars": [{"label": escape(label), "percent": _percent(share)} for label, share in visual.bars[:MAX_ITEMS]]
                or [{"label": escape(i.title), "percent": _percent(i.share)} for i in visual.items[:MAX_ITEMS]
                    if visual.kind == "poll"],
        "items": [{"id": escape(i.id), "primaryText": escape(i.title), "secondaryText": escape(i.subtitle)}
                  for i in visual.items[:MAX_ITEMS]],
        "locale": locale,
    }}

