"""An alert's life: raised once per cause, assigned to the first owner, escalated to the next
when nobody acknowledges in time, acknowledged, resolved; with the time and who at each step."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from statistics import median

from knowledge.alerts.owners import chain_of
from knowledge.alerts.records import Alert, AlertStatus
from knowledge.store.base import Store


class AlertError(ValueError):
    """The alert cannot make the step asked for (unknown, or already past it)."""


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def acknowledge(store: Store, alert_id: str, who: str, now: datetime) -> Alert:
    alert = store.get_alert(alert_id)
    if alert is None:
        raise AlertError(f"no alert {alert_id!r}")
    if alert.status is not AlertStatus.OPEN:
        raise AlertError(f"alert {alert_id} is {alert.status.value} already")
    done = replace(alert, status=AlertStatus.ACKNOWLEDGED, acknowledged_at=iso(now), acknowledged_by=who)
    store.put_alert(done)
    return done


def resolve(store: Store, alert_id: str, who: str, now: datetime) -> Alert:
    alert = store.get_alert(alert_id)
    if alert is None:
        raise AlertError(f"no alert {alert_id!r}")
    if alert.status is AlertStatus.RESOLVED:
        raise AlertError(f"alert {alert_id} is resolved already")
    done = replace(alert, status=AlertStatus.RESOLVED, resolved_at=iso(now), resolved_by=who,
                   acknowledged_at=alert.acknowledged_at or iso(now), acknowledged_by=alert.acknowledged_by or who)
    store.put_alert(done)
    return done


def assign_or_escalate(store: Store, alert: Alert, ack_timeout: timedelta, now: datetime) -> Alert:
    """Give an unowned alert its first owner; pass an open alert that waited past
    `ack_timeout` to the next owner of its chain (it stays where it is at the chain's end)."""
    if alert.status is not AlertStatus.OPEN:
        return alert
    chain = chain_of(store, alert.product_id)
    if not chain:
        return alert
    if not alert.owner_ids:
        changed = replace(alert, owner_ids=(chain[0].id,), level=0, assigned_at=iso(now))
    elif alert.assigned_at and now - parse(alert.assigned_at) >= ack_timeout:
        ids = [o.id for o in chain]
        position = ids.index(alert.owner_id) if alert.owner_id in ids else -1
        if position + 1 >= len(ids):
            return alert
        changed = replace(alert, owner_ids=(*alert.owner_ids, ids[position + 1]), level=alert.level + 1,
                          assigned_at=iso(now))
    else:
        return alert
    store.put_alert(changed)
    return changed


@dataclass(frozen=True)
class AckFigure:
    """How fast one owner acknowledges: acknowledged count, median and worst wait."""

    owner_id: str
    acknowledged: int
    median_minutes: float
    worst_minutes: float
    waiting: int  # open alerts with this owner now


def ack_times(alerts: list[Alert]) -> list[AckFigure]:
    """Time to acknowledge per owner (from assignment to that owner to acknowledgement)."""
    waits: dict[str, list[float]] = defaultdict(list)
    waiting: dict[str, int] = defaultdict(int)
    for alert in alerts:
        if not alert.owner_id:
            continue
        if alert.status is AlertStatus.OPEN:
            waiting[alert.owner_id] += 1
        elif alert.acknowledged_at and alert.assigned_at:
            minutes = (parse(alert.acknowledged_at) - parse(alert.assigned_at)).total_seconds() / 60
            waits[alert.owner_id].append(max(0.0, minutes))
    owners = sorted(set(waits) | set(waiting))
    return [AckFigure(o, len(waits[o]), round(median(waits[o]), 1) if waits[o] else 0.0,
                      round(max(waits[o]), 1) if waits[o] else 0.0, waiting[o]) for o in owners]
