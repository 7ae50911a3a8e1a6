"""Records of the alerting: who owns which products, and alerts with their life cycle."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class OwnerScope(str, Enum):
    """What an owner is responsible for: one family, a brand, or a category."""

    FAMILY = "family"
    BRAND = "brand"
    CATEGORY = "category"


class AlertStatus(str, Enum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Owner:
    """A person (or team) who hears about negative feedback on `scope`=`value`.

    Several owners of one scope form an escalation chain, lowest `rank` first: an alert not
    acknowledged in time goes to the next one. `email` and `webhook_url` are the channels
    (either may be empty); `sns_topic_arn` is used when delivery runs on AWS.
    """

    id: str
    name: str
    scope: OwnerScope
    value: str
    rank: int = 0
    email: str = ""
    webhook_url: str = ""
    sns_topic_arn: str = ""


@dataclass(frozen=True)
class Alert:
    """One cause of negative feedback, raised once, assigned and delivered to an owner.

    `cause` is the idempotency key ("review:<id>", "trend:<family>:<n>"); `level` counts the
    escalations (0: first owner); `owner_ids` are everyone it was assigned to so far, in order.
    """

    id: str
    cause: str
    kind: str  # "safety", "refund" or "trend"
    title: str
    detail: str
    family_id: str
    product_id: str
    review_id: str
    raised_at: str
    status: AlertStatus = AlertStatus.OPEN
    owner_ids: tuple[str, ...] = ()
    level: int = 0
    assigned_at: str = ""
    acknowledged_at: str = ""
    acknowledged_by: str = ""
    resolved_at: str = ""
    resolved_by: str = ""

    @property
    def owner_id(self) -> str:
        """The owner the alert is with now ("" when nobody owns its product)."""
        return self.owner_ids[-1] if self.owner_ids else ""
