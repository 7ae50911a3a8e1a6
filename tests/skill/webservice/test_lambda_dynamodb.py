"""Lambda as deployed: SHOPTALK_STORE=dynamodb against a DynamoDB-compatible server (moto's
server mode over HTTP, in its own process), the table created with the store's definition
that template.yaml mirrors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill import lambda_function

from .conftest import SKILL_ID, envelope

pytestmark = pytest.mark.slow

DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def dynamodb_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto DynamoDB server on a free loopback port, stopped after the module."""
    pytest.importorskip("moto.server", reason="moto[server] from requirements-dev.txt")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **DUMMY_AWS},
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"moto server exited with {server.returncode}: {log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"moto server did not listen on port {port} within 60 s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_lambda_answers_from_a_dynamodb_table(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from knowledge.store.dynamodb import DynamoDBStore, create_table, dynamodb_resource

    for name, value in DUMMY_AWS.items():
        monkeypatch.setenv(name, value)
    table = f"shoptalk-lambda-{uuid.uuid4().hex[:8]}"
    resource = dynamodb_resource("us-east-1", dynamodb_endpoint)
    create_table(resource, table)
    # What template.yaml sets on the function, with the test server as the endpoint.
    for name, value in {
        "SHOPTALK_STORE": "dynamodb",
        "SHOPTALK_DYNAMODB_TABLE": table,
        "SHOPTALK_DYNAMODB_ENDPOINT": dynamodb_endpoint,
        "SHOPTALK_SKILL_ID": SKILL_ID,
        "SHOPTALK_GENERATOR": "none",
        "SHOPTALK_SEED_DEMO": "1",
        "SHOPTALK_WARM_UP": "0",
        "SHOPTALK_DATA_DIR": str(tmp_path / "data"),
    }.items():
        monkeypatch.setenv(name, value)
    lambda_function._runtime.cache_clear()
    try:
        launch = lambda_function.lambda_handler(envelope(), None)
        help_turn = lambda_function.lambda_handler(envelope("IntentRequest", intent="AMAZON.HelpIntent"), None)
    finally:
        lambda_function._runtime.cache_clear()
    assert "Shop Talk" in launch["response"]["outputSpeech"]["ssml"]
    assert launch["response"]["shouldEndSession"] is False
    assert help_turn["response"]["shouldEndSession"] is False
    assert DynamoDBStore(table, resource).has_products(), "the first cold start seeded the demo catalog"
