"""Products: items `PRODUCT#<id>` / `PRODUCT`, listed through GSI1 `PRODUCTS#<shard>` (see
`layout`), the catalog version `META#catalog` (raised by every product and family change, so a
process caches its catalog until it changes) and the store-wide counts. Also the provenance
attributes every imported record carries."""

from __future__ import annotations

from knowledge.model import Product, Provenance, ReviewStatus
from knowledge.store.base import StoreCounts
from knowledge.store.dynamodb.client import Item, Key, item_key, key
from knowledge.store.dynamodb.layout import list_key
from knowledge.store.dynamodb.schema import STATUSES
from knowledge.store.dynamodb.stats import STATS_SK, StatsPart, add_action, read_tally
from knowledge.store.dynamodb.writes import Cancelled

CATALOG_VERSION_PK = "META#catalog"


class CatalogPart(StatsPart):
    """Reading, listing, removing and counting products; the catalog version."""

    def catalog_version(self) -> str:
        item = self._get(CATALOG_VERSION_PK, "META")
        return str(int(item["version"])) if item else "0"

    def _bump_catalog(self) -> None:
        self._call(
            "update_item", TableName=self.table_name, Key=key(CATALOG_VERSION_PK, "META"),
            UpdateExpression="SET #type = :meta ADD version :one",
            ExpressionAttributeNames={"#type": "type"}, ExpressionAttributeValues={":meta": "meta", ":one": 1},
        )

    def get_product(self, product_id: str) -> Product | None:
        item = self._get(f"PRODUCT#{product_id}", "PRODUCT")
        return read_product(item) if item else None

    def list_products(self) -> list[Product]:
        products = [read_product(i) for shard in self._query_each("GSI1", self._list_keys("PRODUCTS")) for i in shard]
        return sorted(products, key=lambda p: (p.name.casefold(), p.id))

    def remove_product(self, product_id: str) -> bool:
        if self._get(f"PRODUCT#{product_id}", "PRODUCT") is None:
            return False
        children = list(self._query("GSI1", f"PRODUCT#{product_id}"))
        keys: list[Key] = []
        for child in children:
            keys.append(item_key(child))
            if child["SK"] == "QUESTION":
                keys.extend(item_key(a) for a in self._query("GSI1", f"QUESTION#{child['id']}"))
        self._batch_delete(keys)  # children first: a crash midway leaves a product to retry on
        removed = self._remove_with_counters(product_id)
        self._bump_catalog()
        return removed

    def _remove_with_counters(self, product_id: str) -> bool:
        """Delete the product and its counters, and take them off its family's, at once."""
        for _ in range(4):
            item = self._get(f"PRODUCT#{product_id}", "PRODUCT")
            if item is None:
                return False
            counters = self._get(f"PRODUCT#{product_id}", STATS_SK)
            family = str(item.get("family_id", ""))
            actions = [{"Delete": {
                "TableName": self.table_name, "Key": key(f"PRODUCT#{product_id}", "PRODUCT"),
                **({"ConditionExpression": "family_id = :f", "ExpressionAttributeValues": {":f": family}} if family
                   else {"ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(family_id)"}),
            }}]
            if counters is None:  # a review counted meanwhile would create it: then read again
                actions.append({"ConditionCheck": {
                    "TableName": self.table_name, "Key": key(f"PRODUCT#{product_id}", STATS_SK),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }})
            else:
                actions.append({"Delete": {
                    "TableName": self.table_name, "Key": key(f"PRODUCT#{product_id}", STATS_SK),
                    "ConditionExpression": "ver = :v", "ExpressionAttributeValues": {":v": counters["ver"]},
                }})
                if family:
                    actions.append(add_action(self.table_name, f"FAMILY#{family}", read_tally(counters).negated()))
            try:
                self._transact(actions)
                return True
            except Cancelled:
                continue
        return self._delete(f"PRODUCT#{product_id}", "PRODUCT")

    def has_products(self) -> bool:
        return any(self._first("GSI1", pk) for pk in self._list_keys("PRODUCTS"))

    def counts(self) -> StoreCounts:
        """Counted over the sharded lists (for `stats` and health checks, not a voice turn)."""
        def total(kind: str, status: ReviewStatus) -> int:
            return sum(self._count("GSI2", pk) for pk in self._status_keys(kind, status))

        reviews = {s: total("REVIEWS", s) for s in STATUSES}
        return StoreCounts(
            products=sum(self._count("GSI1", pk) for pk in self._list_keys("PRODUCTS")),
            reviews_published=reviews[ReviewStatus.PUBLISHED],
            reviews_pending=reviews[ReviewStatus.PENDING],
            reviews_rejected=reviews[ReviewStatus.REJECTED],
            questions=sum(total("QUESTIONS", s) for s in STATUSES),
            answers=sum(total("ANSWERS", s) for s in STATUSES),
        )


def prov_attrs(provenance: Provenance) -> Item:
    """The provenance attributes of an imported record's item."""
    return {
        "source": provenance.source,
        "source_file": provenance.source_file,
        "source_line": provenance.source_line,
    }


def read_prov(item: Item) -> Provenance:
    """The provenance an item carries."""
    return Provenance(item["source"], item["source_file"], int(item["source_line"]))


def author_index(item: Item, user_id: str, sort_key: str) -> Item:
    """Add the GSI3 author keys to the item of content a ShopTalk user left by voice."""
    if user_id:
        item["GSI3PK"] = f"AUTHOR#{user_id}"
        item["GSI3SK"] = sort_key
    return item


def product_item(p: Product) -> Item:
    """The item of a product."""
    return {
        "PK": f"PRODUCT#{p.id}",
        "SK": "PRODUCT",
        "GSI1PK": list_key("PRODUCTS", p.id),
        "GSI1SK": f"{p.name.casefold()}#{p.id}",
        "type": "product",
        "id": p.id,
        "name": p.name,
        "aliases": list(p.aliases),
        "brand": p.brand,
        "category": p.category,
        **prov_attrs(p.provenance),
        **family_keys(p.family_id, p.name, p.id),
    }


def family_keys(family_id: str, name: str, product_id: str) -> Item:
    """A listing's family attribute and its GSI2 keys (none while it has no family)."""
    if not family_id:
        return {}
    return {"family_id": family_id, "GSI2PK": f"FAMILY#{family_id}", "GSI2SK": f"{name.casefold()}#{product_id}"}


def read_product(i: Item) -> Product:
    """The product an item holds."""
    return Product(
        id=i["id"],
        name=i["name"],
        aliases=tuple(i.get("aliases", [])),
        brand=i["brand"],
        category=i["category"],
        provenance=read_prov(i),
        family_id=i.get("family_id", ""),
    )
