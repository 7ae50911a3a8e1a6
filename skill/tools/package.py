"""Generate an ASK CLI skill package (skill.json + interactionModels/custom/<locale>.json)
from interaction_models/, so `ask deploy` publishes the same model the simulator uses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from skill.intents import INVOCATION_NAME
from skill.notifications.events import PUBLICATIONS
from skill.notifications.permissions import NOTIFICATIONS_SCOPE
from skill.tools.model_files import MODELS_DIR, ModelError, load_model, model_locales, model_problems

_SUBSCRIBED_EVENTS = (
    "SKILL_ENABLED",
    "SKILL_DISABLED",
    "SKILL_PERMISSION_ACCEPTED",
    "SKILL_PERMISSION_CHANGED",
    "SKILL_PROACTIVE_SUBSCRIPTION_CHANGED",
)
_VIEWPORTS = [
    {"mode": "HUB", "shape": "ROUND", "minWidth": 100, "maxWidth": 599, "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 600, "maxWidth": 1279, "minHeight": 400, "maxHeight": 799},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 1280, "maxWidth": 1920, "minHeight": 600, "maxHeight": 1200},
]
_COUNTRIES = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}
_EXAMPLES = (
    f"Alexa, open {INVOCATION_NAME}",
    f"Alexa, ask {INVOCATION_NAME} what do people say about the echo dot",
    f"Alexa, ask {INVOCATION_NAME} to read my messages",
)


def manifest(
    locales: list[str], endpoint_url: str | None, lambda_arn: str | None, certificate: str = "Wildcard"
) -> dict[str, Any]:
    """The skill.json manifest: publishing information per locale, the custom API endpoint
    (HTTPS for a self-hosted web service, or a Lambda ARN), CanFulfillIntentRequest, APL,
    the notifications permission, the MessageAlert publication and the lifecycle events.

    `certificate` is the endpoint's sslCertificateType: "Wildcard" for a tunnel host such as
    ngrok's or cloudflared's (a sub-domain of a wildcard certificate), "Trusted" for a host
    with its own certificate from a trusted authority."""
    if certificate not in ("Wildcard", "Trusted"):
        raise ValueError(f"certificate type must be Wildcard or Trusted, not {certificate!r}")
    if bool(endpoint_url) == bool(lambda_arn):
        raise ValueError("give exactly one endpoint: an HTTPS URL or a Lambda ARN")
    if endpoint_url and not endpoint_url.startswith("https://"):
        raise ValueError(f"endpoint URL must use https: {endpoint_url}")
    endpoint: dict[str, Any] = (
        {"uri": lambda_arn}
        if lambda_arn
        else {"uri": endpoint_url, "sslCertificateType": certificate}
    )
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {
                    locale: {
                        "name": "Shop Talk",
                        "summary": "Talk about products with answers from real customer reviews.",
                        "description": (
                            "Shop Talk is a social shopping assistant. Ask what real customers "
                            "say about a product, leave a review by voice, message friends, ask "
                            "and answer community questions, vote in polls, or just chat."
                        ),
                        "examplePhrases": list(_EXAMPLES),
                        "keywords": ["shopping", "reviews", "products", "friends"],
                    }
                    for locale in locales
                },
                "isAvailableWorldwide": False,
                "distributionCountries": sorted({_COUNTRIES[l] for l in locales if l in _COUNTRIES}),
                "testingInstructions": "Say: open shop talk, then: what do people say about the echo dot.",
                "category": "SHOPPING",
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {locale: {} for locale in locales},
            },
            "apis": {
                "custom": {
                    "endpoint": endpoint,
                    "interfaces": [
                        {"type": "CAN_FULFILL_INTENT_REQUEST"},
                        {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": _VIEWPORTS},
                    ],
                }
            },
            # Notifications: the permission users grant in the Alexa app, the event schema the
            # skill publishes, and the lifecycle events (skill.handlers.events) it receives.
            "permissions": [{"name": NOTIFICATIONS_SCOPE}],
            "events": {
                "endpoint": endpoint,
                "publications": list(PUBLICATIONS),
                "subscriptions": [{"eventName": name} for name in _SUBSCRIBED_EVENTS],
            },
        }
    }


def build_package(
    out_dir: Path,
    endpoint_url: str | None = None,
    lambda_arn: str | None = None,
    models_dir: Path = MODELS_DIR,
    certificate: str = "Wildcard",
) -> list[Path]:
    """Write `out_dir` afresh from the model files; refuses models that would fail to build."""
    locales = model_locales(models_dir)
    if not locales:
        raise ModelError(f"no interaction models in {models_dir}")
    documents = {locale: load_model(models_dir / f"{locale}.json") for locale in locales}
    for locale, document in documents.items():
        problems = model_problems(document)
        if problems:
            raise ModelError(f"{locale}: " + "; ".join(problems))
    skill_json = manifest(locales, endpoint_url, lambda_arn, certificate)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    custom = out_dir / "interactionModels" / "custom"
    custom.mkdir(parents=True)
    written = [out_dir / "skill.json"]
    written[0].write_text(json.dumps(skill_json, indent=2) + "\n", encoding="utf-8")
    for locale, document in documents.items():
        path = custom / f"{locale}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
