"""The APL document, in one place: one layout per visual kind, chosen by the datasource's
`kind`, made of alexa-layouts responsive components (AlexaHeader, AlexaRating,
AlexaProgressBar, AlexaTextList). Touching a recommendation sends a UserEvent with the
arguments ["select_product", <product id>]."""

from __future__ import annotations

from typing import Any

TOKEN = "shoptalk-visual"
SELECT_PRODUCT = "select_product"
LAYOUTS_PACKAGE = {"name": "alexa-layouts", "version": "1.7.0"}
MAX_DOCUMENT_BYTES = 24 * 1024  # the document and datasource travel inside the 24 KB response
_D = "${payload.visual"


def _header() -> dict[str, Any]:
    return {"type": "AlexaHeader", "headerTitle": f"{_D}.title}}", "headerSubtitle": f"{_D}.subtitle}}"}


def _quote() -> dict[str, Any]:
    return {"type": "Container", "paddingLeft": "@spacingLarge", "paddingRight": "@spacingLarge", "items": [
        {"type": "Text", "text": f"{_D}.text}}", "style": "textStyleBody", "maxLines": 6},
        {"type": "Text", "text": f"{_D}.attribution}}", "style": "textStyleHint", "paddingTop": "@spacingSmall"},
    ]}


def _bars() -> dict[str, Any]:
    return {"type": "Sequence", "data": f"{_D}.bars}}", "grow": 1, "paddingLeft": "@spacingLarge",
            "paddingRight": "@spacingLarge", "items": [{"type": "Container", "paddingTop": "@spacingSmall", "items": [
                {"type": "Text", "text": "${data.label}", "style": "textStyleDetail"},
                {"type": "AlexaProgressBar", "progressBarType": "determinate",
                 "progressValue": "${data.percent}", "totalValue": 100},
            ]}]}


def _layouts() -> list[dict[str, Any]]:
    summary = {"type": "Container", "when": f"{_D}.kind == 'summary'}}", "height": "100%", "items": [
        _header(),
        {"type": "AlexaRating", "ratingSlotMode": "multiple", "ratingNumber": f"{_D}.rating}}",
         "ratingText": f"{_D}.countText}}", "paddingLeft": "@spacingLarge"},
        _bars(), _quote()]}
    answer = {"type": "Container", "when": f"{_D}.kind == 'answer' || {_D}.kind == 'message'}}",
              "height": "100%", "items": [_header(), _quote()]}
    listing = {"type": "AlexaTextList", "when": f"{_D}.kind == 'recommendations'}}",
               "headerTitle": f"{_D}.title}}", "listItems": f"{_D}.items}}",
               "primaryAction": {"type": "SendEvent", "arguments": [SELECT_PRODUCT, "${data.id}"]}}
    poll = {"type": "Container", "when": f"{_D}.kind == 'poll'}}", "height": "100%", "items": [
        _header(), _bars()]}
    return [summary, answer, listing, poll]


def document() -> dict[str, Any]:
    """The APL document every visual renders with."""
    return {
        "type": "APL",
        "version": "2023.3",
        "import": [LAYOUTS_PACKAGE],
        "theme": "dark",
        "mainTemplate": {"parameters": ["payload"], "items": [
            {"type": "Container", "height": "100vh", "width": "100vw",
             "items": [{"type": "AlexaBackground"}, *_layouts()]},
        ]},
    }
