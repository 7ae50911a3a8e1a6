"""The low-level table access every part of the DynamoDB store shares: one guarded call, get,
query, count, conditional put, delete and batched reads and writes.

Every call goes through a `CallGuard` (see `guard`): botocore's standard retries with short
timeouts, a bound on each operation and a slow-time budget, so a sick table costs a turn a
polite "I can't reach that right now" instead of Alexa's 8 s. The only loop of our own
re-sends what a batch call left unprocessed (botocore does not), a few times with short pauses.

Reads by key are strongly consistent; listings read GSIs, which DynamoDB updates within about a
second of a write. boto3 is never imported at module import time; callers pass a DynamoDB
service resource (see `dynamodb_resource`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from knowledge.store.base import StoreError
from knowledge.store.dynamodb.guard import (
    CallGuard,
    DynamoDBTimeouts,
    StoreUnavailable,
    is_unavailable,
    response_bytes,
)

Item = dict[str, Any]
Key = tuple[str, str]

MAX_ITEM_BYTES = 400 * 1024
PARALLEL_QUERIES = 8  # shard queries in flight at once (see `_query_each`)
BATCH_ATTEMPTS = 5  # re-sends of unprocessed batch items: pauses of 0.05 to 0.4 s, 0.75 s in all


def dynamodb_resource(region: str, endpoint: str | None = None, timeouts: DynamoDBTimeouts | None = None) -> Any:
    """A boto3 DynamoDB resource for `region` (and a local server at `endpoint`, if given),
    with standard-mode retries and the short timeouts of `timeouts`."""
    import boto3

    config = (timeouts or DynamoDBTimeouts()).botocore_config()
    return boto3.session.Session(region_name=region).resource("dynamodb", endpoint_url=endpoint, config=config)


def client_errors() -> tuple[type[Exception], ...]:
    """The exceptions a botocore call raises (imported late so boto3 stays out of imports)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClientError, BotoCoreError)


def error_code(exc: Exception) -> str:
    """DynamoDB's error code of a ClientError ("" for anything else)."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def cancellation_reasons(exc: Exception) -> list[str]:
    """The per-action codes of a cancelled transaction ("None" where an action was fine)."""
    response = getattr(exc, "response", None) or {}
    return [str(r.get("Code", "None")) for r in response.get("CancellationReasons", [])]


def items_written(operation: str, params: dict[str, Any]) -> int:
    """How many items a batch write or a transaction writes (0 for any other call)."""
    if operation == "transact_write_items":
        return len(params["TransactItems"])
    if operation == "batch_write_item":
        return sum(len(requests) for requests in params["RequestItems"].values())
    return 0


def now_iso() -> str:
    """The current UTC time to the second, as the store's timestamps are written."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def key(pk: str, sk: str) -> dict[str, str]:
    """The primary key attributes of one item."""
    return {"PK": pk, "SK": sk}


def item_key(item: Item) -> Key:
    """The (PK, SK) pair of a stored item."""
    return item["PK"], item["SK"]


def item_bytes(item: Item) -> int:
    """A safe over-estimate of DynamoDB's size of an item (names plus UTF-8 values)."""
    return sum(len(name) + len(json.dumps(value, default=str).encode("utf-8")) for name, value in item.items())


class TableAccess:
    """One DynamoDB table through a boto3 client: the plumbing the store's parts build on."""

    def __init__(self, table_name: str, resource: Any, timeouts: DynamoDBTimeouts | None = None) -> None:
        self.table_name = table_name
        self._client = resource.meta.client
        self._guard = CallGuard(timeouts or DynamoDBTimeouts())
        self._closed = False

    def close(self) -> None:
        self._closed = True
        self._guard.close()

    def _call(self, operation: str, _record: bool = True, **params: Any) -> Any:
        """One DynamoDB operation under the guard. Conditional-check failures and cancelled
        transactions pass through for the caller to read; overload and timeouts become
        StoreUnavailable, anything else StoreError."""
        if self._closed:
            raise StoreError(f"the DynamoDB store on table {self.table_name} is closed")
        method = getattr(self._client, operation)
        what = f"DynamoDB {operation} on table {self.table_name}"
        try:
            written = items_written(operation, params)
            return self._guard.run(what, lambda: method(**params), record=_record, items_written=written)
        except client_errors() as exc:
            if error_code(exc) in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                raise
            if is_unavailable(exc):
                self._guard.trip()  # still refused after botocore's retries: shed load for a moment
                raise StoreUnavailable(f"{what} failed: {exc}") from exc
            raise StoreError(f"{what} failed: {exc}") from exc

    def _get(self, pk: str, sk: str) -> Item | None:
        return self._call("get_item", TableName=self.table_name, Key=key(pk, sk), ConsistentRead=True).get("Item")

    def _query(self, index: str | None, pk: str, sk_prefix: str | None = None, forward: bool = True) -> Iterator[Item]:
        return self._pages(self._query_params(index, pk, sk_prefix, forward))

    def _query_each(self, index: str, pks: Sequence[str]) -> list[Iterator[Item]]:
        """One stream of items per partition key (the shards of a list), their first pages read
        at the same time, so 16 shards cost about one round trip, not 16."""
        params = [self._query_params(index, pk, None, True) for pk in pks]
        started = time.monotonic()
        firsts: list[Any] = []
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(PARALLEL_QUERIES, len(pks)))) as pool:
                firsts = list(pool.map(lambda p: self._call("query", _record=False, **p), params))
        finally:
            # the side-by-side waits count once, with the bytes of the largest page
            self._guard.record_since(started, max(map(response_bytes, firsts), default=0))
        return [self._pages(p, first) for p, first in zip(params, firsts)]

    def _query_params(self, index: str | None, pk: str, sk_prefix: str | None, forward: bool) -> dict[str, Any]:
        pk_name, sk_name = (f"{index}PK", f"{index}SK") if index else ("PK", "SK")
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "#pk = :pk" + (" AND begins_with(#sk, :sk)" if sk_prefix else ""),
            "ExpressionAttributeNames": {"#pk": pk_name, **({"#sk": sk_name} if sk_prefix else {})},
            "ExpressionAttributeValues": {":pk": pk, **({":sk": sk_prefix} if sk_prefix else {})},
            "ScanIndexForward": forward,
        }
        if index:
            params["IndexName"] = index
        else:
            params["ConsistentRead"] = True
        return params

    def _pages(self, params: dict[str, Any], first: dict[str, Any] | None = None) -> Iterator[Item]:
        page = first if first is not None else self._call("query", **params)
        while True:
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            page = self._call("query", **params)

    def _count(self, index: str, pk: str) -> int:
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": f"{index}PK"},
            "ExpressionAttributeValues": {":pk": pk},
            "Select": "COUNT",
        }
        total = 0
        while True:
            page = self._call("query", **params)
            total += int(page.get("Count", 0))
            if "LastEvaluatedKey" not in page:
                return total
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _put_if_new(self, item: Item) -> bool:
        try:
            self._call(
                "put_item",
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(PK)",
            )
        except client_errors() as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _put(self, item: Item) -> None:
        self._call("put_item", TableName=self.table_name, Item=item)

    def _delete(self, pk: str, sk: str) -> bool:
        old = self._call("delete_item", TableName=self.table_name, Key=key(pk, sk), ReturnValues="ALL_OLD")
        return "Attributes" in old

    def _batch_get(self, keys: Iterable[Key]) -> dict[Key, Item]:
        unique = list(dict.fromkeys(keys))
        found: dict[Key, Item] = {}
        for start in range(0, len(unique), 100):
            request: dict[str, Any] = {
                self.table_name: {"Keys": [key(*k) for k in unique[start : start + 100]], "ConsistentRead": True}
            }
            for attempt in range(BATCH_ATTEMPTS):
                response = self._call("batch_get_item", RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    found[item_key(item)] = item
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                if attempt + 1 < BATCH_ATTEMPTS:
                    time.sleep(0.05 * 2**attempt)
            else:
                raise StoreUnavailable(f"DynamoDB kept throttling reads on table {self.table_name}")
        return found

    def _batch_write(self, requests: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table_name: list(requests[start : start + 25])}
            for attempt in range(BATCH_ATTEMPTS):
                response = self._call("batch_write_item", RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
                if attempt + 1 < BATCH_ATTEMPTS:
                    time.sleep(0.05 * 2**attempt)
            else:
                raise StoreUnavailable(f"DynamoDB kept throttling writes on table {self.table_name}")

    def _batch_put(self, items: Sequence[Item]) -> None:
        self._batch_write([{"PutRequest": {"Item": item}} for item in items])

    def _batch_delete(self, keys: Iterable[Key]) -> int:
        unique = list(dict.fromkeys(keys))
        self._batch_write([{"DeleteRequest": {"Key": key(*k)}} for k in unique])
        return len(unique)

    def _full_items(self, index_items: Iterable[Item]) -> Iterator[Item]:
        """The table items behind key-only index items, in the index's order (BatchGetItem,
        100 at a time; an item deleted meanwhile is skipped)."""
        batch: list[Item] = []
        for item in index_items:
            batch.append(item)
            if len(batch) == 100:
                yield from self._fetch(batch)
                batch = []
        if batch:
            yield from self._fetch(batch)

    def _fetch(self, batch: list[Item]) -> Iterator[Item]:
        found = self._batch_get(item_key(i) for i in batch)
        for item in batch:
            full = found.get(item_key(item))
            if full is not None:
                yield full

    def _check_sizes(self, items: Sequence[Item]) -> None:
        for item in items:
            if item_bytes(item) > MAX_ITEM_BYTES:
                raise StoreError(
                    f"{item['type']} {item['id']}: record is larger than DynamoDB's 400 KB item limit"
                )
