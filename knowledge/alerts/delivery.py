"""Sending an alert to its owner: e-mail over SMTP or through SES, a JSON webhook
(Slack-compatible: a `text` field, plus the alert's fields), and SNS. boto3 is imported only
when SES or SNS is used."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from knowledge.alerts.records import Alert, Owner

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class DeliveryConfig:
    """Where messages go out. `email_via` is "smtp", "ses" or "" (no e-mail);
    `console_url` makes the link to the alert page in every message."""

    email_via: str = "smtp"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    sender: str = "shoptalk-alerts@localhost"
    console_url: str = "http://127.0.0.1:8080"
    aws_region: str = "us-east-1"
    webhooks: bool = True
    sns: bool = True


class DeliveryFailed(Exception):
    """A channel refused or could not be reached; the run retries it next time."""


def subject(alert: Alert) -> str:
    return f"[ShopTalk {alert.kind}] {alert.title}"


def body(alert: Alert, config: DeliveryConfig) -> str:
    return (f"{alert.title}\n\n{alert.detail}\n\nRaised {alert.raised_at} (escalation level {alert.level}).\n"
            f"Acknowledge it in the console: {config.console_url.rstrip('/')}/alerts/{alert.id}\n")


def payload(alert: Alert, owner: Owner, config: DeliveryConfig) -> dict[str, Any]:
    link = f"{config.console_url.rstrip('/')}/alerts/{alert.id}"
    return {"text": f"*{subject(alert)}*\n{alert.detail}\n<{link}|Acknowledge>", "alert_id": alert.id,
            "kind": alert.kind, "title": alert.title, "family_id": alert.family_id, "product_id": alert.product_id,
            "review_id": alert.review_id, "raised_at": alert.raised_at, "level": alert.level,
            "owner": owner.name, "url": link}


class Channel(Protocol):
    name: str

    def applies(self, owner: Owner) -> bool: ...

    def send(self, alert: Alert, owner: Owner) -> None: ...


@dataclass(frozen=True)
class SmtpChannel:
    config: DeliveryConfig
    name: str = "email"

    def applies(self, owner: Owner) -> bool:
        return bool(owner.email)

    def send(self, alert: Alert, owner: Owner) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.config.sender, owner.email, subject(alert)
        message["X-ShopTalk-Alert"] = alert.id
        message.set_content(body(alert, self.config))
        try:
            with smtplib.SMTP(self.config.smtp_host, self.config.smtp_port, timeout=TIMEOUT_S) as smtp:
                if self.config.smtp_starttls:
                    smtp.starttls()
                if self.config.smtp_user:
                    smtp.login(self.config.smtp_user, self.config.smtp_password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"e-mail to {owner.email} via {self.config.smtp_host}:{self.config.smtp_port}: {exc}") from exc


@dataclass(frozen=True)
class SesChannel:
    config: DeliveryConfig
    client: Any = None
    name: str = "email"

    def applies(self, owner: Owner) -> bool:
        return bool(owner.email)

    def send(self, alert: Alert, owner: Owner) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client or _boto_client("ses", self.config.aws_region)
        try:
            client.send_email(Source=self.config.sender, Destination={"ToAddresses": [owner.email]},
                              Message={"Subject": {"Data": subject(alert)},
                                       "Body": {"Text": {"Data": body(alert, self.config)}}})
        except (BotoCoreError, ClientError) as exc:
            raise DeliveryFailed(f"SES e-mail to {owner.email}: {exc}") from exc


@dataclass(frozen=True)
class WebhookChannel:
    config: DeliveryConfig
    name: str = "webhook"

    def applies(self, owner: Owner) -> bool:
        return self.config.webhooks and bool(owner.webhook_url)

    def send(self, alert: Alert, owner: Owner) -> None:
        data = json.dumps(payload(alert, owner, self.config)).encode("utf-8")
        request = urllib.request.Request(owner.webhook_url, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (http(s) checked on save)
                if not 200 <= response.status < 300:
                    raise DeliveryFailed(f"webhook {owner.webhook_url}: HTTP {response.status}")
        except OSError as exc:
            raise DeliveryFailed(f"webhook {owner.webhook_url}: {exc}") from exc


@dataclass(frozen=True)
class SnsChannel:
    config: DeliveryConfig
    client: Any = None
    name: str = "sns"

    def applies(self, owner: Owner) -> bool:
        return self.config.sns and bool(owner.sns_topic_arn)

    def send(self, alert: Alert, owner: Owner) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client or _boto_client("sns", self.config.aws_region)
        try:
            client.publish(TopicArn=owner.sns_topic_arn, Subject=subject(alert)[:100],
                           Message=json.dumps(payload(alert, owner, self.config)))
        except (BotoCoreError, ClientError) as exc:
            raise DeliveryFailed(f"SNS topic {owner.sns_topic_arn}: {exc}") from exc


def _boto_client(service: str, region: str) -> Any:
    import boto3

    return boto3.session.Session(region_name=region).client(service)


def channels_for(config: DeliveryConfig) -> list[Channel]:
    found: list[Channel] = []
    if config.email_via == "smtp":
        found.append(SmtpChannel(config))
    elif config.email_via == "ses":
        found.append(SesChannel(config))
    found += [WebhookChannel(config), SnsChannel(config)]
    return found
