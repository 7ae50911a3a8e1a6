"""Console accounts: creating them, checking a password, and limiting login attempts.

Passwords are hashed with argon2id (argon2-cffi's defaults). A login for an unknown account
still verifies against a fixed hash, so the answer takes as long and says the same as a wrong
password: nobody learns which account names exist. Failed attempts are counted from the
audit log (`login_failed` entries), so the limit holds across processes and restarts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from knowledge.console.audit import audit
from knowledge.console.records import Account, Role
from knowledge.moderation.ratelimit import RateLimiter
from knowledge.store.base import Store

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 10
LOGIN_FAILED = "login_failed"


class AccountError(ValueError):
    """An account cannot be created or changed as asked (the message says why)."""


@dataclass(frozen=True)
class LoginPolicy:
    """At most `per_account` failed logins for one name and `per_address` from one address
    within `window`; further attempts are refused unchecked until the window has passed."""

    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


_HASHER = PasswordHasher()
# A real hash of a random throw-away password: unknown names are verified against it.
_DUMMY_HASH = _HASHER.hash("not-an-account-ShopTalk-console")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if password.strip() != password or not password.strip():
        raise AccountError("the password must not start or end with spaces")


def create_account(store: Store, name: str, role: Role, password: str, actor: str = "cli") -> Account:
    """A new account; AccountError when the name is taken or malformed or the password weak."""
    if not NAME_PATTERN.match(name):
        raise AccountError(f"account name {name!r}: use 2-40 letters, digits, '.', '_' or '-'")
    if store.get_account(name) is not None:
        raise AccountError(f"account {name!r} exists already")
    check_new_password(password)
    account = Account(name, role, hash_password(password), datetime.now(UTC).isoformat(timespec="seconds"))
    store.put_account(account)
    audit(store, actor, "account_created", name, f"role {role.value}")
    return account


def set_password(store: Store, name: str, password: str, actor: str) -> Account:
    account = store.get_account(name)
    if account is None:
        raise AccountError(f"no account {name!r}")
    check_new_password(password)
    changed = Account(account.name, account.role, hash_password(password), account.created_at, account.disabled)
    store.put_account(changed)
    audit(store, actor, "password_changed", account.name)
    return changed


def set_disabled(store: Store, name: str, disabled: bool, actor: str) -> Account:
    account = store.get_account(name)
    if account is None:
        raise AccountError(f"no account {name!r}")
    changed = Account(account.name, account.role, account.password_hash, account.created_at, disabled)
    store.put_account(changed)
    audit(store, actor, "account_disabled" if disabled else "account_enabled", account.name)
    return changed


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    throttled: bool = False
    retry_after: timedelta = timedelta(0)


def _failed_attempts(store: Store, since: datetime) -> list[tuple[str, str, str]]:
    entries = store.audit_log(since=since.isoformat(timespec="microseconds"), action=LOGIN_FAILED, limit=5000)
    return [(e.at, e.target.casefold(), e.remote_addr) for e in entries]


def log_in(store: Store, name: str, password: str, remote_addr: str, policy: LoginPolicy = LoginPolicy(),
           now: datetime | None = None) -> LoginResult:
    """The account when `password` is right; a throttled result when too many attempts failed
    lately (checked before the password, so a guesser learns nothing more)."""
    now = now or datetime.now(UTC)
    failures = _failed_attempts(store, now - policy.window)
    for limit, matches in ((policy.per_account, [at for at, n, _ in failures if n == name.casefold()]),
                           (policy.per_address, [at for at, _, a in failures if a == remote_addr])):
        decision = RateLimiter(limit, policy.window).check(matches, now)
        if not decision.allowed:
            audit(store, "-", "login_throttled", name, remote_addr=remote_addr)
            return LoginResult(None, throttled=True, retry_after=decision.retry_after)
    account = store.get_account(name) if NAME_PATTERN.match(name) else None
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
        ok = account is not None and not account.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None:
        audit(store, "-", LOGIN_FAILED, name[:80], remote_addr=remote_addr)
        return LoginResult(None)
    if _HASHER.check_needs_rehash(account.password_hash):
        account = Account(account.name, account.role, hash_password(password), account.created_at, account.disabled)
        store.put_account(account)
    audit(store, account.name, "login", account.name, remote_addr=remote_addr)
    return LoginResult(account)
