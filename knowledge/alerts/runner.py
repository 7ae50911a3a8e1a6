"""`alerts run`: raise what is new, assign and escalate, deliver what was not delivered yet.

Idempotent: an alert's id is its cause (a review id, or a family with the date its trend was
judged on), added only if absent; each delivery (escalation level, owner, channel) is claimed
in the store before it is sent, so running twice, or two runs at once, sends nothing twice.
A delivery that fails is released and retried by the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from knowledge.alerts.delivery import Channel, DeliveryFailed
from knowledge.alerts.lifecycle import assign_or_escalate, iso
from knowledge.alerts.records import Alert, AlertStatus
from knowledge.alerts.rules import SAFETY_RULES, SeverityRule, match_review
from knowledge.ids import stable_id
from knowledge.model import ReviewStatus
from knowledge.reports import NegativeTrendRule, negative_trends
from knowledge.store.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunReport:
    raised: tuple[str, ...] = ()
    escalated: tuple[str, ...] = ()
    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    unowned: int = 0

    def summary(self) -> str:
        return (f"{len(self.raised)} alert(s) raised, {len(self.escalated)} escalated, {len(self.sent)} message(s) sent, "
                f"{len(self.failed)} failed, {self.unowned} open alert(s) without an owner")


@dataclass(frozen=True)
class RunOptions:
    ack_timeout: timedelta = timedelta(hours=4)
    rules: tuple[SeverityRule, ...] = SAFETY_RULES
    trend_rule: NegativeTrendRule = field(default_factory=NegativeTrendRule)


def raise_review_alerts(store: Store, rules: tuple[SeverityRule, ...], now: datetime) -> list[Alert]:
    raised = []
    for review in store.iter_reviews(ReviewStatus.PUBLISHED):
        found = match_review(review, rules)
        if found is None:
            continue
        product = store.get_product(review.product_id)
        name = product.name if product else review.product_id
        cause = f"review:{review.id}"
        alert = Alert(id=stable_id("alert", cause), cause=cause, kind=found.rule.kind,
                      title=f"{found.rule.name}: a {review.rating}-star review of {name}",
                      detail=f"\"{found.phrase}\" in review {review.id} ({review.date or 'undated'}): "
                             f"{(review.title + ' - ') if review.title else ''}{review.text[:600]}",
                      family_id=product.family_id if product else "", product_id=review.product_id,
                      review_id=review.id, raised_at=iso(now))
        if store.add_alert(alert):
            raised.append(alert)
    return raised


def raise_trend_alerts(store: Store, rule: NegativeTrendRule, now: datetime) -> list[Alert]:
    report = negative_trends(store, rule)
    existing = store.list_alerts()
    raised = []
    for trend in report.trends:
        product = store.get_product(trend.product_id)
        family_id = product.family_id if product and product.family_id else trend.product_id
        mine = [a for a in existing if a.cause.startswith(f"trend:{family_id}:")]
        if any(a.status is not AlertStatus.RESOLVED for a in mine):
            continue  # one alert per family while its trend is being handled
        if any(a.resolved_at[:10] >= report.as_of for a in mine):
            continue  # resolved after the newest data: nothing new since
        cause = f"trend:{family_id}:{report.as_of}"
        alert = Alert(id=stable_id("alert", cause), cause=cause, kind="trend",
                      title=f"{trend.product_name}: reviews turning negative",
                      detail=(f"Average {trend.recent_mean} stars over {trend.recent_count} reviews since "
                              f"{report.window_start}, against {trend.history_mean} over {trend.history_count} before "
                              f"(drop {trend.drop}, t {trend.t_score}). Lowest recent: "
                              + "; ".join(f"{e.rating} stars {e.date}: {e.text[:160]}" for e in trend.evidence[:3])),
                      family_id=family_id, product_id=trend.product_id, review_id="", raised_at=iso(now))
        if store.add_alert(alert):
            raised.append(alert)
            existing.append(alert)
    return raised


def deliver(store: Store, alert: Alert, channels: list[Channel]) -> tuple[list[str], list[str]]:
    """Send an open alert to its current owner on every channel the owner has, once each."""
    owners = {o.id: o for o in store.list_owners()}
    owner = owners.get(alert.owner_id)
    sent: list[str] = []
    failed: list[str] = []
    if owner is None or alert.status is not AlertStatus.OPEN:
        return sent, failed
    for channel in channels:
        if not channel.applies(owner):
            continue
        delivery = f"{alert.level}:{owner.id}:{channel.name}"
        if not store.claim_delivery(alert.id, delivery):
            continue
        try:
            channel.send(alert, owner)
        except DeliveryFailed as exc:
            store.release_delivery(alert.id, delivery)
            log.warning("alert %s: %s", alert.id, exc)
            failed.append(f"{alert.id} {delivery}: {exc}")
        else:
            sent.append(f"{alert.id} {delivery}")
    return sent, failed


def run_alerts(store: Store, channels: list[Channel], options: RunOptions = RunOptions(),
               now: datetime | None = None) -> RunReport:
    now = now or datetime.now(UTC)
    raised = raise_review_alerts(store, options.rules, now) + raise_trend_alerts(store, options.trend_rule, now)
    escalated: list[str] = []
    sent: list[str] = []
    failed: list[str] = []
    unowned = 0
    for alert in store.list_alerts(AlertStatus.OPEN):
        before = alert.level
        alert = assign_or_escalate(store, alert, options.ack_timeout, now)
        if alert.level > before:
            escalated.append(alert.id)
        if not alert.owner_id:
            unowned += 1
            continue
        ok, bad = deliver(store, alert, channels)
        sent += ok
        failed += bad
    return RunReport(tuple(a.id for a in raised), tuple(escalated), tuple(sent), tuple(failed), unowned)
