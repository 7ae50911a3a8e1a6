"""Writing the audit log: every change made through the console (and every dispute read) is one
entry naming who did what to which record, and when."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from knowledge.console.records import AuditEntry
from knowledge.store.base import Store


def now_iso() -> str:
    """The current UTC time to the microsecond (audit entries of one second keep their order)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def audit(store: Store, actor: str, action: str, target: str = "", detail: str = "",
          remote_addr: str = "") -> AuditEntry:
    """Append one entry and return it."""
    entry = AuditEntry(id=uuid.uuid4().hex[:12], at=now_iso(), actor=actor or "-", action=action,
                       target=target, detail=detail[:2000], remote_addr=remote_addr)
    store.append_audit(entry)
    return entry
