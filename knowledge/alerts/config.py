"""The alerting's configuration from the environment (flags of `alerts run` override it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from knowledge.alerts.delivery import DeliveryConfig


@dataclass(frozen=True)
class AlertsConfig:
    delivery: DeliveryConfig
    ack_timeout: timedelta

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> AlertsConfig:
        """`SHOPTALK_ALERTS_EMAIL` (smtp | ses | none), `SHOPTALK_SMTP_HOST`, `SHOPTALK_SMTP_PORT`,
        `SHOPTALK_SMTP_STARTTLS`, `SHOPTALK_SMTP_USER`, `SHOPTALK_SMTP_PASSWORD`,
        `SHOPTALK_ALERTS_FROM`, `SHOPTALK_CONSOLE_URL`, `SHOPTALK_ALERTS_ACK_MINUTES` (240)."""
        via = env.get("SHOPTALK_ALERTS_EMAIL", "smtp")
        if via not in ("smtp", "ses", "none"):
            raise ValueError(f"SHOPTALK_ALERTS_EMAIL={via!r}: expected smtp, ses or none")
        delivery = DeliveryConfig(
            email_via="" if via == "none" else via,
            smtp_host=env.get("SHOPTALK_SMTP_HOST", "127.0.0.1"),
            smtp_port=int(env.get("SHOPTALK_SMTP_PORT", "25")),
            smtp_starttls=env.get("SHOPTALK_SMTP_STARTTLS", "0") in ("1", "true", "yes"),
            smtp_user=env.get("SHOPTALK_SMTP_USER", ""),
            smtp_password=env.get("SHOPTALK_SMTP_PASSWORD", ""),
            sender=env.get("SHOPTALK_ALERTS_FROM", "shoptalk-alerts@localhost"),
            console_url=env.get("SHOPTALK_CONSOLE_URL", "http://127.0.0.1:8080"),
            aws_region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "us-east-1")),
        )
        return cls(delivery, timedelta(minutes=float(env.get("SHOPTALK_ALERTS_ACK_MINUTES", "240"))))
