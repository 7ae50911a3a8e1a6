"""The test PKI: skill.bench.alexa_pki (own root, intermediate and Alexa-like leaf).

The SDK's bundled test certificate expired, and tests must not download Amazon's chain, so
each test session makes its own with `cryptography` and injects it through the certificate
fetcher and the trust roots.
"""

from __future__ import annotations

from skill.bench.alexa_pki import CERT_URL, NOW, Issued, Pki, chain_pem, make_ca, make_leaf, make_pki, sign

__all__ = ["CERT_URL", "NOW", "Issued", "Pki", "chain_pem", "make_ca", "make_leaf", "make_pki", "sign"]
