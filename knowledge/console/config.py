"""The console's configuration: one frozen dataclass built at the edge (environment, then flags)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from knowledge.console.accounts import LoginPolicy

SECRET_FILE_NAME = "console-secret"


@dataclass(frozen=True)
class ConsoleConfig:
    """How the console runs. `secret_key` signs the session cookies; `secure_cookies` adds the
    Secure flag (on behind HTTPS; off for plain HTTP on loopback, where browsers would drop it)."""

    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8080
    max_upload_bytes: int = 64 * 1024 * 1024
    session_hours: float = 8.0
    secure_cookies: bool = False
    threads: int = 8
    login_policy: LoginPolicy = field(default_factory=LoginPolicy)

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @classmethod
    def from_env(cls, data_dir: Path, env: Mapping[str, str] = os.environ) -> ConsoleConfig:
        """`SHOPTALK_CONSOLE_SECRET` (else a random secret kept in `<data_dir>/console-secret`,
        readable by its owner only), `SHOPTALK_CONSOLE_MAX_UPLOAD_MB`, `SHOPTALK_CONSOLE_SECURE_COOKIES`."""
        return cls(
            secret_key=env.get("SHOPTALK_CONSOLE_SECRET") or _secret_in(data_dir),
            max_upload_bytes=int(float(env.get("SHOPTALK_CONSOLE_MAX_UPLOAD_MB", "64")) * 1024 * 1024),
            secure_cookies=env.get("SHOPTALK_CONSOLE_SECURE_COOKIES", "0") in ("1", "true", "yes"),
        )


def _secret_in(data_dir: Path) -> str:
    path = data_dir / SECRET_FILE_NAME
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secret)
    return secret
