"""Settings for Alexa notifications (Proactive Events API) and skill lifecycle events."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STAGES = ("development", "live")
TOKEN_URL = "https://api.amazon.com/auth/o2/token"
# Proactive Events endpoints by region (North America, Europe, Far East).
API_HOSTS = {
    "NA": "https://api.amazonalexa.com",
    "EU": "https://api.eu.amazonalexa.com",
    "FE": "https://api.fe.amazonalexa.com",
}


def _number(env: Mapping[str, str], name: str, default: float, kind: type = float) -> Any:
    """`env[name]` as `kind`, or `default` when unset; a bad value names the variable."""
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{name} must be {'an integer' if kind is int else 'a number'}, not {value!r}") from None


@dataclass(frozen=True)
class NotificationsConfig:
    """Where and how notifications are sent, and how long a disabled user's data is kept.

    Notifications are off unless a Login with Amazon client id and secret (the skill's
    "Permissions" page in the developer console) are configured. `stage` "development"
    reaches only the developer's own devices; "live" reaches every user.
    """

    client_id: str = ""
    client_secret: str = field(default="", repr=False)  # never in logs or tracebacks
    stage: str = "development"
    region: str = "NA"
    token_url: str = TOKEN_URL
    api_url: str = ""  # overrides the region's host (tests point it at a local fake)
    max_attempts: int = 4  # per send, with exponential backoff
    backoff_s: float = 0.5  # first wait; doubles each retry
    retry_after_s: float = 60.0  # a send that used up its attempts is tried again this much later
    max_sends: int = 5  # drains that may fail before an event is given up
    expiry_hours: int = 23  # how long Alexa keeps a notification (at most 24)
    timeout_s: float = 5.0
    purge_grace_hours: float = 72.0  # SkillDisabled: data kept this long in case of re-enabling

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"SHOPTALK_NOTIFY_STAGE must be one of {STAGES}, not {self.stage!r}")
        if self.region not in API_HOSTS:
            raise ValueError(f"SHOPTALK_NOTIFY_REGION must be one of {sorted(API_HOSTS)}, not {self.region!r}")
        if not 1 <= self.expiry_hours <= 24:
            raise ValueError(f"SHOPTALK_NOTIFY_EXPIRY_HOURS must be 1 to 24, not {self.expiry_hours}")
        if self.max_attempts < 1 or self.max_sends < 1:
            raise ValueError("notification attempts must be at least 1")
        if self.purge_grace_hours < 0:
            raise ValueError(f"SHOPTALK_PURGE_GRACE_HOURS must not be negative, not {self.purge_grace_hours}")

    @property
    def enabled(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def events_url(self) -> str:
        """The Proactive Events endpoint of the configured stage."""
        host = (self.api_url or API_HOSTS[self.region]).rstrip("/")
        suffix = "/stages/development" if self.stage == "development" else ""
        return f"{host}/v1/proactiveEvents{suffix}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> NotificationsConfig:
        """Read `SHOPTALK_NOTIFY_*` and `SHOPTALK_PURGE_GRACE_HOURS`; unset ones keep defaults."""
        d = cls()
        return cls(
            client_id=env.get("SHOPTALK_NOTIFY_CLIENT_ID", ""),
            client_secret=env.get("SHOPTALK_NOTIFY_CLIENT_SECRET", ""),
            stage=env.get("SHOPTALK_NOTIFY_STAGE", d.stage),
            region=env.get("SHOPTALK_NOTIFY_REGION", d.region),
            token_url=env.get("SHOPTALK_NOTIFY_TOKEN_URL", d.token_url),
            api_url=env.get("SHOPTALK_NOTIFY_API_URL", d.api_url),
            max_attempts=_number(env, "SHOPTALK_NOTIFY_MAX_ATTEMPTS", d.max_attempts, int),
            backoff_s=_number(env, "SHOPTALK_NOTIFY_BACKOFF_S", d.backoff_s),
            expiry_hours=_number(env, "SHOPTALK_NOTIFY_EXPIRY_HOURS", d.expiry_hours, int),
            purge_grace_hours=_number(env, "SHOPTALK_PURGE_GRACE_HOURS", d.purge_grace_hours),
        )
