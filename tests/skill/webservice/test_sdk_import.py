"""flask-ask-sdk imports on OpenSSL >= 3.0.10 through skill.webservice.sdk, and the stand-in
certvalidator can never validate anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .pki import Pki

ROOT = Path(__file__).resolve().parents[3]


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_plain_sdk_import_fails_only_because_of_oscrypto() -> None:
    """Documents the platform pitfall: where it does not occur the stand-in is not needed."""
    done = run_python("import flask_ask_sdk.skill_adapter")
    if done.returncode == 0:
        pytest.skip("oscrypto loads libcrypto on this machine (OpenSSL < 3.0.10): no pitfall here")
    assert "Error detecting the version of libcrypto" in done.stderr, done.stderr


def test_sdk_imports_through_our_shim_in_a_fresh_interpreter() -> None:
    done = run_python(
        "from skill.webservice.sdk import import_skill_adapter\n"
        "adapter = import_skill_adapter()\n"
        "from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException\n"
        "from skill.webservice.verification import SignatureVerifier\n"
        "assert issubclass(SignatureVerifier, AbstractVerifier)\n"
        "print(adapter.__module__)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "flask_ask_sdk.skill_adapter"


def test_standin_validator_refuses_to_validate(pki: Pki) -> None:
    from skill.webservice.sdk import CertvalidatorUnavailable, ensure_certvalidator_importable

    if not ensure_certvalidator_importable():
        pytest.skip("the real certvalidator works here; no stand-in installed")
    from ask_sdk_webservice_support.verifier import RequestVerifier

    with pytest.raises(CertvalidatorUnavailable):
        RequestVerifier()._validate_cert_chain(pki.chain)


def test_unrelated_import_errors_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only oscrypto's failure is worked around; any other broken import still raises."""
    from skill.webservice import sdk

    monkeypatch.delitem(sys.modules, "certvalidator", raising=False)

    def broken(name: str) -> None:
        raise ImportError("something else is broken")

    monkeypatch.setattr(sdk.importlib, "import_module", broken)
    with pytest.raises(ImportError, match="something else"):
        sdk.ensure_certvalidator_importable()
