"""How the console's and the alerting's records become plain JSON documents and back, shared
by every store backend so they all keep exactly the same fields."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from knowledge.alerts.records import Alert, AlertStatus, Owner, OwnerScope
from knowledge.console.records import Account, AuditEntry, Role


def account_doc(account: Account) -> dict[str, Any]:
    return {"name": account.name, "role": account.role.value, "password_hash": account.password_hash,
            "created_at": account.created_at, "disabled": account.disabled}


def read_account(doc: dict[str, Any]) -> Account:
    return Account(str(doc["name"]), Role(doc["role"]), str(doc["password_hash"]),
                   str(doc["created_at"]), bool(doc.get("disabled", False)))


def audit_doc(entry: AuditEntry) -> dict[str, Any]:
    return asdict(entry)


def read_audit(doc: dict[str, Any]) -> AuditEntry:
    return AuditEntry(**{k: str(doc.get(k, "")) for k in AuditEntry.__dataclass_fields__})


def owner_doc(owner: Owner) -> dict[str, Any]:
    doc = asdict(owner)
    doc["scope"] = owner.scope.value
    return doc


def read_owner(doc: dict[str, Any]) -> Owner:
    return Owner(id=str(doc["id"]), name=str(doc["name"]), scope=OwnerScope(doc["scope"]),
                 value=str(doc["value"]), rank=int(doc.get("rank", 0)), email=str(doc.get("email", "")),
                 webhook_url=str(doc.get("webhook_url", "")), sns_topic_arn=str(doc.get("sns_topic_arn", "")))


def alert_doc(alert: Alert) -> dict[str, Any]:
    doc = asdict(alert)
    doc["status"] = alert.status.value
    doc["owner_ids"] = list(alert.owner_ids)
    return doc


def read_alert(doc: dict[str, Any]) -> Alert:
    fields = {k: doc[k] for k in Alert.__dataclass_fields__ if k in doc}
    fields["status"] = AlertStatus(fields.get("status", "open"))
    fields["owner_ids"] = tuple(str(o) for o in fields.get("owner_ids", ()))
    fields["level"] = int(fields.get("level", 0))
    return Alert(**fields)


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)
