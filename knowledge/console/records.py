"""The console's own records: accounts of the content team and the audit log of their changes.

Plain frozen dataclasses with no web framework in sight, so the store backends can keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    """What an account may do. Admins do everything (users, disputes, audit); editors run the
    catalog, imports, polls, owners and alerts; moderators work the moderation queue and the
    community questions."""

    ADMIN = "admin"
    EDITOR = "editor"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Account:
    """A console login. `password_hash` is an argon2 hash, never the password."""

    name: str
    role: Role
    password_hash: str
    created_at: str
    disabled: bool = False


@dataclass(frozen=True)
class AuditEntry:
    """One change (or sensitive read) made through the console: who, what, on what, when."""

    id: str
    at: str  # ISO 8601 UTC, to the microsecond so entries of one second keep their order
    actor: str  # account name, or "-" for an anonymous attempt (a failed login)
    action: str  # e.g. "login", "login_failed", "review_approved", "dispute_viewed"
    target: str = ""
    detail: str = ""
    remote_addr: str = ""
