"""The console's records keep one contract on every store backend (the `store` fixture runs
SQLite and DynamoDB on moto's server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from knowledge.alerts.records import Alert, AlertStatus, Owner, OwnerScope
from knowledge.console.records import Account, AuditEntry, Role
from knowledge.store.base import Store


def _alert(alert_id: str, raised_at: str, status: AlertStatus = AlertStatus.OPEN) -> Alert:
    return Alert(id=alert_id, cause=f"review:{alert_id}", kind="safety", title="t", detail="d", family_id="fam",
                 product_id="p1", review_id="r1", raised_at=raised_at, status=status, owner_ids=("o1", "o2"), level=1)


def test_accounts_are_found_by_name_in_any_case(store: Store) -> None:
    account = Account("Alice", Role.ADMIN, "$argon2id$hash", "2026-12-01T00:00:00+00:00")
    store.put_account(account)
    store.put_account(Account("bob", Role.MODERATOR, "$argon2id$h2", "2026-12-01T00:00:00+00:00", disabled=True))
    assert store.get_account("alice") == account
    assert store.get_account("ALICE") == account
    assert store.get_account("carol") is None
    assert [a.name for a in store.list_accounts()] == ["Alice", "bob"]
    assert store.get_account("bob").disabled is True


def test_audit_log_is_newest_first_filtered_by_time_and_action(store: Store) -> None:
    now = datetime.now(UTC)
    times = [(now - timedelta(minutes=m)).isoformat(timespec="microseconds") for m in (30, 20, 10)]
    for i, at in enumerate(times):
        store.append_audit(AuditEntry(f"e{i}", at, "alice", "login" if i != 1 else "login_failed", "alice", "", "1.2.3.4"))
    store.append_audit(AuditEntry("e0", times[0], "alice", "login", "alice", "", "1.2.3.4"))  # same entry again
    entries = store.audit_log()
    assert [e.id for e in entries] == ["e2", "e1", "e0"]
    assert entries[0].remote_addr == "1.2.3.4"
    assert [e.id for e in store.audit_log(since=times[1])] == ["e2", "e1"]
    assert [e.id for e in store.audit_log(action="login_failed")] == ["e1"]
    assert [e.id for e in store.audit_log(limit=1)] == ["e2"]


def test_owners_are_listed_by_scope_value_and_rank_and_removed(store: Store) -> None:
    store.put_owner(Owner("o2", "Bea", OwnerScope.FAMILY, "fam", 1, "bea@example.com"))
    store.put_owner(Owner("o1", "Al", OwnerScope.FAMILY, "fam", 0, "", "http://127.0.0.1:9/hook"))
    store.put_owner(Owner("o3", "Cy", OwnerScope.BRAND, "Amazon", 0, "", "", "arn:aws:sns:us-east-1:1:t"))
    assert [o.id for o in store.list_owners()] == ["o3", "o1", "o2"]
    assert store.list_owners()[0].sns_topic_arn == "arn:aws:sns:us-east-1:1:t"
    assert store.list_owners()[1].rank == 0 and store.list_owners()[2].rank == 1
    assert store.delete_owner("o1") is True
    assert store.delete_owner("o1") is False
    assert [o.id for o in store.list_owners()] == ["o3", "o2"]


def test_alerts_are_added_once_replaced_and_listed_by_status(store: Store) -> None:
    first = _alert("a1", "2026-12-01T10:00:00+00:00")
    assert store.add_alert(first) is True
    assert store.add_alert(first) is False
    assert store.add_alert(_alert("a2", "2026-12-02T10:00:00+00:00")) is True
    assert store.get_alert("a1") == first
    assert store.get_alert("a1").owner_ids == ("o1", "o2") and store.get_alert("a1").level == 1
    assert [a.id for a in store.list_alerts()] == ["a2", "a1"]
    acked = _alert("a1", first.raised_at, AlertStatus.ACKNOWLEDGED)
    store.put_alert(acked)
    assert [a.id for a in store.list_alerts(AlertStatus.OPEN)] == ["a2"]
    assert [a.id for a in store.list_alerts(AlertStatus.ACKNOWLEDGED)] == ["a1"]
    assert store.get_alert("missing") is None


def test_a_delivery_is_claimed_once_until_released(store: Store) -> None:
    store.add_alert(_alert("a1", "2026-12-01T10:00:00+00:00"))
    assert store.claim_delivery("a1", "0:o1:email") is True
    assert store.claim_delivery("a1", "0:o1:email") is False
    assert store.claim_delivery("a1", "0:o1:webhook") is True
    assert store.deliveries_of("a1") == ["0:o1:email", "0:o1:webhook"]
    store.release_delivery("a1", "0:o1:email")
    assert store.claim_delivery("a1", "0:o1:email") is True
    assert store.get_alert("a1") is not None  # claims live beside the alert, not over it
