"""Lambda as deployed: SHOPTALK_STORE=dynamodb against a DynamoDB-compatible server (moto's
server mode over HTTP, in its own process), the table created with the store's definition
that template.yaml mirrors."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from skill import lambda_function
from tests.conftest import DUMMY_AWS

from .conftest import SKILL_ID, envelope

pytestmark = pytest.mark.slow

LAMBDA_AWS_ENV = {**DUMMY_AWS, "AWS_REGION": "us-east-1"}  # the Lambda runtime sets AWS_REGION


def test_lambda_answers_from_a_dynamodb_table(
    dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from knowledge.store.dynamodb import DynamoDBStore, create_table, dynamodb_resource

    for name, value in LAMBDA_AWS_ENV.items():
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
