"""Review counters: `PRODUCT#<id>` / `STATS` per listing and `FAMILY#<id>` / `STATS` per family.

Each holds, over published reviews only, `reviews` (count), `rating_sum`, `star_1`..`star_5`
and, per aspect, `asp_m:<aspect>` / `asp_p:<aspect>` / `asp_n:<aspect>` (mentions, positive,
negative), plus `ver`, raised by every change. Every write that adds, removes or moves a
published review changes them with DynamoDB's ADD in the same transaction as the review
itself, together with a ConditionCheck that the listing is still in the family counted (so
a concurrent family move cannot be counted twice). Reading a listing's or a family's figures
is therefore one GetItem, whatever its number of reviews.

`recount` rebuilds every counter from the reviews (after re-analysing aspects, or as the
backfill of a migration); it overwrites them, so reviews written while it runs may need a
second recount.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from knowledge.model import ReviewStatus
from knowledge.store.base import AspectFigure, ProductStats, StoreError
from knowledge.store.dynamodb.client import Item, key
from knowledge.store.dynamodb.layout import LayoutAccess
from knowledge.store.dynamodb.writes import AtomicWrites, Cancelled
from knowledge.store.review_aspects import summed

STATS_SK = "STATS"
ASPECT_PREFIXES = ("asp_m:", "asp_p:", "asp_n:")
MOVE_ATTEMPTS = 4


@dataclass
class Tally:
    """Counter changes (or totals) over published reviews."""

    reviews: int = 0
    rating_sum: int = 0
    stars: dict[int, int] = field(default_factory=dict)
    aspects: dict[str, list[int]] = field(default_factory=dict)  # aspect -> [mentions, pos, neg]

    def add_review(self, rating: int, polarities: Mapping[str, Any], sign: int = 1) -> None:
        self.reviews += sign
        self.rating_sum += sign * rating
        self.stars[rating] = self.stars.get(rating, 0) + sign
        for aspect, polarity in polarities.items():
            row = self.aspects.setdefault(aspect, [0, 0, 0])
            row[0] += sign
            row[1] += sign * (int(polarity) > 0)
            row[2] += sign * (int(polarity) < 0)

    def add(self, other: Tally, sign: int = 1) -> None:
        self.reviews += sign * other.reviews
        self.rating_sum += sign * other.rating_sum
        for star, n in other.stars.items():
            self.stars[star] = self.stars.get(star, 0) + sign * n
        for aspect, (m, p, n) in other.aspects.items():
            row = self.aspects.setdefault(aspect, [0, 0, 0])
            row[0] += sign * m
            row[1] += sign * p
            row[2] += sign * n

    def negated(self) -> Tally:
        out = Tally()
        out.add(self, -1)
        return out

    def is_zero(self) -> bool:
        return not self.reviews and not self.rating_sum and not any(self.stars.values()) and not any(
            any(row) for row in self.aspects.values()
        )

    def attributes(self) -> dict[str, int]:
        """The counter attributes this tally changes (or sets), by name."""
        out = {"reviews": self.reviews, "rating_sum": self.rating_sum}
        out.update({f"star_{s}": n for s, n in self.stars.items()})
        for aspect, row in self.aspects.items():
            out.update({f"{prefix}{aspect}": n for prefix, n in zip(ASPECT_PREFIXES, row)})
        return out

    def product_stats(self) -> ProductStats:
        return ProductStats(self.reviews, self.rating_sum / self.reviews if self.reviews > 0 else None)

    def aspect_tally(self) -> dict[str, tuple[int, int, int]]:
        return {a: (m, p, n) for a, (m, p, n) in self.aspects.items() if m > 0}


def review_tally(item: Item, sign: int = 1) -> Tally:
    """What one published review item adds to its counters (`sign=-1`: takes away)."""
    tally = Tally()
    tally.add_review(int(item["rating"]), item.get("aspects") or {}, sign)
    return tally


def read_tally(item: Item | None) -> Tally:
    """The totals a counter item holds (zero when it does not exist)."""
    tally = Tally()
    if not item:
        return tally
    tally.reviews = int(item.get("reviews", 0))
    tally.rating_sum = int(item.get("rating_sum", 0))
    tally.stars = {s: int(item[f"star_{s}"]) for s in range(1, 6) if f"star_{s}" in item}
    for name, value in item.items():
        for slot, prefix in enumerate(ASPECT_PREFIXES):
            if name.startswith(prefix):
                tally.aspects.setdefault(name[len(prefix):], [0, 0, 0])[slot] = int(value)
    return tally


def add_action(table: str, pk: str, tally: Tally) -> dict[str, Any]:
    """A TransactWriteItems Update that ADDs `tally` to the counter item `pk`/STATS."""
    names = {"#type": "type", "#ver": "ver"}
    values: dict[str, Any] = {":type": "stats", ":one": 1}
    adds = ["#ver :one"]
    for n, (attribute, amount) in enumerate(tally.attributes().items()):
        names[f"#a{n}"] = attribute
        values[f":a{n}"] = amount
        adds.append(f"#a{n} :a{n}")
    return {
        "Update": {
            "TableName": table,
            "Key": key(pk, STATS_SK),
            "UpdateExpression": "SET #type = :type ADD " + ", ".join(adds),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def family_check(table: str, product_id: str, family_id: str) -> dict[str, Any]:
    """A ConditionCheck that the listing exists and is (still) in `family_id` ('' for none)."""
    check: dict[str, Any] = {"TableName": table, "Key": key(f"PRODUCT#{product_id}", "PRODUCT")}
    if family_id:
        check["ConditionExpression"] = "family_id = :f"
        check["ExpressionAttributeValues"] = {":f": family_id}
    else:
        check["ConditionExpression"] = "attribute_exists(PK) AND attribute_not_exists(family_id)"
    return {"ConditionCheck": check}


def counter_item(pk: str, tally: Tally, ver: int) -> Item:
    """A counter item holding `tally` as its totals."""
    return {"PK": pk, "SK": STATS_SK, "type": "stats", "ver": ver, **tally.attributes()}


class StatsPart(LayoutAccess, AtomicWrites):
    """Listing and family figures from their counters (from the reviews on layout-1 tables)."""

    def _family_id_of(self, product_id: str) -> str:
        item = self._get(f"PRODUCT#{product_id}", "PRODUCT")
        if item is None:
            raise StoreError(f"field 'product_id' names unknown product {product_id!r}")
        return str(item.get("family_id", ""))

    def _counter_actions(self, product_id: str, family_id: str, tally: Tally) -> list[dict[str, Any]]:
        """Transaction actions adding `tally` to a listing and its family, the last one
        checking the listing is in that family."""
        actions = [add_action(self.table_name, f"PRODUCT#{product_id}", tally)]
        if family_id:
            actions.append(add_action(self.table_name, f"FAMILY#{family_id}", tally))
        actions.append(family_check(self.table_name, product_id, family_id))
        return actions

    def _apply_counters(self, product_id: str, tally: Tally, family_id: str | None = None) -> None:
        """Add `tally` to the listing's and its family's counters (re-reading the family if it
        moved meanwhile)."""
        if tally.is_zero():
            return
        family = self._family_id_of(product_id) if family_id is None else family_id
        for _ in range(MOVE_ATTEMPTS):
            try:
                self._transact(self._counter_actions(product_id, family, tally))
                return
            except Cancelled:
                family = self._family_id_of(product_id)
        raise StoreError(f"product {product_id}: its family kept changing while its review counters were updated")

    def _tally(self, product_id: str) -> Tally:
        """A listing's totals: its counters, or its reviews summed on a layout-1 table."""
        if self._legacy():
            return self._summed_reviews(product_id)
        return read_tally(self._get(f"PRODUCT#{product_id}", STATS_SK))

    def _family_tally(self, family_id: str) -> Tally:
        if not self._legacy():
            return read_tally(self._get(f"FAMILY#{family_id}", STATS_SK))
        total = Tally()
        for listing in self.listings_of(family_id):  # type: ignore[attr-defined]
            total.add(self._summed_reviews(listing.id))
        return total

    def _summed_reviews(self, product_id: str) -> Tally:
        tally = Tally()
        for item in self._review_figures(product_id):
            if item.get("status") == ReviewStatus.PUBLISHED.value:
                tally.add(review_tally(item))
        return tally

    def _review_figures(self, product_id: str) -> Iterator[Item]:
        """Rating, status and aspects of every review of a listing (GSI1, three attributes)."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND begins_with(GSI1SK, :sk)",
            "ExpressionAttributeValues": {":pk": f"PRODUCT#{product_id}", ":sk": "REVIEW#"},
            "ProjectionExpression": "rating, aspects, #s",
            "ExpressionAttributeNames": {"#s": "status"},
        }
        while True:
            page = self._call("query", **params)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def product_stats(self, product_id: str) -> ProductStats:
        return self._tally(product_id).product_stats()

    def family_stats(self, family_id: str) -> ProductStats:
        return self._family_tally(family_id).product_stats()

    def product_aspects(self, product_id: str) -> list[AspectFigure]:
        return summed([self._tally(product_id).aspect_tally()])

    def family_aspects(self, family_id: str) -> list[AspectFigure]:
        return summed([self._family_tally(family_id).aspect_tally()])

    def _move_listing(self, product_id: str, from_family: str, to_family: str, name: str) -> bool:
        """Move a listing into `to_family` with its counters, in one transaction conditional on
        its family and its counters' version; False when it was already there."""
        for _ in range(MOVE_ATTEMPTS):
            if from_family == to_family:
                return False
            counters = self._get(f"PRODUCT#{product_id}", STATS_SK)
            tally = read_tally(counters)
            move = {
                "TableName": self.table_name,
                "Key": key(f"PRODUCT#{product_id}", "PRODUCT"),
                "UpdateExpression": "SET family_id = :f, GSI2PK = :pk, GSI2SK = :sk",
                "ExpressionAttributeValues": {
                    ":f": to_family, ":pk": f"FAMILY#{to_family}", ":sk": f"{name.casefold()}#{product_id}",
                    **({":old": from_family} if from_family else {}),
                },
                "ConditionExpression": "family_id = :old" if from_family
                else "attribute_exists(PK) AND attribute_not_exists(family_id)",
            }
            unchanged = {"ConditionExpression": "attribute_not_exists(PK)"} if counters is None else {
                "ConditionExpression": "ver = :v", "ExpressionAttributeValues": {":v": counters["ver"]}}
            actions: list[dict[str, Any]] = [
                {"Update": move},  # a review counted meanwhile changes `ver` (or creates the item):
                {"ConditionCheck": {"TableName": self.table_name,  # then read again
                                    "Key": key(f"PRODUCT#{product_id}", STATS_SK), **unchanged}},
            ]
            if not tally.is_zero():
                if from_family:
                    actions.append(add_action(self.table_name, f"FAMILY#{from_family}", tally.negated()))
                actions.append(add_action(self.table_name, f"FAMILY#{to_family}", tally))
            try:
                self._transact(actions)
                return True
            except Cancelled:
                item = self._get(f"PRODUCT#{product_id}", "PRODUCT")
                if item is None:
                    raise StoreError(f"field 'product_id' names unknown product {product_id!r}") from None
                from_family = str(item.get("family_id", ""))
        raise StoreError(f"product {product_id}: kept changing while it moved to family {to_family}")

    def recount(self) -> int:
        """Rebuild every listing's and family's counters from the reviews; returns how many
        listings were counted."""
        families: dict[str, Tally] = {}
        products = self.list_products()  # type: ignore[attr-defined]
        for product in products:
            tally = self._summed_reviews(product.id)
            old = self._get(f"PRODUCT#{product.id}", STATS_SK)
            self._put(counter_item(f"PRODUCT#{product.id}", tally, int(old["ver"]) + 1 if old else 1))
            if product.family_id:
                families.setdefault(product.family_id, Tally()).add(tally)
        for family in self.list_families():  # type: ignore[attr-defined]
            old = self._get(f"FAMILY#{family.id}", STATS_SK)
            total = families.get(family.id, Tally())
            self._put(counter_item(f"FAMILY#{family.id}", total, int(old["ver"]) + 1 if old else 1))
        return len(products)


def tallies_by_product(items: Iterable[Item]) -> dict[str, Tally]:
    """What new published review items add, per listing."""
    out: dict[str, Tally] = {}
    for item in items:
        if item.get("status") == ReviewStatus.PUBLISHED.value:
            out.setdefault(item["product_id"], Tally()).add(review_tally(item))
    return out

