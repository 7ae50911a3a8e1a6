"""Store backends behind one protocol, and `open_store`, the one way to get a store."""

from __future__ import annotations

import sys

from typing import TYPE_CHECKING

from knowledge.store.base import ImportCounts, ProductStats, Store, StoreCounts, StoreError

if TYPE_CHECKING:
    from knowledge.config import KnowledgeConfig

SQLITE_FILE_NAME = "shoptalk.sqlite"

__all__ = [
    "SQLITE_FILE_NAME",
    "ImportCounts",
    "ProductStats",
    "Store",
    "StoreCounts",
    "StoreError",
    "open_store",
]


def open_store(config: KnowledgeConfig) -> Store:
    """The store `config.store` names, seeded with the demo catalog when it has no products.

    "sqlite": the file `data_dir/shoptalk.sqlite` (the directory is created);
    "dynamodb": the table `dynamodb_table` in `aws_region`, at `dynamodb_endpoint` if given
    (a local DynamoDB-compatible server). boto3 is imported only for DynamoDB.
    """
    store: Store
    if config.store == "sqlite":
        from knowledge.store.sqlite import SQLiteStore

        try:
            config.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {config.data_dir}: {exc}") from exc
        store = SQLiteStore(config.data_dir / SQLITE_FILE_NAME)
    elif config.store == "dynamodb":
        from knowledge.store.dynamodb import DynamoDBStore, dynamodb_resource

        resource = dynamodb_resource(config.aws_region, config.dynamodb_endpoint)
        store = DynamoDBStore(config.dynamodb_table, resource)
    else:
        raise StoreError(f"unknown store backend {config.store!r} (expected 'sqlite' or 'dynamodb')")
    if config.seed_demo_catalog and not store.has_products():
        _seed_demo(store)
    return store


def _seed_demo(store: Store) -> None:
    try:
        from knowledge.demo import seed_demo_catalog
    except ImportError as exc:
        if exc.name != "knowledge.demo":
            raise  # the demo module exists but something it imports is broken: say so
        return  # no demo seeding code in this checkout: start with an empty store
    print("ShopTalk: the store is empty, so it is seeded with the bundled demo catalog "
          "(import your own with `python -m knowledge import FILE`).", file=sys.stderr)
    seed_demo_catalog(store)
