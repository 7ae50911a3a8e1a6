"""Move a layout-1 table to layout 2 (see `layout`): sharded list keys, then counters.

`python -m knowledge.store.dynamodb migrate --table NAME [--region R] [--endpoint URL]`
(region and endpoint default to AWS_REGION and none). Run it after every container runs code
that knows layout 2 (those read both layouts meanwhile); it can be stopped and run again:
each item is re-keyed conditionally on its layout-1 key, and the counters are rebuilt from
the reviews before the table is stamped layout 2. Exit codes: 0 migrated (or already), 1 a
store error.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

from knowledge.model import ReviewStatus
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.client import client_errors, error_code, key
from knowledge.store.dynamodb.layout import LAYOUT, LAYOUT_META_KEY, STATUS_KINDS, legacy_keys, list_key, status_key
from knowledge.store.dynamodb.store import DynamoDBStore


@dataclass
class MigrationReport:
    """What `migrate_table` did."""

    rekeyed: dict[str, int] = field(default_factory=dict)  # layout-1 key -> items moved off it
    listings_counted: int = 0
    already: bool = False

    def lines(self) -> list[str]:
        if self.already:
            return [f"the table is already on layout {LAYOUT}"]
        out = [f"{pk}: {n} item(s) re-keyed" for pk, n in self.rekeyed.items() if n]
        out.append(f"counters rebuilt for {self.listings_counted} listing(s) and their families")
        out.append(f"table stamped layout {LAYOUT}")
        return out


def migrate_table(store: DynamoDBStore) -> MigrationReport:
    """Re-key every layout-1 list item, rebuild the counters, stamp the layout."""
    report = MigrationReport()
    if not store._legacy():
        report.already = True
        return report
    for index, legacy in legacy_keys():
        moved = 0
        for item in list(store._query(index, legacy)):
            record_id = item["PK"].split("#", 1)[1]
            if rekey(store, item["PK"], item["SK"], index, legacy, new_key(legacy, record_id)):
                moved += 1
        report.rekeyed[legacy] = moved
    report.listings_counted = store.recount()
    store.set_meta(LAYOUT_META_KEY, str(LAYOUT))
    return report


def new_key(legacy: str, record_id: str) -> str:
    """The layout-2 key of a record listed under a layout-1 key."""
    kind, _, status = legacy.partition("#")
    if not status:
        return list_key(kind, record_id)
    if kind not in STATUS_KINDS:
        raise StoreError(f"no layout-2 key for layout-1 key {legacy!r}")
    return status_key(kind, ReviewStatus(status), record_id)


def rekey(store: DynamoDBStore, pk: str, sk: str, index: str, legacy: str, new: str) -> bool:
    """Move one item's index key off `legacy`; False when it moved or vanished meanwhile."""
    try:
        store._call(
            "update_item", TableName=store.table_name, Key=key(pk, sk),
            UpdateExpression="SET #k = :new", ConditionExpression="#k = :old",
            ExpressionAttributeNames={"#k": f"{index}PK"}, ExpressionAttributeValues={":new": new, ":old": legacy},
        )
    except client_errors() as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.store.dynamodb")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("migrate", help=f"move a table to key layout {LAYOUT} (sharded lists, counters)")
    command.add_argument("--table", required=True)
    command.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    command.add_argument("--endpoint", help="a DynamoDB-compatible server (default: AWS)")
    args = parser.parse_args(argv)
    if not args.region:
        parser.error("--region is required when AWS_REGION is not set")
    from knowledge.store.dynamodb.client import dynamodb_resource

    store = DynamoDBStore(args.table, dynamodb_resource(args.region, args.endpoint))
    try:
        for line in migrate_table(store).lines():
            print(line)
    except StoreError as exc:
        print(f"error: table {args.table}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
