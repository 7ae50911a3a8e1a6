"""Sending one proactive event: POST with the bearer token, retried with exponential backoff
on throttling, server errors and network failures; a 401 renews the token once."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from skill.notifications.lwa import TokenError, TokenSource

log = logging.getLogger(__name__)
_RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SendResult:
    """How a send ended: `ok` (202 Accepted), or `retryable` when a later try may work."""

    ok: bool
    status: int
    attempts: int
    retryable: bool = False
    detail: str = ""


class ProactiveEventsClient:
    """Posts events to one Proactive Events endpoint (development or live stage)."""

    def __init__(
        self,
        events_url: str,
        tokens: TokenSource,
        max_attempts: int = 4,
        backoff_s: float = 0.5,
        timeout_s: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._url = events_url
        self._tokens = tokens
        self._attempts = max_attempts
        self._backoff = backoff_s
        self._timeout = timeout_s
        self._sleep = sleep

    def send(self, event: Mapping[str, Any]) -> SendResult:
        body = json.dumps(event, ensure_ascii=False).encode("utf-8")
        renewed = False
        status, detail = 0, ""
        for attempt in range(1, self._attempts + 1):
            try:
                token = self._tokens.get()
            except TokenError as error:
                status, detail = 0, str(error)
            else:
                status, detail = self._post(body, token)
                if status == 202:
                    return SendResult(True, status, attempt)
                if status == 401 and not renewed:
                    self._tokens.invalidate()
                    renewed = True
                    continue
                if status not in _RETRYABLE and status != 0:
                    return SendResult(False, status, attempt, retryable=False, detail=detail)
            if attempt < self._attempts:
                self._sleep(self._backoff * 2 ** (attempt - 1))
        log.warning("proactive event %s not accepted after %d attempts: %s %s",
                    event.get("referenceId"), self._attempts, status, detail)
        return SendResult(False, status, self._attempts, retryable=True, detail=detail)

    def _post(self, body: bytes, token: str) -> tuple[int, str]:
        request = urllib.request.Request(
            self._url, data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.read()[:300].decode("utf-8", "replace")
        except OSError as error:
            return 0, str(error)
