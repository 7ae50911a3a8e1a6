"""The console's records in SQLite: accounts, the audit log, owners, alerts and the delivery
claims that keep `alerts run` from sending anything twice.

The tables are created on first use (CREATE TABLE IF NOT EXISTS) rather than by a schema
migration, so a store file opened by the skill alone never grows them.
"""

from __future__ import annotations

import json
import threading

from knowledge.alerts.records import Alert, AlertStatus, Owner
from knowledge.console.records import Account, AuditEntry
from knowledge.store.console_codec import (
    account_doc,
    alert_doc,
    audit_doc,
    dumps,
    owner_doc,
    read_account,
    read_alert,
    read_audit,
    read_owner,
)
from knowledge.store.sqlite.connection import SQLiteBase

_TABLES = (
    "CREATE TABLE IF NOT EXISTS console_accounts (name_key TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS console_audit (at TEXT NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL,"
    " doc TEXT NOT NULL, PRIMARY KEY (at, id))",
    "CREATE INDEX IF NOT EXISTS console_audit_by_action ON console_audit (action, at)",
    "CREATE TABLE IF NOT EXISTS alert_owners (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS alerts (id TEXT PRIMARY KEY, cause TEXT NOT NULL, status TEXT NOT NULL,"
    " raised_at TEXT NOT NULL, doc TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS alerts_by_cause ON alerts (cause)",
    "CREATE TABLE IF NOT EXISTS alert_deliveries (alert_id TEXT NOT NULL, delivery TEXT NOT NULL,"
    " PRIMARY KEY (alert_id, delivery))",
)


class ConsolePart(SQLiteBase):
    """Accounts, audit log, owners, alerts and delivery claims."""

    _console_ready: bool = False
    _console_lock = threading.Lock()

    def _console(self) -> None:
        if self._console_ready:
            return
        with self._console_lock, self.transaction() as conn:
            for statement in _TABLES:
                conn.execute(statement)
        self._console_ready = True

    # --- accounts -----------------------------------------------------------------------
    def put_account(self, account: Account) -> None:
        self._console()
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO console_accounts (name_key, doc) VALUES (?, ?)",
                         (account.name.casefold(), dumps(account_doc(account))))

    def get_account(self, name: str) -> Account | None:
        self._console()
        rows = self._query("SELECT doc FROM console_accounts WHERE name_key = ?", (name.casefold(),))
        return read_account(json.loads(rows[0]["doc"])) if rows else None

    def list_accounts(self) -> list[Account]:
        self._console()
        rows = self._query("SELECT doc FROM console_accounts ORDER BY name_key")
        return [read_account(json.loads(r["doc"])) for r in rows]

    # --- audit --------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> None:
        self._console()
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO console_audit (at, id, action, doc) VALUES (?, ?, ?, ?)",
                         (entry.at, entry.id, entry.action, dumps(audit_doc(entry))))

    def audit_log(self, since: str = "", action: str | None = None, limit: int = 500) -> list[AuditEntry]:
        self._console()
        sql, params = "SELECT doc FROM console_audit WHERE at >= ?", [since]
        if action is not None:
            sql, params = sql + " AND action = ?", [*params, action]
        rows = self._query(sql + " ORDER BY at DESC, id DESC LIMIT ?", [*params, limit])
        return [read_audit(json.loads(r["doc"])) for r in rows]

    # --- owners -------------------------------------------------------------------------
    def put_owner(self, owner: Owner) -> None:
        self._console()
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO alert_owners (id, doc) VALUES (?, ?)",
                         (owner.id, dumps(owner_doc(owner))))

    def list_owners(self) -> list[Owner]:
        self._console()
        owners = [read_owner(json.loads(r["doc"])) for r in self._query("SELECT doc FROM alert_owners")]
        return sorted(owners, key=lambda o: (o.scope.value, o.value.casefold(), o.rank, o.id))

    def delete_owner(self, owner_id: str) -> bool:
        self._console()
        return self._update("DELETE FROM alert_owners WHERE id = ?", (owner_id,))

    # --- alerts -------------------------------------------------------------------------
    def put_alert(self, alert: Alert) -> None:
        self._console()
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO alerts (id, cause, status, raised_at, doc) VALUES (?, ?, ?, ?, ?)",
                         (alert.id, alert.cause, alert.status.value, alert.raised_at, dumps(alert_doc(alert))))

    def add_alert(self, alert: Alert) -> bool:
        self._console()
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO alerts (id, cause, status, raised_at, doc) VALUES (?, ?, ?, ?, ?)",
                (alert.id, alert.cause, alert.status.value, alert.raised_at, dumps(alert_doc(alert))))
            return cursor.rowcount > 0

    def get_alert(self, alert_id: str) -> Alert | None:
        self._console()
        rows = self._query("SELECT doc FROM alerts WHERE id = ?", (alert_id,))
        return read_alert(json.loads(rows[0]["doc"])) if rows else None

    def list_alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        self._console()
        sql, params = "SELECT doc FROM alerts", []
        if status is not None:
            sql, params = sql + " WHERE status = ?", [status.value]
        rows = self._query(sql + " ORDER BY raised_at DESC, id DESC", params)
        return [read_alert(json.loads(r["doc"])) for r in rows]

    def claim_delivery(self, alert_id: str, delivery: str) -> bool:
        self._console()
        with self.transaction() as conn:
            cursor = conn.execute("INSERT OR IGNORE INTO alert_deliveries (alert_id, delivery) VALUES (?, ?)",
                                  (alert_id, delivery))
            return cursor.rowcount > 0

    def release_delivery(self, alert_id: str, delivery: str) -> None:
        self._console()
        self._update("DELETE FROM alert_deliveries WHERE alert_id = ? AND delivery = ?", (alert_id, delivery))

    def deliveries_of(self, alert_id: str) -> list[str]:
        self._console()
        rows = self._query("SELECT delivery FROM alert_deliveries WHERE alert_id = ? ORDER BY delivery", (alert_id,))
        return [r["delivery"] for r in rows]
