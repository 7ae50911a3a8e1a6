"""A throw-away PKI that signs requests the way Alexa does, for benchmarks and tests.

Alexa signs with a certificate chained to a public root; a load benchmark or a test cannot
use that key, so it makes its own root, intermediate and echo-api.amazon.com leaf with
`cryptography` and hands the chain and root to the web service (fetcher and trust roots).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey = field(repr=False)

    def pem(self) -> bytes:
        """The certificate as PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM)


def make_ca(common_name: str, issuer: Issued | None = None) -> Issued:
    """A root CA (self-signed) or, with `issuer`, an intermediate CA."""
    key = _key()
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.cert.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    return Issued(builder.sign(signer_key, hashes.SHA256()), key)


def make_leaf(
    issuer: Issued,
    sans: tuple[str, ...] = ("echo-api.amazon.com",),
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
) -> Issued:
    """An Alexa-like signing certificate issued by `issuer`; `sans=()` leaves out the SAN."""
    key = key or _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("echo-api.amazon.com"))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - dt.timedelta(days=1))
        .not_valid_after(not_after or NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False
        )
    return Issued(builder.sign(issuer.key, hashes.SHA256()), key)


def chain_pem(leaf: Issued, *intermediates: Issued) -> bytes:
    """The PEM bundle Alexa publishes: leaf first, then intermediates."""
    return b"".join(c.pem() for c in (leaf, *intermediates))


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    """The Signature-256 header value for `body`."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


@dataclass(frozen=True)
class Pki:
    """A root, an intermediate and a valid leaf, plus an unrelated root for negative cases."""

    root: Issued
    intermediate: Issued
    leaf: Issued
    other_root: Issued

    @property
    def chain(self) -> bytes:
        """The valid chain: leaf + intermediate."""
        return chain_pem(self.leaf, self.intermediate)

    def headers(self, body: bytes, url: str = CERT_URL, key: rsa.RSAPrivateKey | None = None) -> dict[str, str]:
        """Signature headers for `body`, signed by the leaf (or `key`)."""
        return {
            "SignatureCertChainUrl": url,
            "Signature-256": sign(body, key or self.leaf.key),
            "Content-Type": "application/json",
        }


def make_pki() -> Pki:
    """A fresh PKI (four RSA-2048 keys, well under a second)."""
    root = make_ca("ShopTalk Test Root CA")
    intermediate = make_ca("ShopTalk Test Intermediate CA", issuer=root)
    return Pki(
        root=root,
        intermediate=intermediate,
        leaf=make_leaf(intermediate),
        other_root=make_ca("Untrusted Root CA"),
    )
