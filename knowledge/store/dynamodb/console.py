"""The console's records in DynamoDB: accounts `ACCOUNT#<name>`, the audit log `AUDIT#<day>`
(one partition per UTC day, newest first by time), owners `OWNER#<id>`, alerts `ALERT#<id>`
with their delivery claims `DELIVERY#<key>` in the alert's partition.

Accounts, owners and alerts are listed through GSI1 (`ACCOUNTS`, `OWNERS`, `ALERTS`); these
lists are small (a content team, its owners, alerts by the hundred). A delivery claim is a
conditional put, so two `alerts run` at once still send a message once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from knowledge.alerts.records import Alert, AlertStatus, Owner
from knowledge.console.records import Account, AuditEntry
from knowledge.store.console_codec import (
    account_doc,
    alert_doc,
    audit_doc,
    owner_doc,
    read_account,
    read_alert,
    read_audit,
    read_owner,
)
from knowledge.store.dynamodb.client import Item, TableAccess

AUDIT_DAYS_SCANNED = 31  # how far back an unbounded audit read looks


def _numbers(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: (int(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, bool) else v) for k, v in doc.items()}


class ConsolePart(TableAccess):
    """Accounts, audit log, owners, alerts and delivery claims."""

    # --- accounts -----------------------------------------------------------------------
    def put_account(self, account: Account) -> None:
        name_key = account.name.casefold()
        self._put({"PK": f"ACCOUNT#{name_key}", "SK": "ACCOUNT", "GSI1PK": "ACCOUNTS", "GSI1SK": name_key,
                   "type": "account", **account_doc(account)})

    def get_account(self, name: str) -> Account | None:
        item = self._get(f"ACCOUNT#{name.casefold()}", "ACCOUNT")
        return read_account(item) if item else None

    def list_accounts(self) -> list[Account]:
        return [read_account(i) for i in self._query("GSI1", "ACCOUNTS")]

    # --- audit --------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> None:
        self._put({"PK": f"AUDIT#{entry.at[:10]}", "SK": f"{entry.at}#{entry.id}", "type": "audit",
                   **audit_doc(entry)})

    def audit_log(self, since: str = "", action: str | None = None, limit: int = 500) -> list[AuditEntry]:
        today = datetime.now(timezone.utc).date()
        first = date.fromisoformat(since[:10]) if since else today - timedelta(days=AUDIT_DAYS_SCANNED - 1)
        found: list[AuditEntry] = []
        day = today
        while day >= first and len(found) < limit:
            for item in self._query(None, f"AUDIT#{day.isoformat()}", forward=False):
                entry = read_audit(item)
                if entry.at < since:
                    break
                if action is None or entry.action == action:
                    found.append(entry)
                    if len(found) == limit:
                        break
            day -= timedelta(days=1)
        return found

    # --- owners -------------------------------------------------------------------------
    def put_owner(self, owner: Owner) -> None:
        self._put({"PK": f"OWNER#{owner.id}", "SK": "OWNER", "GSI1PK": "OWNERS", "GSI1SK": owner.id,
                   "type": "owner", **owner_doc(owner)})

    def list_owners(self) -> list[Owner]:
        owners = [read_owner(_numbers(i)) for i in self._query("GSI1", "OWNERS")]
        return sorted(owners, key=lambda o: (o.scope.value, o.value.casefold(), o.rank, o.id))

    def delete_owner(self, owner_id: str) -> bool:
        return self._delete(f"OWNER#{owner_id}", "OWNER")

    # --- alerts -------------------------------------------------------------------------
    def _alert_item(self, alert: Alert) -> Item:
        return {"PK": f"ALERT#{alert.id}", "SK": "ALERT", "GSI1PK": "ALERTS",
                "GSI1SK": f"{alert.raised_at}#{alert.id}", "type": "alert", **alert_doc(alert)}

    def put_alert(self, alert: Alert) -> None:
        self._put(self._alert_item(alert))

    def add_alert(self, alert: Alert) -> bool:
        return self._put_if_new(self._alert_item(alert))

    def get_alert(self, alert_id: str) -> Alert | None:
        item = self._get(f"ALERT#{alert_id}", "ALERT")
        return read_alert(_numbers(item)) if item else None

    def list_alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        alerts = [read_alert(_numbers(i)) for i in self._query("GSI1", "ALERTS", forward=False)]
        return [a for a in alerts if status is None or a.status is status]

    def claim_delivery(self, alert_id: str, delivery: str) -> bool:
        return self._put_if_new({"PK": f"ALERT#{alert_id}", "SK": f"DELIVERY#{delivery}", "type": "delivery"})

    def release_delivery(self, alert_id: str, delivery: str) -> None:
        self._delete(f"ALERT#{alert_id}", f"DELIVERY#{delivery}")

    def deliveries_of(self, alert_id: str) -> list[str]:
        return [str(i["SK"])[len("DELIVERY#"):] for i in self._query(None, f"ALERT#{alert_id}", "DELIVERY#")]
