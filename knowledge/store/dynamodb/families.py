"""Product families in DynamoDB: items `FAMILY#<id>` / `FAMILY`, listed through GSI1
`FAMILIES#<shard>`; a listing's product item carries `family_id` and is found through GSI2
`FAMILY#<id>` (product items use no other GSI2 key; GSI2 projects keys, so the listings are
then fetched by BatchGetItem). A listing moves with its review counters (see `stats`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge.model import Family, FamilyOrigin, Product
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.catalog import CatalogPart, read_product
from knowledge.store.dynamodb.client import Item
from knowledge.store.dynamodb.layout import list_key
from knowledge.store.dynamodb.stats import STATS_SK
from knowledge.store.validation import check_family


class FamilyPart(CatalogPart):
    """Families, membership and per-family figures."""

    def put_families(self, families: Iterable[Family]) -> int:
        items = {}
        for family in families:
            check_family(family)
            items[family.id] = family_item(family)
        if not items:
            return 0
        old = self._batch_get((f"FAMILY#{fid}", "FAMILY") for fid in items)
        self._batch_put(list(items.values()))
        self._bump_catalog()
        return sum(1 for fid in items if (f"FAMILY#{fid}", "FAMILY") not in old)

    def get_family(self, family_id: str) -> Family | None:
        item = self._get(f"FAMILY#{family_id}", "FAMILY")
        return read_family(item) if item else None

    def list_families(self) -> list[Family]:
        families = [read_family(i) for shard in self._query_each("GSI1", self._list_keys("FAMILIES")) for i in shard]
        return sorted(families, key=lambda f: (f.name.casefold(), f.id))

    def delete_family(self, family_id: str) -> bool:
        listed = self._count("GSI2", f"FAMILY#{family_id}")
        if listed:
            raise StoreError(
                f"family {family_id}: still has {listed} listing(s); move them to another family first"
            )
        deleted = self._delete(f"FAMILY#{family_id}", "FAMILY")
        self._delete(f"FAMILY#{family_id}", STATS_SK)
        if deleted:
            self._bump_catalog()
        return deleted

    def set_family(self, product_ids: Sequence[str], family_id: str) -> int:
        if self._get(f"FAMILY#{family_id}", "FAMILY") is None:
            raise StoreError(f"field 'family_id' names unknown family {family_id!r}")
        found = self._batch_get((f"PRODUCT#{pid}", "PRODUCT") for pid in product_ids)
        missing = [pid for pid in product_ids if (f"PRODUCT#{pid}", "PRODUCT") not in found]
        if missing:
            raise StoreError(f"field 'product_id' names unknown product {missing[0]!r}")
        moved = 0
        for item in found.values():
            moved += self._move_listing(item["id"], str(item.get("family_id", "")), family_id, item["name"])
        if moved:
            self._bump_catalog()
        return moved

    def listings_of(self, family_id: str) -> list[Product]:
        items = self._full_items(self._query("GSI2", f"FAMILY#{family_id}"))
        listings = [read_product(i) for i in items if i.get("family_id") == family_id]
        return sorted(listings, key=lambda p: (p.name.casefold(), p.id))


def family_item(f: Family) -> Item:
    """The item of a family."""
    return {
        "PK": f"FAMILY#{f.id}",
        "SK": "FAMILY",
        "GSI1PK": list_key("FAMILIES", f.id),
        "GSI1SK": f"{f.name.casefold()}#{f.id}",
        "type": "family",
        "id": f.id,
        "name": f.name,
        "spoken_names": list(f.spoken_names),
        "origin": f.origin.value,
        "absorbed": list(f.absorbed),
    }


def read_family(i: Item) -> Family:
    """The family an item holds."""
    return Family(
        id=i["id"],
        name=i["name"],
        spoken_names=tuple(i.get("spoken_names", [])),
        origin=FamilyOrigin(i.get("origin", FamilyOrigin.TITLE.value)),
        absorbed=tuple(i.get("absorbed", [])),
    )
