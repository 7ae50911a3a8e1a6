"""A real PostgreSQL with pgvector (pgserver), started once per session and stopped after,
and a fresh database per test; the index backends the contract suite runs on."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.index.postgres.local_server import LocalPostgres


@pytest.fixture(scope="session")
def local_postgres() -> Iterator[LocalPostgres]:
    """Its data directory is outside pytest's temporary root: as root, pgserver runs the
    server as an unprivileged user, and every pytest session (another one started on the
    machine too) resets that root to mode 0700, which would lock the server out."""
    pytest.importorskip("pgserver", reason="pgserver from requirements-dev.txt")
    directory = Path(tempfile.mkdtemp(prefix="shoptalk-pg-"))
    server = LocalPostgres(directory / "data").start()
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_dsn(local_postgres: LocalPostgres) -> Iterator[str]:
    """The DSN of an empty database of this test's own (dropped afterwards)."""
    dsn = local_postgres.create_database()
    yield dsn
    local_postgres.drop_database(dsn)
