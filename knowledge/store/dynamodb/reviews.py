"""Reviews: items `REVIEW#<id>` / `REVIEW`, listed per product through GSI1, per moderation status
through GSI2 `REVIEWS#<status>#<shard>` (which holds the fields read) and per ShopTalk author
through GSI3 (key-only: the records are then fetched by BatchGetItem). A change that adds or takes away a published review
changes its listing's and family's counters in the same transaction (see `stats`). Also the
status listing and status change that questions and answers share."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

from knowledge.model import Review, ReviewStatus
from knowledge.store.base import StoreError
from knowledge.store.dynamodb.catalog import author_index, prov_attrs, read_prov
from knowledge.store.dynamodb.client import Item, client_errors, error_code, key
from knowledge.store.dynamodb.layout import LayoutAccess, status_key
from knowledge.store.dynamodb.schema import STATUSES
from knowledge.store.dynamodb.stats import StatsPart, Tally, review_tally
from knowledge.store.dynamodb.writes import Cancelled
from knowledge.store.review_aspects import review_polarities

PUBLISHED = ReviewStatus.PUBLISHED.value
STATUS_ATTEMPTS = 4


class ModeratedPart(LayoutAccess):
    """What every moderated record kind needs: listing by status, status change, by author."""

    def _iter_status(self, kind: str, status: ReviewStatus | None, build: Callable[[Item], Any]) -> Iterator[Any]:
        statuses = STATUSES if status is None else (status,)
        streams = self._query_each("GSI2", [pk for s in statuses for pk in self._status_keys(kind, s)])
        for item in heapq.merge(*streams, key=lambda i: i["GSI2SK"]):  # GSI2 holds what `build` reads
            yield build(item)

    def _set_status(self, pk: str, sk: str, kind: str, status: ReviewStatus) -> bool:
        try:
            self._call(
                "update_item",
                TableName=self.table_name,
                Key=key(pk, sk),
                UpdateExpression="SET #status = :status, GSI2PK = :gsi",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":status": status.value, ":gsi": status_key(kind, status, pk.split("#", 1)[1])},
            )
        except client_errors() as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _by_author(self, user_id: str, prefix: str) -> list[Item]:
        if not user_id:
            return []
        return list(self._full_items(self._query("GSI3", f"AUTHOR#{user_id}", prefix, forward=False)))


class ReviewPart(ModeratedPart, StatsPart):
    """Reading, listing, moderating and deleting reviews, and a product's review statistics."""

    def get_review(self, review_id: str) -> Review | None:
        item = self._get(f"REVIEW#{review_id}", "REVIEW")
        return read_review(item) if item else None

    def _product_reviews(self, product_id: str) -> list[Review]:
        reviews = [read_review(i) for i in self._query("GSI1", f"PRODUCT#{product_id}", "REVIEW#")]
        return sorted(reviews, key=lambda r: (r.date, r.id), reverse=True)

    def reviews_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Review]:
        return [r for r in self._product_reviews(product_id) if status is None or r.status is status]

    def recent_reviews(
        self,
        product_id: str,
        since_date: str,
        status: ReviewStatus | None = ReviewStatus.PUBLISHED,
    ) -> list[Review]:
        return [r for r in self.reviews_for(product_id, status) if r.date and r.date >= since_date]

    def iter_reviews(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Review]:
        return self._iter_status("REVIEWS", status, read_review)

    def set_review_status(self, review_id: str, status: ReviewStatus) -> bool:
        return self._change_review(review_id, status)

    def delete_review(self, review_id: str) -> bool:
        return self._change_review(review_id, None)

    def _change_review(self, review_id: str, status: ReviewStatus | None) -> bool:
        """Set a review's status (None: delete it), conditional on the status read, with its
        counters changed in the same transaction when it enters or leaves publication."""
        for _ in range(STATUS_ATTEMPTS):
            item = self._get(f"REVIEW#{review_id}", "REVIEW")
            if item is None:
                return False
            was = item["status"] == PUBLISHED
            now = status is not None and status.value == PUBLISHED
            condition = {"ConditionExpression": "#status = :old", "ExpressionAttributeNames": {"#status": "status"}}
            if status is None:
                action = {"Delete": {"TableName": self.table_name, "Key": key(item["PK"], item["SK"]), **condition,
                                     "ExpressionAttributeValues": {":old": item["status"]}}}
            else:
                action = {"Update": {
                    "TableName": self.table_name, "Key": key(item["PK"], item["SK"]), **condition,
                    "UpdateExpression": "SET #status = :status, GSI2PK = :gsi",
                    "ExpressionAttributeValues": {
                        ":old": item["status"], ":status": status.value,
                        ":gsi": status_key("REVIEWS", status, review_id),
                    },
                }}
            actions = [action]
            if was != now:
                tally: Tally = review_tally(item, 1 if now else -1)
                try:
                    family = self._family_id_of(item["product_id"])
                except StoreError:  # the listing is gone: nothing left to count
                    family = None
                if family is not None:
                    actions += self._counter_actions(item["product_id"], family, tally)
            try:
                self._transact(actions)
                return True
            except Cancelled:
                continue  # the review or its listing changed meanwhile: read again
        raise StoreError(f"review {review_id}: kept changing while its status was set")

    def reviews_by_user(self, user_id: str) -> list[Review]:
        reviews = [read_review(i) for i in self._by_author(user_id, "REVIEW#")]
        return sorted(reviews, key=lambda r: (r.date, r.id), reverse=True)


def review_item(r: Review) -> Item:
    """The item of a review."""
    return author_index(
        {
            "PK": f"REVIEW#{r.id}",
            "SK": "REVIEW",
            "GSI1PK": f"PRODUCT#{r.product_id}",
            "GSI1SK": f"REVIEW#{r.date}#{r.id}",
            "GSI2PK": status_key("REVIEWS", r.status, r.id),
            "GSI2SK": r.id,
            "type": "review",
            "id": r.id,
            "product_id": r.product_id,
            "rating": r.rating,
            "title": r.title,
            "text": r.text,
            "author": r.author,
            "date": r.date,
            "status": r.status.value,
            "user_id": r.user_id,
            "aspects": review_polarities(r),  # aspect -> +1/0/-1, found once on write
            **prov_attrs(r.provenance),
        },
        r.user_id,
        f"REVIEW#{r.date}#{r.id}",
    )


def read_review(i: Item) -> Review:
    """The review an item holds (its rating back from Decimal to int)."""
    return Review(
        id=i["id"],
        product_id=i["product_id"],
        rating=int(i["rating"]),
        text=i["text"],
        title=i["title"],
        author=i["author"],
        date=i["date"],
        status=ReviewStatus(i["status"]),
        provenance=read_prov(i),
        user_id=i["user_id"],
    )
