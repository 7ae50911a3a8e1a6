"""Alexa's signing certificate: URL rules, download, chain validation and a per-URL cache.

Alexa signs every request with the key of a certificate whose chain it publishes at the URL
in the `SignatureCertChainUrl` header. This module checks that URL against Amazon's rules,
downloads the chain (through an injectable fetcher), validates it to a trusted root with
`cryptography.x509.verification` (no oscrypto; see `skill.webservice.sdk`), checks the leaf's
validity window and SAN, and caches the validated leaf key per URL so a warm server pays one
RSA verification per request, not one download and path build.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import ssl
import threading
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PORT = 443
CERT_URL_PATH_PREFIX = "/echo.api/"
ALEXA_SAN = "echo-api.amazon.com"

FETCH_TIMEOUT_S = 5.0
MAX_CHAIN_BYTES = 64 * 1024
CACHE_TTL = dt.timedelta(hours=1)
CACHE_MAX_URLS = 32

_PEM_BLOCK = re.compile(
    rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL
)

CertificateFetcher = Callable[[str], bytes]
Clock = Callable[[], dt.datetime]


class CertificateError(ValueError):
    """The certificate URL or chain fails one of Alexa's rules; the message says which."""


def utc_now() -> dt.datetime:
    """The default clock: an aware UTC datetime."""
    return dt.datetime.now(dt.timezone.utc)


def normalise_cert_url(url: str) -> str:
    """Check `url` against Alexa's certificate URL rules and return its canonical form.

    Rules (Amazon, "Host a custom skill as a web service"): scheme https and host
    s3.amazonaws.com, both case-insensitive; port absent or 443; the path, once normalised
    (`/echo.api/../x` is `/x`), starts with `/echo.api/` (case-sensitive). The canonical form
    (normalised path, no port, no user info) is what gets downloaded and cached, so a
    `..` trick can never fetch anything outside `/echo.api/`.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise CertificateError(f"certificate URL {url!r} is not a valid URL: {error}") from None
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise CertificateError(
            f"certificate URL {url!r} has scheme {parts.scheme!r}, expected {CERT_URL_SCHEME!r}"
        )
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise CertificateError(
            f"certificate URL {url!r} has host {parts.hostname!r}, expected {CERT_URL_HOST!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise CertificateError(f"certificate URL {url!r} must not carry user information")
    if port is not None and port != CERT_URL_PORT:
        raise CertificateError(f"certificate URL {url!r} has port {port}, expected {CERT_URL_PORT}")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise CertificateError(
            f"certificate URL {url!r} has path {path!r} once normalised; "
            f"it must start with {CERT_URL_PATH_PREFIX!r}"
        )
    query = f"?{parts.query}" if parts.query else ""
    return f"{CERT_URL_SCHEME}://{CERT_URL_HOST}{path}{query}"


def download_chain(url: str) -> bytes:
    """The default fetcher: GET `url` over verified HTTPS, at most MAX_CHAIN_BYTES, 5 s."""
    context = ssl.create_default_context(cafile=_certifi_bundle())
    request = urllib.request.Request(url, headers={"User-Agent": "ShopTalk-skill"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S, context=context) as response:
        body = response.read(MAX_CHAIN_BYTES + 1)
    if len(body) > MAX_CHAIN_BYTES:
        raise CertificateError(f"certificate chain at {url} is larger than {MAX_CHAIN_BYTES} bytes")
    return bytes(body)


def _certifi_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # fall back to the system's default verify paths
        return None
    return str(certifi.where())


def load_trust_roots(pem_file: Path | None = None) -> list[x509.Certificate]:
    """Trusted root certificates: `pem_file`, else certifi's bundle, else the system bundle."""
    if pem_file is None:
        bundle = _certifi_bundle() or ssl.get_default_verify_paths().cafile
        if bundle is None:
            raise CertificateError("no CA bundle found: install certifi or pass trust roots")
        pem_file = Path(bundle)
    try:
        bundle_bytes = pem_file.read_bytes()
    except OSError as error:
        raise CertificateError(f"cannot read trust roots from {pem_file}: {error}") from None
    roots = []
    # One by one: a bundle may hold a legacy root that cryptography warns about (a
    # non-positive serial) or will refuse in a future release; skip it, keep the rest.
    for block in re.findall(_PEM_BLOCK, bundle_bytes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    if not roots:
        raise CertificateError(f"no certificates found in {pem_file}")
    return roots


@dataclass(frozen=True)
class SigningCertificate:
    """A validated leaf: its RSA key and the window in which it may be used."""

    public_key: RSAPublicKey
    not_before: dt.datetime
    not_after: dt.datetime

    def check_window(self, now: dt.datetime) -> None:
        """Raise CertificateError unless `now` lies inside the leaf's validity window."""
        if now < self.not_before:
            raise CertificateError(
                f"signing certificate is not valid before {self.not_before.isoformat()}"
            )
        if now > self.not_after:
            raise CertificateError(f"signing certificate expired at {self.not_after.isoformat()}")


def _leaf_policy() -> ExtensionPolicy:
    # Web PKI defaults, except that the extended key usage is not required: Amazon's rules
    # (and the SDK's own verifier) ask for a trusted chain and the SAN, not a TLS EKU.
    return ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None
    )


def validate_chain(
    pem_chain: bytes, roots: Store, now: dt.datetime
) -> SigningCertificate:
    """Validate a PEM chain (leaf first) at time `now`; the leaf's key on success.

    Checks, each with its own error message: the PEM parses; the leaf is inside its validity
    window; its SAN lists echo-api.amazon.com; its key is RSA; and the chain builds to one of
    `roots` under the Web PKI rules of `cryptography.x509.verification`.
    """
    try:
        certificates = x509.load_pem_x509_certificates(pem_chain)
    except ValueError as error:
        raise CertificateError(f"certificate chain is not valid PEM: {error}") from None
    leaf, intermediates = certificates[0], certificates[1:]
    signing = SigningCertificate(
        public_key=leaf.public_key(),  # type: ignore[arg-type]  # checked just below
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
    )
    signing.check_window(now)
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise CertificateError("signing certificate has no subject alternative name") from None
    if ALEXA_SAN not in san.get_values_for_type(x509.DNSName):
        raise CertificateError(f"signing certificate's SAN does not include {ALEXA_SAN}")
    if not isinstance(signing.public_key, RSAPublicKey):
        raise CertificateError("signing certificate does not carry an RSA key")
    verifier = (
        PolicyBuilder()
        .store(roots)
        .time(now)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=_leaf_policy())
        .build_server_verifier(x509.DNSName(ALEXA_SAN))
    )
    try:
        verifier.verify(leaf, intermediates)
    except VerificationError as error:
        raise CertificateError(
            f"certificate chain does not validate to a trusted root: {error}"
        ) from None
    return signing


@dataclass
class _CacheEntry:
    signing: SigningCertificate
    expires_at: dt.datetime


class CertificateChainCache:
    """Validated signing certificates by canonical URL, each kept for up to an hour.

    Thread-safe; a download happens outside the lock so one slow fetch never blocks requests
    whose chain is already cached. Failed downloads and invalid chains are never cached.
    """

    def __init__(
        self,
        fetcher: CertificateFetcher = download_chain,
        trust_roots: list[x509.Certificate] | None = None,
        clock: Clock = utc_now,
        ttl: dt.timedelta = CACHE_TTL,
        max_urls: int = CACHE_MAX_URLS,
    ) -> None:
        self._fetch = fetcher
        self._roots = Store(trust_roots if trust_roots is not None else load_trust_roots())
        self._clock = clock
        self._ttl = ttl
        self._max_urls = max_urls
        self._entries: dict[str, _CacheEntry] = {}
        self._lock = threading.Lock()

    def signing_certificate(self, url: str) -> SigningCertificate:
        """The validated leaf for the chain at `url`; CertificateError names what failed."""
        canonical = normalise_cert_url(url)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(canonical)
        if entry is not None and now < entry.expires_at:
            entry.signing.check_window(now)
            return entry.signing
        try:
            pem_chain = self._fetch(canonical)
        except CertificateError:
            raise
        except Exception as error:  # network errors of any kind are a failed verification
            raise CertificateError(
                f"cannot download the certificate chain from {canonical}: {error}"
            ) from None
        signing = validate_chain(pem_chain, self._roots, now)
        with self._lock:
            if len(self._entries) >= self._max_urls:
                self._entries.pop(next(iter(self._entries)))
            self._entries[canonical] = _CacheEntry(
                signing=signing, expires_at=min(now + self._ttl, signing.not_after)
            )
        return signing
