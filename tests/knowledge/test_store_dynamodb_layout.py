"""DynamoDB key layout 2: sharded list keys, counters read in one call, key-only GSI2/GSI3, the
catalog snapshot read by version, and the migration of a layout-1 table (moto server)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from dialogue.linking import ProductLinker
from knowledge.model import Family, FamilyOrigin, Product, Review, ReviewStatus
from knowledge.store.dynamodb import DynamoDBStore, create_table, table_definition
from knowledge.store.dynamodb.layout import LAYOUT_META_KEY
from knowledge.store.dynamodb.migrate import main as migrate_main
from tests.conftest import DUMMY_AWS

pytestmark = pytest.mark.slow

FIRE = Family("fam-fire", "Fire HD 8", ("fire hd eight",), FamilyOrigin.TITLE)


class CountingClient:
    """Passes every call to the real client and counts the operations."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if not callable(attribute) or name.startswith("_") or name in ("meta", "exceptions", "get_paginator"):
            return attribute

        def counted(**params: Any) -> Any:
            self.calls[name] += 1
            return attribute(**params)

        return counted


@pytest.fixture
def table(dynamodb_resource: Any) -> Iterator[str]:
    name = f"shoptalk-layout-{uuid.uuid4().hex[:10]}"
    create_table(dynamodb_resource, name)
    yield name
    dynamodb_resource.meta.client.delete_table(TableName=name)


def catalog(n_products: int = 40) -> tuple[list[Product], list[Review]]:
    products = [Product(f"p{n:02d}", f"Fire HD 8 variant {n:02d}", brand="Amazon", category="tablets",
                        family_id=FIRE.id) for n in range(n_products)]
    reviews = [Review(f"r{n:03d}", f"p{n % n_products:02d}", 1 + n % 5, "The screen is bright, the battery weak.",
                      date="2024-01-01", status=ReviewStatus.PENDING if n % 7 == 0 else ReviewStatus.PUBLISHED)
               for n in range(3 * n_products)]
    return products, reviews


def all_items(resource: Any, table: str) -> list[dict[str, Any]]:
    """Every item (a test may scan; the store never does)."""
    items, params = [], {"TableName": table}
    while True:
        page = resource.meta.client.scan(**params)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_list_keys_are_spread_over_shards(table: str, dynamodb_resource: Any) -> None:
    store = DynamoDBStore(table, dynamodb_resource)
    products, reviews = catalog()
    store.import_batch(products, reviews, families=[FIRE])
    items = all_items(dynamodb_resource, table)
    product_keys = {i["GSI1PK"] for i in items if i["SK"] == "PRODUCT"}
    review_keys = {i["GSI2PK"] for i in items if i["SK"] == "REVIEW" and i["status"] == "published"}
    assert "PRODUCTS" not in product_keys and "REVIEWS#published" not in review_keys
    assert len(product_keys) >= 10 and all(k.startswith("PRODUCTS#") for k in product_keys)
    assert len(review_keys) >= 10 and all(k.startswith("REVIEWS#published#") for k in review_keys)
    assert [p.id for p in store.list_products()] == [p.id for p in products]  # every shard read, by name
    assert [r.id for r in store.iter_reviews()] == sorted(r.id for r in reviews if r.status is ReviewStatus.PUBLISHED)
    assert store.counts().reviews_pending == sum(1 for r in reviews if r.status is ReviewStatus.PENDING)
    store.close()


def test_figures_are_one_read_whatever_the_number_of_reviews(table: str, dynamodb_resource: Any) -> None:
    store = DynamoDBStore(table, dynamodb_resource)
    products, reviews = catalog()
    store.import_batch(products, reviews, families=[FIRE])
    store.list_products()  # the layout is known from here on
    counting = CountingClient(store._client)
    store._client = counting
    published = [r for r in reviews if r.status is ReviewStatus.PUBLISHED]
    family = store.family_stats(FIRE.id)
    assert family.review_count == len(published)
    assert family.average_rating == pytest.approx(sum(r.rating for r in published) / len(published))
    assert {f.aspect: f.mentions for f in store.family_aspects(FIRE.id)} == {"screen": len(published), "battery": len(published)}
    assert store.product_stats("p01").review_count == sum(1 for r in published if r.product_id == "p01")
    assert counting.calls == Counter({"get_item": 3}), "one GetItem per figure, no query over reviews"
    store._client = counting._real
    counters = dynamodb_resource.meta.client.get_item(TableName=table, Key={"PK": "FAMILY#fam-fire", "SK": "STATS"})
    stars = {s: int(counters["Item"].get(f"star_{s}", 0)) for s in range(1, 6)}
    assert stars == dict(Counter(r.rating for r in published)), "per-star counters"
    store.close()


def test_the_linker_rereads_the_catalog_only_when_its_version_moved(table: str, dynamodb_resource: Any) -> None:
    store = DynamoDBStore(table, dynamodb_resource)
    products, reviews = catalog(12)
    store.import_batch(products, reviews, families=[FIRE])
    linker = ProductLinker(store, refresh_s=0.0)
    assert len(linker.products()) == 12
    counting = CountingClient(store._client)
    store._client = counting
    for _ in range(5):
        assert len(linker.products()) == 12
    assert counting.calls == Counter({"get_item": 5}), "an unchanged catalog costs one version read"
    store.put_products([Product("p99", "Echo Pop", brand="Amazon", category="speakers")])
    counting.calls.clear()
    assert "p99" in {p.id for p in linker.products()}
    assert counting.calls["query"] > 0, "a moved version re-reads the lists"
    store._client = counting._real
    store.close()


def test_gsi2_and_gsi3_project_only_what_their_readers_read(table: str, dynamodb_resource: Any) -> None:
    client = dynamodb_resource.meta.client
    indexes = {i["IndexName"]: i["Projection"]["ProjectionType"]
               for i in client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"]}
    assert indexes == {"GSI1": "ALL", "GSI2": "INCLUDE", "GSI3": "KEYS_ONLY"}
    store = DynamoDBStore(table, dynamodb_resource)
    store.import_batch([Product("p1", "Echo Dot", family_id=FIRE.id)],
                       [Review("r1", "p1", 5, "Loud and clear.", user_id="u1", date="2024-01-01")], families=[FIRE])
    page = client.query(TableName=table, IndexName="GSI2", KeyConditionExpression="GSI2PK = :pk",
                        ExpressionAttributeValues={":pk": "FAMILY#fam-fire"})
    assert "name" not in page["Items"][0], "a listing in GSI2 is keys (and ids) only"
    reviews = [i for n in range(16) for i in client.query(
        TableName=table, IndexName="GSI2", KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues={":pk": f"REVIEWS#published#{n:02d}"})["Items"]]
    assert len(reviews) == 1 and "aspects" not in reviews[0] and reviews[0]["text"] == "Loud and clear."
    by_author = client.query(TableName=table, IndexName="GSI3", KeyConditionExpression="GSI3PK = :pk",
                             ExpressionAttributeValues={":pk": "AUTHOR#u1"})["Items"]
    assert set(by_author[0]) == {"PK", "SK", "GSI3PK", "GSI3SK"}, "GSI3 holds only keys"
    assert [p.name for p in store.listings_of(FIRE.id)] == ["Echo Dot"]
    assert [r.text for r in store.iter_reviews()] == ["Loud and clear."]
    assert [r.text for r in store.reviews_by_user("u1")] == ["Loud and clear."]
    store.close()


def test_a_new_table_without_a_layout_item_is_stamped_on_first_use(table: str, dynamodb_resource: Any) -> None:
    client = dynamodb_resource.meta.client
    client.delete_item(TableName=table, Key={"PK": f"META#{LAYOUT_META_KEY}", "SK": "META"})  # as CloudFormation makes it
    store = DynamoDBStore(table, dynamodb_resource)
    assert not store.has_products()
    assert store.get_meta(LAYOUT_META_KEY) == "2"
    store.close()


def make_layout_1(resource: Any, table: str) -> None:
    """Turn a layout-2 table into what layout 1 wrote: unsharded list keys, no counters, no stamp."""
    client = resource.meta.client
    for item in all_items(resource, table):
        pk, sk = item["PK"], item["SK"]
        if sk == "STATS" or pk == f"META#{LAYOUT_META_KEY}":
            client.delete_item(TableName=table, Key={"PK": pk, "SK": sk})
            continue
        for index in ("GSI1PK", "GSI2PK"):
            value = item.get(index, "")
            kind = value.split("#")[0]
            if kind in ("PRODUCTS", "FAMILIES") or kind in ("REVIEWS", "QUESTIONS", "ANSWERS"):
                legacy = value.rsplit("#", 1)[0]
                client.update_item(TableName=table, Key={"PK": pk, "SK": sk}, UpdateExpression="SET #k = :v",
                                   ExpressionAttributeNames={"#k": index}, ExpressionAttributeValues={":v": legacy})


def test_a_layout_1_table_keeps_working_and_is_migrated(
    dynamodb_resource: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in DUMMY_AWS.items():  # the command builds its own client from the environment
        monkeypatch.setenv(name, value)
    table = f"shoptalk-legacy-{uuid.uuid4().hex[:10]}"
    definition = table_definition(table)
    for index in definition["GlobalSecondaryIndexes"]:
        index["Projection"] = {"ProjectionType": "ALL"}  # as tables were created before layout 2
    dynamodb_resource.meta.client.create_table(**definition)
    try:
        writer = DynamoDBStore(table, dynamodb_resource)
        products, reviews = catalog(8)
        writer.import_batch(products, reviews, families=[FIRE])
        expected = (writer.list_products(), list(writer.iter_reviews(None)), writer.family_stats(FIRE.id),
                    writer.family_aspects(FIRE.id), writer.product_stats("p03"), writer.counts())
        writer.close()
        make_layout_1(dynamodb_resource, table)

        old = DynamoDBStore(table, dynamodb_resource)  # a container on the layout-1 table
        assert (old.list_products(), list(old.iter_reviews(None)), old.family_stats(FIRE.id),
                old.family_aspects(FIRE.id), old.product_stats("p03"), old.counts()) == expected
        old.put_reviews([Review("new", "p03", 5, "Great screen.", date="2024-02-01")])  # writes layout 2
        assert old.product_stats("p03").review_count == expected[4].review_count + 1
        assert old.get_meta(LAYOUT_META_KEY) is None, "a table with layout-1 items is not stamped by reading it"

        endpoint = dynamodb_resource.meta.client.meta.endpoint_url
        assert migrate_main(["migrate", "--table", table, "--region", "us-east-1", "--endpoint", endpoint]) == 0
        printed = capsys.readouterr().out
        assert "PRODUCTS: 8 item(s) re-keyed" in printed and "table stamped layout 2" in printed

        migrated = DynamoDBStore(table, dynamodb_resource)
        assert not migrated._legacy()
        leftovers = [i for i in all_items(dynamodb_resource, table)
                     if i.get("GSI1PK") in ("PRODUCTS", "FAMILIES") or i.get("GSI2PK", "").count("#") == 1
                     and i.get("GSI2PK", "").split("#")[0] in ("REVIEWS", "QUESTIONS", "ANSWERS")]
        assert leftovers == []
        assert migrated.list_products() == expected[0]
        assert migrated.family_stats(FIRE.id).review_count == expected[2].review_count + 1
        assert migrated.product_stats("p03").review_count == expected[4].review_count + 1
        assert len(list(migrated.iter_reviews(None))) == len(expected[1]) + 1
        assert migrate_main(["migrate", "--table", table, "--region", "us-east-1", "--endpoint", endpoint]) == 0
        assert "already on layout 2" in capsys.readouterr().out
        migrated.close()
        old.close()
    finally:
        dynamodb_resource.meta.client.delete_table(TableName=table)
