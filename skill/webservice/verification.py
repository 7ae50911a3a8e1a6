"""Request verifiers that plug into flask-ask-sdk through its `AbstractVerifier` interface.

Each verifier checks one of Alexa's rules for web-service skills and raises `RequestRefused`
(a `VerificationException`, which flask-ask-sdk turns into HTTP 400) with a reason that names
the failed check. They replace the SDK's own `RequestVerifier`/`TimestampVerifier`, whose
chain validation needs oscrypto (see `skill.webservice.sdk`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.hashes import SHA256

from skill.webservice.certificates import CertificateChainCache, CertificateError, Clock, utc_now
from skill.webservice.envelope import envelope_problem
from skill.webservice.sdk import ensure_certvalidator_importable

# ask_sdk_webservice_support.verifier imports certvalidator at module level; make that import
# work on OpenSSL >= 3.0.10 before touching the SDK (the reason is in skill.webservice.sdk).
ensure_certvalidator_importable()

from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    VerificationException,
)

if TYPE_CHECKING:
    from ask_sdk_model import RequestEnvelope

LOG = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
TIMESTAMP_TOLERANCE = dt.timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = dt.timedelta(hours=1)
SKILL_EVENT_TYPES = frozenset(
    {
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillAccountLinked",
        "AlexaSkillEvent.ProactiveSubscriptionChanged",
    }
)
BODY_ENCODING = "utf-8"


class RequestRefused(VerificationException):
    """A request failed verification; `str(error)` is the reason (logged and sent with the 400)."""


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    # Flask passes case-insensitive werkzeug Headers; plain dicts (Lambda, tests) may not be.
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if str(k).lower() == lowered), None)
    return None if value is None else str(value)


class SignatureVerifier(AbstractVerifier):
    """Signature-256 header: RSA PKCS#1 v1.5 / SHA-256 over the raw body, by Alexa's key.

    The SDK hands verifiers the body as text; the web service decodes the raw bytes strictly
    as UTF-8 before dispatch, and a strict UTF-8 decode round-trips byte for byte, so
    re-encoding here yields exactly the bytes Alexa signed (never re-serialised JSON).
    """

    def __init__(self, certificates: CertificateChainCache) -> None:
        self._certificates = certificates

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        """Raise RequestRefused unless the body carries a valid Alexa signature."""
        cert_url = _header(headers, CERT_URL_HEADER)
        if not cert_url:
            raise RequestRefused(f"missing {CERT_URL_HEADER} header")
        encoded_signature = _header(headers, SIGNATURE_HEADER)
        if not encoded_signature:
            raise RequestRefused(f"missing {SIGNATURE_HEADER} header")
        try:
            signature = base64.b64decode(encoded_signature, validate=True)
        except (binascii.Error, ValueError):
            raise RequestRefused(f"{SIGNATURE_HEADER} header is not valid base64") from None
        try:
            signing = self._certificates.signing_certificate(cert_url)
        except CertificateError as error:
            raise RequestRefused(str(error)) from None
        try:
            signing.public_key.verify(
                signature, serialized_request_env.encode(BODY_ENCODING), PKCS1v15(), SHA256()
            )
        except InvalidSignature:
            raise RequestRefused(
                f"{SIGNATURE_HEADER} does not match the request body and signing certificate"
            ) from None


def _as_utc(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str):
        try:
            return _as_utc(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


class TimestampVerifier(AbstractVerifier):
    """request.timestamp within 150 s of now, either way (skill events: one hour)."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        """Raise RequestRefused unless the request's timestamp is fresh."""
        request = deserialized_request_env.request
        timestamp = _as_utc(getattr(request, "timestamp", None))
        if timestamp is None:
            raise RequestRefused("request has no valid timestamp")
        tolerance = (
            SKILL_EVENT_TOLERANCE
            if getattr(request, "object_type", None) in SKILL_EVENT_TYPES
            else TIMESTAMP_TOLERANCE
        )
        skew = self._clock() - timestamp
        if skew > tolerance:
            raise RequestRefused(
                f"request timestamp {timestamp.isoformat()} is {skew.total_seconds():.0f} s old "
                f"(limit {tolerance.total_seconds():.0f} s)"
            )
        if -skew > tolerance:
            raise RequestRefused(
                f"request timestamp {timestamp.isoformat()} is "
                f"{-skew.total_seconds():.0f} s in the future (limit {tolerance.total_seconds():.0f} s)"
            )


class EnvelopeVerifier(AbstractVerifier):
    """Envelope shape and, whenever a skill id is configured, the application id."""

    def __init__(self, skill_id: str | None) -> None:
        self._skill_id = skill_id

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        """Raise RequestRefused for an envelope no handler should see."""
        problem = envelope_problem(deserialized_request_env, self._skill_id)
        if problem is not None:
            raise RequestRefused(problem)
