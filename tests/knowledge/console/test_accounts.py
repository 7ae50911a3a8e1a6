"""Accounts: argon2 hashes, no hint whether an account exists, login attempts limited, and
`python -m knowledge users add` with the password from stdin."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.console.accounts import AccountError, LoginPolicy, create_account, log_in, set_disabled
from knowledge.console.records import Role
from knowledge.store.sqlite import SQLiteStore
from tests.conftest import PROJECT_ROOT

PASSWORD = "correct horse battery"


def test_password_is_stored_as_an_argon2_hash(sqlite_store: SQLiteStore) -> None:
    account = create_account(sqlite_store, "alice", Role.ADMIN, PASSWORD)
    stored = sqlite_store.get_account("alice")
    assert stored == account
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert [e.action for e in sqlite_store.audit_log()] == ["account_created"]


@pytest.mark.parametrize("name, password, reason", [
    ("a", PASSWORD, "account name"), ("bad name!", PASSWORD, "account name"), ("bob", "short", "at least 10"),
    ("bob", " padded password ", "spaces"),
])
def test_bad_names_and_weak_passwords_are_refused(sqlite_store: SQLiteStore, name: str, password: str,
                                                   reason: str) -> None:
    with pytest.raises(AccountError, match=reason):
        create_account(sqlite_store, name, Role.EDITOR, password)


def test_a_taken_name_is_refused_in_any_case(sqlite_store: SQLiteStore) -> None:
    create_account(sqlite_store, "alice", Role.ADMIN, PASSWORD)
    with pytest.raises(AccountError, match="exists"):
        create_account(sqlite_store, "ALICE", Role.EDITOR, PASSWORD)


def test_login_accepts_the_right_password_only(sqlite_store: SQLiteStore) -> None:
    create_account(sqlite_store, "alice", Role.EDITOR, PASSWORD)
    assert log_in(sqlite_store, "alice", PASSWORD, "10.0.0.1").account.name == "alice"
    assert log_in(sqlite_store, "Alice", PASSWORD, "10.0.0.1").account.name == "alice"
    wrong = log_in(sqlite_store, "alice", PASSWORD + "x", "10.0.0.1")
    unknown = log_in(sqlite_store, "nobody", PASSWORD, "10.0.0.1")
    assert wrong == unknown  # same result: nothing says whether the account exists
    assert wrong.account is None and not wrong.throttled
    actions = [e.action for e in sqlite_store.audit_log()]
    assert actions.count("login") == 2 and actions.count("login_failed") == 2


def test_a_disabled_account_cannot_log_in(sqlite_store: SQLiteStore) -> None:
    create_account(sqlite_store, "alice", Role.EDITOR, PASSWORD)
    set_disabled(sqlite_store, "alice", True, "admin")
    assert log_in(sqlite_store, "alice", PASSWORD, "10.0.0.1").account is None


def test_failed_logins_are_throttled_per_account_then_released(sqlite_store: SQLiteStore) -> None:
    create_account(sqlite_store, "alice", Role.EDITOR, PASSWORD)
    policy = LoginPolicy(per_account=3, per_address=100, window=timedelta(minutes=15))
    for _ in range(3):
        assert not log_in(sqlite_store, "alice", "wrong password!", "10.0.0.1", policy).throttled
    refused = log_in(sqlite_store, "alice", PASSWORD, "10.0.0.2", policy)
    assert refused.throttled and refused.account is None  # even the right password, from elsewhere
    assert timedelta(minutes=14) < refused.retry_after <= timedelta(minutes=15)
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert log_in(sqlite_store, "alice", PASSWORD, "10.0.0.1", policy, now=later).account is not None


def test_failed_logins_are_throttled_per_address(sqlite_store: SQLiteStore) -> None:
    policy = LoginPolicy(per_account=100, per_address=4)
    for i in range(4):
        log_in(sqlite_store, f"guess{i}", "wrong password!", "10.9.9.9", policy)
    assert log_in(sqlite_store, "someone", "wrong password!", "10.9.9.9", policy).throttled
    assert not log_in(sqlite_store, "someone", "wrong password!", "10.9.9.8", policy).throttled


def test_users_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "knowledge", "--data-dir", str(tmp_path), *args],
                              input=stdin, capture_output=True, text=True, cwd=PROJECT_ROOT,
                              env={"PATH": "/usr/bin:/bin", "SHOPTALK_SEED_DEMO": "0", "HOME": str(tmp_path)})

    added = cli("users", "add", "alice", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "account alice (admin) created" in added.stdout
    again = cli("users", "add", "alice", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    no_tty = cli("users", "add", "bob", "--role", "editor")
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr
    bad_role = cli("users", "add", "bob", "--role", "root", "--password-stdin", stdin=PASSWORD)
    assert bad_role.returncode == 2
    listed = cli("users", "list")
    assert "alice" in listed.stdout and "admin" in listed.stdout and PASSWORD not in listed.stdout
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    try:
        assert log_in(store, "alice", PASSWORD, "127.0.0.1").account is not None
    finally:
        store.close()
