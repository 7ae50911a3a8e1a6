"""Certificate URL rules, chain validation and the per-URL cache, without a server."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509

from skill.webservice.certificates import (
    CertificateChainCache,
    CertificateError,
    load_trust_roots,
    normalise_cert_url,
)

from .pki import CERT_URL, NOW, Pki, chain_pem, make_leaf


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
        ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
        ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
        ("HtTpS://S3.AmAzOnAwS.cOm/echo.api/./a//b.pem", "https://s3.amazonaws.com/echo.api/a/b.pem"),
    ],
)
def test_amazon_url_examples_are_accepted_and_canonicalised(url: str, canonical: str) -> None:
    assert normalise_cert_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/x.pem",
        "https://evil.example/s3.amazonaws.com/echo.api/x.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api",
        "https://s3.amazonaws.com//echo.api/x.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:notaport/echo.api/x.pem",
        "https://s3.amazonaws.com@evil.example/echo.api/x.pem",
        "https://u:p@s3.amazonaws.com/echo.api/x.pem",
        "",
        "s3.amazonaws.com/echo.api/x.pem",
    ],
)
def test_url_rule_violations_are_refused(url: str) -> None:
    with pytest.raises(CertificateError, match="certificate URL"):
        normalise_cert_url(url)


class CountingFetcher:
    def __init__(self, chain: bytes) -> None:
        self.chain = chain
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.chain


def test_cache_downloads_once_until_ttl_then_again(pki: Pki) -> None:
    now = [NOW]
    fetch = CountingFetcher(pki.chain)
    cache = CertificateChainCache(fetch, [pki.root.cert], clock=lambda: now[0], ttl=dt.timedelta(minutes=10))
    first = cache.signing_certificate(CERT_URL)
    assert cache.signing_certificate(CERT_URL.replace("https", "HTTPS")) is first
    assert fetch.urls == [CERT_URL]
    now[0] = NOW + dt.timedelta(minutes=11)
    cache.signing_certificate(CERT_URL)
    assert fetch.urls == [CERT_URL, CERT_URL]


def test_cache_is_bounded(pki: Pki) -> None:
    fetch = CountingFetcher(pki.chain)
    cache = CertificateChainCache(fetch, [pki.root.cert], clock=lambda: NOW, max_urls=2)
    for name in ("a", "b", "c", "a"):
        cache.signing_certificate(f"https://s3.amazonaws.com/echo.api/{name}.pem")
    assert len(fetch.urls) == 4, "a was evicted when c arrived, so it is fetched again"


def test_download_errors_become_certificate_errors(pki: Pki) -> None:
    def failing(url: str) -> bytes:
        raise TimeoutError("timed out")

    cache = CertificateChainCache(failing, [pki.root.cert], clock=lambda: NOW)
    with pytest.raises(CertificateError, match="cannot download the certificate chain.*timed out"):
        cache.signing_certificate(CERT_URL)


def test_leaf_without_extended_key_usage_is_accepted(pki: Pki) -> None:
    """Amazon requires the chain and the SAN, not a TLS EKU (the SDK does not check it either)."""
    from cryptography.hazmat.primitives import hashes

    leaf = pki.leaf.cert
    builder = (
        x509.CertificateBuilder()
        .subject_name(leaf.subject)
        .issuer_name(leaf.issuer)
        .public_key(leaf.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(leaf.not_valid_before_utc)
        .not_valid_after(leaf.not_valid_after_utc)
    )
    for extension in leaf.extensions:
        if not isinstance(extension.value, x509.ExtendedKeyUsage):
            builder = builder.add_extension(extension.value, extension.critical)
    no_eku = builder.sign(pki.intermediate.key, hashes.SHA256())
    from cryptography.hazmat.primitives.serialization import Encoding

    chain = no_eku.public_bytes(Encoding.PEM) + pki.intermediate.pem()
    cache = CertificateChainCache(CountingFetcher(chain), [pki.root.cert], clock=lambda: NOW)
    cache.signing_certificate(CERT_URL)


def test_intermediate_outside_its_window_is_refused(pki: Pki) -> None:
    """Validity is checked along the whole chain, not only the leaf."""
    late = NOW + dt.timedelta(days=4000)  # past the intermediate's ten years
    leaf = make_leaf(pki.intermediate, not_after=late + dt.timedelta(days=1))
    cache = CertificateChainCache(CountingFetcher(chain_pem(leaf, pki.intermediate)), [pki.root.cert], clock=lambda: late)
    with pytest.raises(CertificateError, match="does not validate to a trusted root"):
        cache.signing_certificate(CERT_URL)


def test_default_trust_roots_load_from_certifi() -> None:
    roots = load_trust_roots()
    assert len(roots) > 50
    names = " ".join(r.subject.rfc4514_string() for r in roots)
    assert "Amazon Root CA 1" in names, "Alexa's chain ends at Amazon Root CA 1"
    CertificateChainCache(lambda url: b"", roots)  # the Store accepts the whole bundle


def test_default_fetcher_reads_a_chain_and_refuses_oversized_ones(pki: Pki) -> None:
    """download_chain over a real loopback HTTP server (the cache only ever hands it the
    canonical s3.amazonaws.com URL; here it is pointed at 127.0.0.1 to stay offline)."""
    import http.server
    import threading

    from skill.webservice.certificates import MAX_CHAIN_BYTES, download_chain

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            body = pki.chain if self.path == "/echo.api/chain.pem" else b"x" * (MAX_CHAIN_BYTES + 10)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert download_chain(f"{base}/echo.api/chain.pem") == pki.chain
        with pytest.raises(CertificateError, match="larger than"):
            download_chain(f"{base}/echo.api/huge.pem")
    finally:
        server.shutdown()
        server.server_close()
