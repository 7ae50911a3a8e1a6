"""A console app over a real SQLite store holding the demo catalog, with one account per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from knowledge.config import KnowledgeConfig
from knowledge.console.accounts import LoginPolicy, create_account
from knowledge.console.app import create_app
from knowledge.console.config import ConsoleConfig
from knowledge.console.records import Role
from knowledge.store.sqlite import SQLiteStore

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo catalog seeded once per session into a file the tests copy."""
    from knowledge.demo import seed_demo_catalog

    path = tmp_path_factory.mktemp("demo") / "shoptalk.sqlite"
    store = SQLiteStore(path)
    seed_demo_catalog(store)
    store.close()
    return path


@pytest.fixture
def console_store(tmp_path: Path, demo_template: Path) -> Iterator[SQLiteStore]:
    import shutil

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(demo_template, data_dir / "shoptalk.sqlite")
    store = SQLiteStore(data_dir / "shoptalk.sqlite")
    for role in Role:
        create_account(store, role.value, role, PASSWORD)
    yield store
    store.close()


@pytest.fixture
def app(console_store: SQLiteStore) -> Flask:
    knowledge = KnowledgeConfig(data_dir=console_store.path.parent, seed_demo_catalog=False)
    config = ConsoleConfig(secret_key="test-secret-" + "x" * 32, max_upload_bytes=256 * 1024,
                           login_policy=LoginPolicy(per_account=5, per_address=50))
    flask_app = create_app(console_store, knowledge, config)
    flask_app.config["TESTING"] = True
    return flask_app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = CSRF.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client: FlaskClient, name: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def as_role(app: Flask) -> object:
    """as_role("editor") -> a test client logged in with that role."""

    def make(role: str) -> FlaskClient:
        client = app.test_client()
        log_in(client, role)
        return client

    return make


def post(client: FlaskClient, path: str, data: dict[str, object] | None = None, page: str | None = None,
         **kwargs: object):
    """POST a form the way a browser does: with the CSRF token of the page that shows it."""
    fields = dict(data or {})
    fields["csrf_token"] = csrf_token(client, page or "/")
    return client.post(path, data=fields, **kwargs)
