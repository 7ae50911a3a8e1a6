"""Store fixtures for knowledge tests: a real SQLite file, and a real DynamoDB-compatible
server over HTTP (moto's server mode, started and stopped by the test session itself)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.store.base import Store
from knowledge.store.sqlite import SQLiteStore
from tests.conftest import DUMMY_AWS

STORE_BACKENDS = ("sqlite", pytest.param("dynamodb", marks=pytest.mark.slow))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A fresh SQLite store on a real file in the test's temporary directory."""
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    yield store
    store.close()


@pytest.fixture(scope="session")
def dynamodb_resource(dynamodb_endpoint: str) -> Any:
    """A boto3 resource on the test server, with dummy credentials given explicitly."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=DUMMY_AWS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_AWS["AWS_SECRET_ACCESS_KEY"],
        region_name=DUMMY_AWS["AWS_DEFAULT_REGION"],
    )
    return session.resource("dynamodb", endpoint_url=dynamodb_endpoint)


@pytest.fixture
def dynamodb_store(dynamodb_resource: Any) -> Iterator[Store]:
    """A DynamoDBStore on a fresh table of its own (deleted afterwards)."""
    from knowledge.store.dynamodb import DynamoDBStore, create_table

    table = f"shoptalk-test-{uuid.uuid4().hex[:12]}"
    create_table(dynamodb_resource, table)
    store = DynamoDBStore(table, dynamodb_resource)
    yield store
    store.close()
    dynamodb_resource.meta.client.delete_table(TableName=table)


@pytest.fixture(params=STORE_BACKENDS)
def store(request: pytest.FixtureRequest) -> Store:
    """Every store backend in turn, each fresh and empty (the contract suite runs on this)."""
    return request.getfixturevalue(f"{request.param}_store")
