"""Stable, content-derived record ids.

Importers give records without an id in their source file the id `stable_id(kind, *parts)`,
so importing the same file twice yields the same ids and the store adds nothing the second
time. Parts are normalised (Unicode NFKC, case-folded, whitespace collapsed) so cosmetic
differences in a re-export do not change the id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_KIND = re.compile(r"^[a-z][a-z0-9]*$")
_SPACES = re.compile(r"\s+")
_SEPARATOR = "\x1f"  # unit separator: cannot occur in normalised text, so parts never merge


def normalise_part(part: str) -> str:
    """The form of one id part that is hashed: NFKC, case-folded, single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", part).casefold()).strip()


def stable_id(kind: str, *parts: str) -> str:
    """`<kind>-<16 hex digits>`: the first 64 bits of SHA-256 over the normalised parts.

    `kind` is a short lower-case tag ("p", "review", "q", ...) that keeps ids of different
    record types apart even when their parts coincide.
    """
    if not _KIND.match(kind):
        raise ValueError(f"stable_id kind must be lower-case letters and digits, got {kind!r}")
    if not parts:
        raise ValueError("stable_id needs at least one part to hash")
    payload = _SEPARATOR.join([kind, *(normalise_part(str(p)) for p in parts)])
    return f"{kind}-{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:16]}"
