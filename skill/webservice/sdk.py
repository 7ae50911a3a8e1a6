"""Import flask-ask-sdk's SkillAdapter on machines where oscrypto cannot load OpenSSL.

Why this module exists: `flask_ask_sdk.skill_adapter` imports
`ask_sdk_webservice_support.verifier`, which imports `certvalidator` at module level, which
imports `oscrypto`. oscrypto 1.3.0 (the newest release) detects the libcrypto version with the
regex `\\d\\.\\d\\.\\d[a-z]*` and therefore raises `LibraryNotFoundError("Error detecting the
version of libcrypto")` on every OpenSSL 3.0.10 and later (two-digit patch numbers; upstream
wbond/oscrypto#75 and #78, the fix is unreleased). So on any current Linux the SDK cannot even
be imported, although nothing in the import needs oscrypto: only `RequestVerifier.
_validate_cert_chain` calls certvalidator, at request time.

The fix, using registry packages only: ShopTalk never uses the SDK's own `RequestVerifier` or
`TimestampVerifier`; it verifies with `cryptography.x509.verification` (see
`skill.webservice.certificates`) and plugs its verifiers into the SDK through the public
`AbstractVerifier` interface, with the SDK's defaults switched off. Importing the SDK is then
made to work by trying the real `certvalidator` first and, only if oscrypto fails to load,
registering a small stand-in module named `certvalidator` whose validator refuses to run. The
stand-in can never weaken verification: the only code that would call it is the SDK's
`RequestVerifier`, which ShopTalk never instantiates, and calling it raises instead of passing.
Where oscrypto works (older OpenSSL, or a future oscrypto release), the real module is used and
this module changes nothing.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask_ask_sdk.skill_adapter import SkillAdapter

LOG = logging.getLogger(__name__)

STANDIN_MARKER = "__shoptalk_standin__"


class CertvalidatorUnavailable(RuntimeError):
    """Raised if anything tries to validate a chain through the stand-in certvalidator."""


def _standin_certvalidator(reason: str) -> tuple[types.ModuleType, types.ModuleType]:
    """A `certvalidator` stand-in exposing just the names ask_sdk_webservice_support imports."""
    package = types.ModuleType("certvalidator", "Stand-in installed by skill.webservice.sdk.")
    errors = types.ModuleType("certvalidator.errors", "Stand-in installed by skill.webservice.sdk.")

    class PathError(Exception):
        """Mirror of certvalidator.errors.PathError."""

    class ValidationError(Exception):
        """Mirror of certvalidator.errors.ValidationError."""

    class CertificateValidator:
        """Refuses to validate: the real certvalidator could not load oscrypto."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            raise CertvalidatorUnavailable(
                "certvalidator is unavailable here (" + reason + "); ShopTalk verifies "
                "certificate chains with skill.webservice.certificates instead"
            )

    errors.PathError = PathError  # type: ignore[attr-defined]
    errors.ValidationError = ValidationError  # type: ignore[attr-defined]
    package.errors = errors  # type: ignore[attr-defined]
    package.CertificateValidator = CertificateValidator  # type: ignore[attr-defined]
    package.ValidationError = ValidationError  # type: ignore[attr-defined]
    setattr(package, STANDIN_MARKER, True)
    return package, errors


def ensure_certvalidator_importable() -> bool:
    """Make `import certvalidator` succeed; True if the stand-in had to be installed."""
    existing = sys.modules.get("certvalidator")
    if existing is not None:
        return bool(getattr(existing, STANDIN_MARKER, False))
    try:
        importlib.import_module("certvalidator")
        return False
    except Exception as error:  # oscrypto raises LibraryNotFoundError (an OSError subclass)
        if not type(error).__module__.startswith("oscrypto"):
            raise
        reason = f"{type(error).__name__}: {error}"
    for name in [n for n in sys.modules if n == "certvalidator" or n.startswith("certvalidator.")]:
        del sys.modules[name]
    package, errors = _standin_certvalidator(reason)
    sys.modules["certvalidator"] = package
    sys.modules["certvalidator.errors"] = errors
    LOG.debug("oscrypto cannot load libcrypto (%s); using the certvalidator stand-in", reason)
    return True


def import_skill_adapter() -> type[SkillAdapter]:
    """flask_ask_sdk's SkillAdapter class, importable on any OpenSSL version."""
    ensure_certvalidator_importable()
    from flask_ask_sdk.skill_adapter import SkillAdapter

    return SkillAdapter
