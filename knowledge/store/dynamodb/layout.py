"""Which key layout a table holds, the sharded list keys of layout 2, and key-only index reads.

Layout 1 (tables written before layout versions existed) put every product under GSI1
`PRODUCTS`, every family under GSI1 `FAMILIES` and every review, question and answer under one
GSI2 key per status (`REVIEWS#published`...): one partition took every write of an import and
every read of a listing. Layout 2 spreads each of those lists over `SHARDS` keys
(`PRODUCTS#07`, `REVIEWS#published#11`), the shard a stable hash of the record id, and keeps
per-listing and per-family review counters (see `stats`). The table's layout is the meta item
`META#dynamodb_layout`: a table without it that holds no layout-1 item (a new table, one made
by CloudFormation) is stamped layout 2 on first use; one that holds layout-1 items is read in
both layouts, with figures computed from the reviews, until `python -m
knowledge.store.dynamodb migrate` has moved its keys and built its counters.

GSI2's family and REPORTED lists and GSI3 are read as keys and the records fetched by
BatchGetItem (`TableAccess._full_items`), which works the same on tables whose indexes still
project ALL (see `schema` for each index's projection).
"""

from __future__ import annotations

import threading
import time
import zlib

from knowledge.model import ReviewStatus
from knowledge.store.dynamodb.client import Item, TableAccess, client_errors, error_code

SHARDS = 16  # fixed for layout 2: changing it would hide records under the other shards
LAYOUT = 2
LAYOUT_META_KEY = "dynamodb_layout"
LEGACY_RECHECK_S = 30.0  # a container on a layout-1 table notices a finished migration this fast
STATUS_KINDS = ("REVIEWS", "QUESTIONS", "ANSWERS")


def shard_of(record_id: str) -> str:
    """The shard of a record (two digits), the same in every process."""
    return f"{zlib.crc32(record_id.encode('utf-8')) % SHARDS:02d}"


def list_key(kind: str, record_id: str) -> str:
    """The sharded list key of a record: `PRODUCTS#07`, `FAMILIES#03`."""
    return f"{kind}#{shard_of(record_id)}"


def status_key(kind: str, status: ReviewStatus, record_id: str) -> str:
    """The sharded moderation-status key of a review, question or answer."""
    return f"{kind}#{status.value}#{shard_of(record_id)}"


def legacy_keys() -> list[tuple[str, str]]:
    """The (index, key) pairs of layout 1's unsharded lists."""
    pairs = [("GSI1", "PRODUCTS"), ("GSI1", "FAMILIES")]
    pairs += [("GSI2", f"{kind}#{s.value}") for kind in STATUS_KINDS for s in ReviewStatus]
    return pairs


class LayoutAccess(TableAccess):
    """Knows the table's layout (read once per process) and reads sharded lists."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._layout_lock = threading.Lock()
        self._layout_seen: int | None = None
        self._layout_checked_at = 0.0

    def _legacy(self) -> bool:
        """True while the table may still hold layout-1 keys (read both, compute figures)."""
        with self._layout_lock:
            if self._layout_seen == LAYOUT:
                return False
            if self._layout_seen is not None and time.monotonic() - self._layout_checked_at < LEGACY_RECHECK_S:
                return True
        layout = self._read_layout()
        with self._layout_lock:
            self._layout_seen, self._layout_checked_at = layout, time.monotonic()
        return layout != LAYOUT

    def _read_layout(self) -> int:
        item = self._get(f"META#{LAYOUT_META_KEY}", "META")
        if item is not None:
            return int(item["value"])
        if any(self._first(index, pk) for index, pk in legacy_keys()):
            return 1
        try:  # nothing of layout 1 here: a new table (created by CloudFormation, say)
            self._call(
                "put_item", TableName=self.table_name, Item=layout_item(LAYOUT),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except client_errors() as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            stamped = self._get(f"META#{LAYOUT_META_KEY}", "META")
            return int(stamped["value"]) if stamped else 1
        return LAYOUT

    def _first(self, index: str, pk: str) -> bool:
        page = self._call(
            "query", TableName=self.table_name, IndexName=index, Limit=1,
            KeyConditionExpression="#pk = :pk", ExpressionAttributeNames={"#pk": f"{index}PK"},
            ExpressionAttributeValues={":pk": pk},
        )
        return bool(page.get("Items"))

    def _list_keys(self, kind: str) -> list[str]:
        """Every partition key a sharded list lives under (layout 1's too, while legacy)."""
        keys = [f"{kind}#{n:02d}" for n in range(SHARDS)]
        return [*keys, kind] if self._legacy() else keys

    def _status_keys(self, kind: str, status: ReviewStatus) -> list[str]:
        keys = [f"{kind}#{status.value}#{n:02d}" for n in range(SHARDS)]
        return [*keys, f"{kind}#{status.value}"] if self._legacy() else keys


def layout_item(layout: int) -> Item:
    """The meta item that records a table's layout."""
    return {"PK": f"META#{LAYOUT_META_KEY}", "SK": "META", "type": "meta", "value": str(layout)}
