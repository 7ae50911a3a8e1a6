"""End-to-end request verification over a real loopback server: every check, its 400 and its
logged reason, and the 200 with a real skill response when every check passes."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest

from .conftest import CERT_URL, SKILL_ID, ServerFactory, body_of, envelope
from .pki import Pki, chain_pem, make_ca, make_leaf

pytestmark = pytest.mark.slow  # every test starts a real server on loopback

NOW = dt.datetime.now(dt.timezone.utc)


def signed(pki: Pki, payload: dict[str, Any], url: str = CERT_URL) -> tuple[bytes, dict[str, str]]:
    body = body_of(payload)
    return body, pki.headers(body, url=url)


def assert_refused(reply: Any, fragment: str, status: int = 400) -> None:
    assert reply.status == status, (reply.status, reply.body[:300])
    assert fragment in reply.reason, f"expected {fragment!r} in the reason {reply.reason!r}"


def test_valid_signed_launch_gets_the_real_skill_response(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    body, headers = signed(pki, envelope())
    reply = live.post(body, headers)
    assert reply.status == 200, reply.body
    response = reply.json()
    assert response["version"] == "1.0"
    speech = response["response"]["outputSpeech"]["ssml"]
    assert "Shop Talk" in speech, speech
    assert response["response"]["shouldEndSession"] is False
    assert response["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert live.fetches == [CERT_URL], "the chain is downloaded from the canonical URL"


def test_help_intent_and_chain_cached_across_requests(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    for _ in range(3):
        body, headers = signed(pki, envelope("IntentRequest", intent="AMAZON.HelpIntent"))
        reply = live.post(body, headers)
        assert reply.status == 200, reply.body
        assert reply.json()["response"]["shouldEndSession"] is False
    assert live.fetches == [CERT_URL], "one download for three requests"


def test_signature_is_over_raw_bytes_not_reserialised_json(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    # Spacing, key order and escapes that json.dumps would change: the signature still holds.
    text = json.dumps(envelope(), indent=3, ensure_ascii=True).replace('"LaunchRequest"', '"Launch\\u0052equest"')
    body = ("  " + text + "\n").encode("utf-8")
    reply = live.post(body, pki.headers(body))
    assert reply.status == 200, reply.body


def test_wrong_signature_is_refused(pki: Pki, serve: ServerFactory, caplog: pytest.LogCaptureFixture) -> None:
    live = serve()
    body = body_of(envelope())
    with caplog.at_level(logging.WARNING, logger="skill.webservice"):
        reply = live.post(body, pki.headers(body, key=pki.other_root.key))
    assert_refused(reply, "does not match the request body")
    assert any("does not match the request body" in r.getMessage() for r in caplog.records), "reason logged"


def test_tampered_body_is_refused(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    body, headers = signed(pki, envelope())
    tampered = body.replace(b"TESTUSER", b"ATTACKER")
    assert_refused(live.post(tampered, headers), "does not match the request body")


@pytest.mark.parametrize(
    ("header", "fragment"),
    [("SignatureCertChainUrl", "missing SignatureCertChainUrl"), ("Signature-256", "missing Signature-256")],
)
def test_missing_signature_headers_are_refused(
    pki: Pki, serve: ServerFactory, header: str, fragment: str
) -> None:
    live = serve()
    body, headers = signed(pki, envelope())
    del headers[header]
    assert_refused(live.post(body, headers), fragment)


def test_signature_that_is_not_base64_is_refused(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    body, headers = signed(pki, envelope())
    headers["Signature-256"] = "not base64 at all!"
    assert_refused(live.post(body, headers), "not valid base64")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "has scheme 'http'"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "has host 'notamazon.com'"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "has host"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "has path '/EcHo.aPi/echo-api-cert.pem'"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "must start with '/echo.api/'"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "'/invalid.path/echo-api-cert.pem' once normalised"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "has port 563"),
        ("https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem", "user information"),
    ],
)
def test_certificate_url_rules_refuse(
    pki: Pki, serve: ServerFactory, url: str, fragment: str
) -> None:
    live = serve()
    body, headers = signed(pki, envelope(), url=url)
    assert_refused(live.post(body, headers), fragment)
    assert live.fetches == [], "a refused URL is never downloaded"


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert-test.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-test.pem",
    ],
)
def test_certificate_url_forms_amazon_allows(pki: Pki, serve: ServerFactory, url: str) -> None:
    live = serve()
    body, headers = signed(pki, envelope(), url=url)
    reply = live.post(body, headers)
    assert reply.status == 200, reply.body
    assert live.fetches == [CERT_URL], "fetched by its canonical form"


def test_expired_leaf_is_refused(pki: Pki, serve: ServerFactory) -> None:
    leaf = make_leaf(pki.intermediate, not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1), key=pki.leaf.key)
    live = serve(chain=chain_pem(leaf, pki.intermediate))
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), "signing certificate expired")


def test_leaf_not_yet_valid_is_refused(pki: Pki, serve: ServerFactory) -> None:
    leaf = make_leaf(pki.intermediate, not_before=NOW + dt.timedelta(days=2), key=pki.leaf.key)
    live = serve(chain=chain_pem(leaf, pki.intermediate))
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), "not valid before")


def test_leaf_that_expires_while_cached_is_refused(pki: Pki, serve: ServerFactory) -> None:
    """The cache never outlives the leaf: a clock past not_after refuses the cached chain."""
    now = [NOW]
    leaf = make_leaf(pki.intermediate, not_after=NOW + dt.timedelta(minutes=5), key=pki.leaf.key)
    live = serve(chain=chain_pem(leaf, pki.intermediate), clock=lambda: now[0])
    body, headers = signed(pki, envelope(timestamp=NOW))
    assert live.post(body, headers).status == 200
    now[0] = NOW + dt.timedelta(minutes=10)
    body, headers = signed(pki, envelope(timestamp=now[0]))
    assert_refused(live.post(body, headers), "signing certificate expired")


@pytest.mark.parametrize(
    ("sans", "fragment"),
    [((), "has no subject alternative name"), (("www.example.com",), "does not include echo-api.amazon.com")],
)
def test_leaf_without_alexa_san_is_refused(
    pki: Pki, serve: ServerFactory, sans: tuple[str, ...], fragment: str
) -> None:
    leaf = make_leaf(pki.intermediate, sans=sans, key=pki.leaf.key)
    live = serve(chain=chain_pem(leaf, pki.intermediate))
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), fragment)


def test_untrusted_chain_is_refused(pki: Pki, serve: ServerFactory) -> None:
    rogue_intermediate = make_ca("Rogue Intermediate", issuer=pki.other_root)
    leaf = make_leaf(rogue_intermediate, key=pki.leaf.key)
    live = serve(chain=chain_pem(leaf, rogue_intermediate))
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), "does not validate to a trusted root")


def test_chain_missing_its_intermediate_is_refused(pki: Pki, serve: ServerFactory) -> None:
    live = serve(chain=chain_pem(pki.leaf))
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), "does not validate to a trusted root")


def test_chain_that_is_not_pem_is_refused(pki: Pki, serve: ServerFactory) -> None:
    live = serve(chain=b"<html>not a certificate</html>")
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), "not valid PEM")


def test_failed_download_is_refused_and_not_cached(pki: Pki, serve: ServerFactory) -> None:
    live = serve(chain=b"")
    body, headers = signed(pki, envelope())
    assert_refused(live.post(body, headers), "not valid PEM")
    assert_refused(live.post(body, headers), "not valid PEM")
    assert len(live.fetches) == 2, "an invalid chain is fetched again, never cached"


@pytest.mark.parametrize(
    ("offset", "fragment"),
    [(dt.timedelta(seconds=-151), "s old"), (dt.timedelta(hours=-2), "s old"), (dt.timedelta(seconds=151), "in the future")],
)
def test_stale_and_future_timestamps_are_refused(
    pki: Pki, serve: ServerFactory, offset: dt.timedelta, fragment: str
) -> None:
    live = serve()
    now = dt.datetime.now(dt.timezone.utc)
    body, headers = signed(pki, envelope(timestamp=now + offset))
    assert_refused(live.post(body, headers), fragment)


def test_timestamp_at_the_edge_of_the_window_is_accepted(pki: Pki, serve: ServerFactory) -> None:
    fixed = NOW.replace(microsecond=0)
    live = serve(clock=lambda: fixed)
    for offset in (-150, 150):
        body, headers = signed(pki, envelope(timestamp=fixed + dt.timedelta(seconds=offset)))
        reply = live.post(body, headers)
        assert reply.status == 200, (offset, reply.body)


def test_wrong_skill_id_is_refused(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    body, headers = signed(pki, envelope(application_id="amzn1.ask.skill.someone-else"))
    assert_refused(live.post(body, headers), "does not match the configured skill id")


def test_any_skill_id_is_accepted_when_none_configured(
    pki: Pki, serve: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.webservice"):
        live = serve(skill_id=None)
    assert any("no skill id configured" in r.getMessage() for r in caplog.records)
    body, headers = signed(pki, envelope(application_id="amzn1.ask.skill.someone-else"))
    assert live.post(body, headers).status == 200


def test_missing_context_is_refused(pki: Pki, serve: ServerFactory) -> None:
    live = serve()
    payload = envelope()
    del payload["context"]
    body, headers = signed(pki, payload)
    assert_refused(live.post(body, headers), "no context.System")


def test_missing_context_is_refused_even_when_relaxed(serve: ServerFactory) -> None:
    live = serve(verify_signature=False, verify_timestamp=False, skill_id=None)
    payload = envelope()
    del payload["context"]
    assert_refused(live.post(body_of(payload)), "no context.System")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "empty request body"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "must be a JSON object, not list"),
        (b'"LaunchRequest"', "must be a JSON object, not str"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"version": "1.0"}', "no context.System"),
        (b'{"context": {"System": {}}, "request": {"type": 42}}', "request"),
    ],
)
def test_malformed_bodies_are_refused_with_400(
    pki: Pki, serve: ServerFactory, body: bytes, fragment: str
) -> None:
    live = serve()
    assert_refused(live.post(body, pki.headers(body)), fragment)


def test_oversized_body_is_refused_with_413(pki: Pki, serve: ServerFactory) -> None:
    live = serve(max_body_bytes=4096)
    payload = envelope()
    payload["session"]["attributes"] = {"padding": "x" * 8192}
    body, headers = signed(pki, payload)
    reply = live.post(body, headers)
    assert reply.status == 413, reply.body
    assert live.request("GET", "/healthz").status == 200


def test_healthz_and_wrong_methods(serve: ServerFactory) -> None:
    live = serve()
    health = live.request("GET", "/healthz")
    assert health.status == 200 and health.json() == {"status": "ok"}
    assert live.request("GET", "/alexa").status == 405
    assert live.request("POST", "/nope", b"{}").status == 404


def test_signature_relaxed_accepts_unsigned_but_still_checks_timestamp(
    serve: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.webservice"):
        live = serve(verify_signature=False)
    assert any("SIGNATURE VERIFICATION IS OFF" in r.getMessage() for r in caplog.records)
    assert live.post(body_of(envelope())).status == 200
    assert_refused(live.post(body_of(envelope(timestamp=NOW - dt.timedelta(hours=1)))), "s old")


def test_timestamp_relaxed_accepts_old_but_still_checks_signature(
    pki: Pki, serve: ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.webservice"):
        live = serve(verify_timestamp=False)
    assert any("TIMESTAMP VERIFICATION IS OFF" in r.getMessage() for r in caplog.records)
    body, headers = signed(pki, envelope(timestamp=NOW - dt.timedelta(days=30)))
    assert live.post(body, headers).status == 200
    assert_refused(live.post(body_of(envelope())), "missing SignatureCertChainUrl")


def test_real_envelopes_answered_when_relaxed(shared_dir: Any, serve: ServerFactory) -> None:
    """The recorded envelopes (old timestamps, other skills' ids) with both checks relaxed."""
    live = serve(verify_signature=False, verify_timestamp=False, skill_id=None)
    files = sorted((shared_dir / "requests").glob("*.json"))
    assert files
    for path in files:
        reply = live.post(path.read_bytes())
        assert reply.status == 200, (path.name, reply.body[:300])
        assert reply.json()["version"] == "1.0"


def test_real_envelopes_refused_with_verification_on(pki: Pki, shared_dir: Any, serve: ServerFactory) -> None:
    """Correctly signed, but recorded long ago and addressed to other skills: 400, never 200."""
    live = serve()
    for path in sorted((shared_dir / "requests").glob("*.json")):
        body = path.read_bytes()
        reply = live.post(body, pki.headers(body))
        assert reply.status == 400, (path.name, reply.body[:300])


def test_sdk_skill_id_key_is_not_a_check(pki: Pki, serve: ServerFactory) -> None:
    """flask-ask-sdk's skill_id is a lookup key; our verifier is what refuses (400, not 500)."""
    live = serve(skill_id=SKILL_ID)
    body, headers = signed(pki, envelope(application_id=SKILL_ID + "x"))
    assert live.post(body, headers).status == 400
