"""A local PostgreSQL with pgvector for tests, benchmarks and a developer's machine.

The pgserver package (requirements-dev.txt, requirements-bench.txt) ships PostgreSQL 16 with
the pgvector extension as a binary inside the wheel; it listens on a Unix socket in its data
directory only. `LocalPostgres` starts it and stops it again; `create_database` gives each
test or benchmark run an empty database of its own. `settings` (e.g. shared_buffers for a
benchmark whose index should stay in the database's cache, as it does on a provisioned
server) are written with ALTER SYSTEM and the server restarted once to take them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class LocalPostgres:
    """pgserver's PostgreSQL in `data_dir`, started by `start` and stopped by `stop`."""

    data_dir: Path
    settings: dict[str, str] = field(default_factory=dict)
    _server: Any = field(default=None, repr=False)

    def start(self) -> LocalPostgres:
        try:
            import pgserver
        except ImportError as exc:  # pragma: no cover - an install problem, said plainly
            raise RuntimeError(
                "a local PostgreSQL needs the pgserver package (pip install -r requirements-dev.txt)"
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        if self.settings:
            self._apply_settings()
        return self

    def _apply_settings(self) -> None:
        """ALTER SYSTEM each setting, then restart (this process holds the only handle)."""
        import pgserver
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            for name, value in self.settings.items():
                conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        self._server.cleanup()
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            pending = conn.execute("SELECT name FROM pg_settings WHERE pending_restart").fetchall()
        if pending:
            raise RuntimeError(f"the local PostgreSQL did not take {[p[0] for p in pending]} on restart")

    def dsn(self, database: str = "postgres") -> str:
        if self._server is None:
            raise RuntimeError("the local PostgreSQL is not started")
        return str(self._server.get_uri(database))

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (pgvector installed); its DSN."""
        import psycopg

        name = name or f"shoptalk_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.dsn(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        return self.dsn(name)

    def drop_database(self, dsn: str) -> None:
        import psycopg
        import psycopg.conninfo

        name = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
