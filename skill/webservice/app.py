"""The Flask app factory: POST /alexa through flask-ask-sdk with ShopTalk's verifiers, GET /healthz.

Every refused request is answered 400 (413 for an oversized body) with a JSON reason and a
logged warning; nothing a client sends can make the app answer 500 or 200 without passing
every enabled check. The order is: size, UTF-8, JSON object, Alexa envelope shape (here), then
signature, envelope and skill id, timestamp (the verifiers, run by flask-ask-sdk before the skill).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from skill.webservice.certificates import CertificateChainCache, CertificateFetcher, Clock, utc_now
from skill.webservice.sdk import import_skill_adapter
from skill.webservice.verification import (
    EnvelopeVerifier,
    RequestRefused,
    SignatureVerifier,
    TimestampVerifier,
)

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill
    from ask_sdk_webservice_support.verifier import AbstractVerifier
    from cryptography import x509

    from skill.config import SkillConfig

LOG = logging.getLogger(__name__)

ALEXA_ROUTE = "/alexa"
HEALTH_ROUTE = "/healthz"
APP_NAME = "skill.webservice"


class _DropSdkVerificationLog(logging.Filter):
    """flask-ask-sdk logs every refusal with a traceback; ShopTalk logs the reason instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "Request verification failed"


def _refuse(status: int, reason: str) -> tuple[Response, int]:
    LOG.warning("refused %s %s: %s", request.method, request.path, reason)
    return jsonify({"error": "request refused", "reason": reason}), status


def startup_warnings(config: SkillConfig) -> list[str]:
    """What an operator must be told when the service starts with relaxed security."""
    warnings = []
    if not config.verify_signature:
        warnings.append(
            "REQUEST SIGNATURE VERIFICATION IS OFF (--no-verify-signature): anyone who can "
            "reach this port can impersonate Alexa. Use only for local testing."
        )
    if not config.verify_timestamp:
        warnings.append(
            "REQUEST TIMESTAMP VERIFICATION IS OFF (--no-verify-timestamp): recorded requests "
            "can be replayed. Use only for local testing."
        )
    if config.skill_id is None:
        warnings.append(
            "no skill id configured (--skill-id or SHOPTALK_SKILL_ID): requests addressed to "
            "any skill are accepted."
        )
    return warnings


def build_verifiers(
    config: SkillConfig,
    cert_fetcher: CertificateFetcher | None = None,
    clock: Clock = utc_now,
    trust_roots: list[x509.Certificate] | None = None,
) -> list[AbstractVerifier]:
    """The verifiers `config` enables, in the order they run: signature, envelope, timestamp."""
    verifiers: list[AbstractVerifier] = []
    if config.verify_signature:
        cache_args: dict[str, Any] = {"clock": clock, "trust_roots": trust_roots}
        if cert_fetcher is not None:
            cache_args["fetcher"] = cert_fetcher
        verifiers.append(SignatureVerifier(CertificateChainCache(**cache_args)))
    verifiers.append(EnvelopeVerifier(config.skill_id))
    if config.verify_timestamp:
        verifiers.append(TimestampVerifier(clock))
    return verifiers


def create_app(
    config: SkillConfig,
    skill: CustomSkill | None = None,
    cert_fetcher: CertificateFetcher | None = None,
    clock: Clock | None = None,
    trust_roots: list[x509.Certificate] | None = None,
) -> Flask:
    """The web service for `skill` (default: `build_skill(config)`).

    `cert_fetcher` (URL -> PEM bytes), `clock` and `trust_roots` replace the network, the
    system clock and certifi's roots; tests inject their own CA through them.
    """
    from ask_sdk_model import RequestEnvelope
    from flask_ask_sdk.skill_adapter import (
        VERIFY_SIGNATURE_APP_CONFIG,
        VERIFY_TIMESTAMP_APP_CONFIG,
    )

    if skill is None:
        from skill.app import build_skill

        skill = build_skill(config)
    for warning in startup_warnings(config):
        LOG.warning("%s", warning)

    app = Flask(APP_NAME)
    app.logger.addFilter(_DropSdkVerificationLog())
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    # The SDK's own verifiers need oscrypto; ours (same rules, on `cryptography`) replace them.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    adapter = import_skill_adapter()(
        skill=skill,
        skill_id=config.skill_id or APP_NAME,
        verifiers=build_verifiers(config, cert_fetcher, clock or utc_now, trust_roots),
        app=app,
    )
    serializer = skill.serializer

    @app.post(ALEXA_ROUTE)
    def alexa() -> Any:
        body = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
        if not body:
            return _refuse(400, "empty request body")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            return _refuse(400, f"request body is not UTF-8: {error}")
        try:
            payload = json.loads(text)
        except (ValueError, RecursionError) as error:
            return _refuse(400, f"request body is not valid JSON: {error}")
        if not isinstance(payload, dict):
            return _refuse(400, f"request body must be a JSON object, not {type(payload).__name__}")
        try:
            serializer.deserialize(payload=text, obj_type=RequestEnvelope)
        except Exception as error:  # the SDK would answer these with 500
            return _refuse(400, f"request body is not an Alexa request envelope: {error}")
        try:
            return adapter.dispatch_request()
        except BadRequest as error:
            cause = error.__context__
            if isinstance(cause, RequestRefused):
                return _refuse(400, str(cause))
            return _refuse(400, f"request failed verification: {cause or error.description}")

    @app.get(HEALTH_ROUTE)
    def healthz() -> Any:
        return jsonify({"status": "ok"})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is not None and 400 <= error.code < 500:
            return _refuse(error.code, error.description or error.name)
        LOG.error("%s %s failed: %s", request.method, request.path, error.description)
        return jsonify({"error": error.name}), error.code or 500

    return app
