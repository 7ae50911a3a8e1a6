"""DynamoDB-only behaviour, against the real moto server the session starts over HTTP:
table shape, Decimal numbers, bulk import, compensation of a failed import, open_store."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from knowledge.config import KnowledgeConfig
from knowledge.ids import stable_id
from knowledge.model import Answer, Product, Question, Review
from knowledge.store import open_store
from knowledge.store.base import ImportCounts, StoreCounts, StoreError
from knowledge.store.dynamodb import DynamoDBStore, create_table, table_definition
from tests.conftest import DUMMY_AWS

pytestmark = pytest.mark.slow  # starts a server process


class FailingClient:
    """Passes every call to the real client but fails the N-th BatchWriteItem once,
    like a network drop in the middle of an import."""

    def __init__(self, real: Any, fail_on_batch_write: int) -> None:
        self._real = real
        self._countdown = fail_on_batch_write

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if name != "batch_write_item":
            return attribute

        def batch_write_item(**params: Any) -> Any:
            self._countdown -= 1
            if self._countdown == 0:
                from botocore.exceptions import EndpointConnectionError

                raise EndpointConnectionError(endpoint_url="http://dynamodb")
            return attribute(**params)

        return batch_write_item


def reviews(n: int, product_id: str = "p1") -> list[Review]:
    return [
        Review(stable_id("r", product_id, str(i)), product_id, 1 + i % 5, f"review {i}", date=f"2024-02-{1 + i % 28:02d}")
        for i in range(n)
    ]


def test_table_definition_has_the_documented_keys_and_indexes() -> None:
    definition = table_definition("shoptalk")
    assert [k["AttributeName"] for k in definition["KeySchema"]] == ["PK", "SK"]
    assert [g["IndexName"] for g in definition["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2", "GSI3"]
    assert definition["BillingMode"] == "PAY_PER_REQUEST"
    assert all(a["AttributeType"] == "S" for a in definition["AttributeDefinitions"])


def test_created_table_is_described_by_the_server(dynamodb_store: DynamoDBStore, dynamodb_resource: Any) -> None:
    table = dynamodb_resource.meta.client.describe_table(TableName=dynamodb_store.table_name)["Table"]
    assert {g["IndexName"] for g in table["GlobalSecondaryIndexes"]} == {"GSI1", "GSI2", "GSI3"}
    ttl = dynamodb_resource.meta.client.describe_time_to_live(TableName=dynamodb_store.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"


def test_numbers_are_stored_as_dynamodb_numbers(dynamodb_store: DynamoDBStore, dynamodb_resource: Any) -> None:
    dynamodb_store.put_products([Product("p1", "Echo Dot")])
    dynamodb_store.put_reviews([Review("r1", "p1", 4, "fine")])
    raw = dynamodb_resource.meta.client.get_item(
        TableName=dynamodb_store.table_name, Key={"PK": "REVIEW#r1", "SK": "REVIEW"}
    )["Item"]
    assert raw["rating"] == Decimal(4)
    assert dynamodb_store.get_review("r1").rating == 4  # type: ignore[union-attr]
    assert type(dynamodb_store.get_review("r1").rating) is int  # type: ignore[union-attr]


def test_bulk_import_uses_batches_and_stays_idempotent(dynamodb_store: DynamoDBStore) -> None:
    batch = reviews(300)
    questions = [Question("q1", "p1", "does it?", answers=tuple(Answer(f"a{i}", "q1", f"yes {i}") for i in range(40)))]
    counts = dynamodb_store.import_batch([Product("p1", "Echo Dot")], batch, questions)
    assert counts == ImportCounts(products_added=1, reviews_added=300, questions_added=1, answers_added=40)
    assert set(counts.new_review_ids) == {r.id for r in batch} and counts.changed_question_ids == ("q1",)
    assert dynamodb_store.import_batch([Product("p1", "Echo Dot")], batch, questions) == ImportCounts()
    assert dynamodb_store.counts() == StoreCounts(products=1, reviews_published=300, questions=1, answers=40)
    assert sum(1 for _ in dynamodb_store.iter_reviews()) == 300
    assert dynamodb_store.product_stats("p1").review_count == 300


def test_a_write_failing_mid_import_is_compensated(dynamodb_store: DynamoDBStore, dynamodb_resource: Any) -> None:
    dynamodb_store.put_products([Product("p0", "Kept product", brand="old brand")])
    before = dynamodb_store.counts()
    real = dynamodb_store._client
    dynamodb_store._client = FailingClient(real, fail_on_batch_write=4)  # after products + 2 review batches
    try:
        with pytest.raises(StoreError, match="rolled back"):
            dynamodb_store.import_batch(
                [Product("p0", "Kept product renamed", brand="new brand"), Product("p1", "Echo Dot")],
                reviews(200, "p1"),
            )
    finally:
        dynamodb_store._client = real
    # the failed store sheds load for a few seconds after a lost connection: read as another container
    reader = DynamoDBStore(dynamodb_store.table_name, dynamodb_resource)
    assert reader.counts() == before
    assert reader.get_product("p1") is None
    assert reader.product_stats("p1").review_count == 0, "the counted reviews were taken back"
    restored = reader.get_product("p0")
    assert restored is not None and restored.name == "Kept product" and restored.brand == "old brand"
    reader.close()


def test_records_over_the_item_limit_are_refused_before_writing(dynamodb_store: DynamoDBStore) -> None:
    huge = Review("r1", "p1", 5, "é" * 99_000, title="😀" * 99_000)
    with pytest.raises(StoreError, match="r1.*400 KB"):
        dynamodb_store.import_batch([Product("p1", "Echo Dot")], [huge])
    assert not dynamodb_store.has_products()


def test_closed_store_refuses_calls(dynamodb_store: DynamoDBStore) -> None:
    dynamodb_store.close()
    with pytest.raises(StoreError, match="closed"):
        dynamodb_store.get_product("p1")


def test_a_missing_table_is_a_store_error(dynamodb_resource: Any) -> None:
    store = DynamoDBStore("shoptalk-no-such-table", dynamodb_resource)
    with pytest.raises(StoreError, match="shoptalk-no-such-table"):
        store.get_product("p1")


def test_open_store_builds_the_dynamodb_backend_from_config(
    dynamodb_endpoint: str, dynamodb_resource: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in DUMMY_AWS.items():
        monkeypatch.setenv(name, value)
    create_table(dynamodb_resource, "shoptalk-open-store")
    config = KnowledgeConfig(
        store="dynamodb",
        dynamodb_table="shoptalk-open-store",
        dynamodb_endpoint=dynamodb_endpoint,
        aws_region="us-east-1",
        seed_demo_catalog=False,
    )
    store = open_store(config)
    try:
        assert isinstance(store, DynamoDBStore)
        store.put_products([Product("p1", "Echo Dot")])
        assert [p.id for p in store.list_products()] == ["p1"]
    finally:
        store.close()
        dynamodb_resource.meta.client.delete_table(TableName="shoptalk-open-store")


def test_importing_the_module_does_not_import_boto3() -> None:
    code = "import sys, knowledge.store.dynamodb, knowledge.store; print('boto3' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_sam_template_declares_the_same_table_shape() -> None:
    import yaml

    template_path = Path(__file__).resolve().parents[2] / "template.yaml"
    if not template_path.is_file():
        pytest.skip("template.yaml is not in this checkout")

    class CloudFormationLoader(yaml.SafeLoader):
        """Reads CloudFormation short tags (!Ref, !Sub, ...) as plain values."""

    CloudFormationLoader.add_constructor("!If", lambda loader, node: {"Fn::If": loader.construct_sequence(node, deep=True)})
    CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load(template_path.read_text(), Loader=CloudFormationLoader)
    resources = template["Resources"]
    tables = [r["Properties"] for r in resources.values() if r.get("Type") == "AWS::DynamoDB::Table"]
    assert len(tables) == 1, "the single-table design has exactly one table"
    expected = table_definition("shoptalk")
    table = tables[0]
    # GSI2/GSI3 projections follow LeanIndexes: true by default (as schema.py), false for old stacks
    assert template["Parameters"]["LeanIndexes"]["Default"] == "true"
    for index in table["GlobalSecondaryIndexes"]:
        chosen = index["Projection"]
        if isinstance(chosen, dict) and "Fn::If" in chosen:
            condition, if_true, if_false = chosen["Fn::If"]
            assert condition == "LeanIndexes" and if_false == {"ProjectionType": "ALL"}
            index["Projection"] = if_true
    for name in ("BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes"):
        assert table[name] == expected[name], f"template.yaml {name} differs from knowledge/store/dynamodb/schema.py"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
