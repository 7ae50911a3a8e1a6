"""The skill as an HTTPS web service for Alexa: Flask + flask-ask-sdk with request verification.

`create_app` builds the Flask app; `skill.webservice.cli` is what `python -m skill serve` runs.
Request verification (certificate chain, signature, timestamp, skill id) lives in
`skill.webservice.verification` and `skill.webservice.certificates`, built on the
`cryptography` package instead of the SDK's oscrypto-based verifier (see `skill.webservice.sdk`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skill.webservice.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use so `import skill.webservice` stays cheap (no Flask, no SDK).
    if name == "create_app":
        from skill.webservice.app import create_app

        return create_app
    raise AttributeError(name)
