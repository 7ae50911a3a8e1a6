"""Login with Amazon client-credentials grant: the access token for the Proactive Events
API, fetched once and reused until shortly before it expires."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

SCOPE = "alexa::proactive_events"
_EARLY_S = 60.0  # renew this long before the token expires


class TokenError(RuntimeError):
    """Login with Amazon refused the client credentials or answered nonsense."""


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: float  # monotonic seconds


class TokenSource:
    """Hands out a valid access token, asking LWA only when the cached one is (nearly) expired."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = token_url
        self._id = client_id
        self._secret = client_secret
        self._timeout = timeout_s
        self._clock = clock
        self._token: Token | None = None
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._token.expires_at:
                self._token = self._fetch()
            return self._token.value

    def invalidate(self) -> None:
        """Forget the cached token (the API answered 401 with it)."""
        with self._lock:
            self._token = None

    def _fetch(self) -> Token:
        body = urllib.parse.urlencode({
            "grant_type": "client_credentials",
            "client_id": self._id,
            "client_secret": self._secret,
            "scope": SCOPE,
        }).encode("ascii")
        request = urllib.request.Request(
            self._url, data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise TokenError(f"Login with Amazon answered {error.code}: {error.read()[:200]!r}") from error
        except (OSError, ValueError) as error:
            raise TokenError(f"Login with Amazon token request failed: {error}") from error
        value, expires_in = data.get("access_token"), data.get("expires_in")
        if not isinstance(value, str) or not isinstance(expires_in, (int, float)):
            raise TokenError(f"Login with Amazon answer lacks access_token/expires_in: {sorted(data)}")
        return Token(value, self._clock() + max(0.0, float(expires_in) - _EARLY_S))
