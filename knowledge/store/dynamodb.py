"""The production store: one DynamoDB table through boto3 (single-table design).

Why one table: every access pattern below is a GetItem or a Query on the table or one of three
overloaded global secondary indexes, so the skill never scans, and one table is one thing to
provision, back up and grant to the Lambda role.

Table `shoptalk` (name configurable): key PK (S, hash) + SK (S, range); GSI1, GSI2, GSI3 with
keys GSI1PK/GSI1SK, GSI2PK/GSI2SK, GSI3PK/GSI3SK (all S, projection ALL); on-demand billing;
TTL attribute `expires_at` (epoch seconds, only request claims carry it). Items:

  record        PK                  SK              GSI1 (PK / SK)             GSI2 (PK / SK)        GSI3 (PK / SK)
  product       PRODUCT#<id>        PRODUCT         PRODUCTS / <name>#<id>     -                     -
  review        REVIEW#<id>         REVIEW          PRODUCT#<pid> /            REVIEWS#<status> /    AUTHOR#<user> /
                                                    REVIEW#<date>#<id>         <id>                  REVIEW#<date>#<id>
  question      QUESTION#<id>       QUESTION        PRODUCT#<pid> /            QUESTIONS#<status> /  AUTHOR#<user> /
                                                    QUESTION#<date>#<id>       <id>                  QUESTION#<date>#<id>
  answer        ANSWER#<id>         ANSWER          QUESTION#<qid> /           ANSWERS#<status> /    AUTHOR#<user> /
                                                    ANSWER#<id>                <id>                  ANSWER#<date>#<id>
  user          USER#<id>           PROFILE         -                          -                     -
  lookups       ALEXA#<hash> | HANDLE#<handle> | FRIENDCODE#<code>, SK LOOKUP, attribute user_id
  friendship    USER#<id>           FRIEND#<other>  FRIENDTO#<other> / <id>    -                     -
  message       MSG#<id>            MSG             INBOX#<recipient> /        REPORTED (only when   OUTBOX#<sender> /
                                                    <created_at>#<id>          reported) / <at>#<id> <created_at>#<id>
  poll          POLL#<id>           POLL            POLLS / <created_at>#<id>  -                     -
  vote          POLL#<poll id>      VOTE#<user>     -                          -                     VOTER#<user> / <poll>
  memory        USER#<id>           MEMORY          -                          -                     -
  request claim REQ#<request id>    CLAIM#<purpose> -                          -                     -
  meta          META#<key>          META            -                          -                     -

(AUTHOR#/REVIEW# etc. in GSI3 are written only for content a ShopTalk user left by voice.)
Handles and friend codes are keyed in lower case with single spaces, so lookups ignore case.

Writes: new records use `attribute_not_exists(PK)` so a retried write is a no-op, and a user's
handle, friend code and Alexa hash are claimed in one transaction with the profile. Bulk
imports check which ids exist (BatchGetItem), write only the new ones (BatchWriteItem) and, if
any write fails, delete what they wrote and restore replaced products, so a failed import
leaves the table as it was. Numbers go in as int (Decimal on the wire) and come back as
Decimal, converted to int. Reads by key are strongly consistent; listings read GSIs, which
DynamoDB updates within about a second of a write.

boto3 is never imported at module import time; callers pass a DynamoDB service resource.
"""

from __future__ import annotations

import heapq
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from knowledge.model import (
    Answer,
    Friendship,
    FriendshipStatus,
    Message,
    Poll,
    PollOption,
    Product,
    Provenance,
    Question,
    Review,
    ReviewStatus,
    User,
    UserMemory,
    Vote,
)
from knowledge.store.base import ImportCounts, ProductStats, StoreCounts, StoreError
from knowledge.store.validation import (
    check_answer,
    check_friendship,
    check_message,
    check_poll,
    check_product,
    check_review,
    check_user,
    lookup_key,
    normalised_question,
)

Item = dict[str, Any]
Key = tuple[str, str]

MAX_ITEM_BYTES = 400 * 1024
REQUEST_CLAIM_TTL_S = 7 * 24 * 3600  # Alexa retries within seconds; a week is generous
_SMALL_WRITE = 25  # up to this many new items are written one by one, conditionally
_STATUSES = tuple(ReviewStatus)
_KEY_ATTRIBUTES = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK")


def table_definition(table_name: str) -> dict[str, Any]:
    """The CreateTable parameters of the ShopTalk table (mirror them in template.yaml)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in _KEY_ATTRIBUTES],
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": f"GSI{n}",
                "KeySchema": [
                    {"AttributeName": f"GSI{n}PK", "KeyType": "HASH"},
                    {"AttributeName": f"GSI{n}SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for n in (1, 2, 3)
        ],
    }


def create_table(resource: Any, table_name: str) -> None:
    """Create the table (see `table_definition`) with TTL on `expires_at`, and wait for it."""
    client = resource.meta.client
    try:
        client.create_table(**table_definition(table_name))
        client.get_waiter("table_exists").wait(TableName=table_name)
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
        )
    except _client_errors() as exc:
        raise StoreError(f"cannot create DynamoDB table {table_name}: {exc}") from exc


def dynamodb_resource(region: str, endpoint: str | None = None) -> Any:
    """A boto3 DynamoDB resource for `region` (and a local server at `endpoint`, if given)."""
    import boto3

    return boto3.session.Session(region_name=region).resource("dynamodb", endpoint_url=endpoint)


def _client_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (ClientError, BotoCoreError)


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _key(pk: str, sk: str) -> dict[str, str]:
    return {"PK": pk, "SK": sk}


def _item_key(item: Item) -> Key:
    return item["PK"], item["SK"]


def _item_bytes(item: Item) -> int:
    """A safe over-estimate of DynamoDB's size of an item (names plus UTF-8 values)."""
    return sum(len(name) + len(json.dumps(value, default=str).encode("utf-8")) for name, value in item.items())


class DynamoDBStore:
    """The Store protocol on one DynamoDB table (see the module docstring for the layout)."""

    def __init__(self, table_name: str, resource: Any) -> None:
        self.table_name = table_name
        self._client = resource.meta.client
        self._closed = False

    # --- plumbing --------------------------------------------------------------------------
    def _call(self, operation: str, **params: Any) -> Any:
        if self._closed:
            raise StoreError(f"the DynamoDB store on table {self.table_name} is closed")
        try:
            return getattr(self._client, operation)(**params)
        except _client_errors() as exc:
            if _error_code(exc) in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                raise
            raise StoreError(f"DynamoDB {operation} on table {self.table_name} failed: {exc}") from exc

    def _get(self, pk: str, sk: str) -> Item | None:
        return self._call("get_item", TableName=self.table_name, Key=_key(pk, sk), ConsistentRead=True).get("Item")

    def _query(self, index: str | None, pk: str, sk_prefix: str | None = None, forward: bool = True) -> Iterator[Item]:
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
        while True:
            page = self._call("query", **params)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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
        except _client_errors() as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _put(self, item: Item) -> None:
        self._call("put_item", TableName=self.table_name, Item=item)

    def _delete(self, pk: str, sk: str) -> bool:
        old = self._call("delete_item", TableName=self.table_name, Key=_key(pk, sk), ReturnValues="ALL_OLD")
        return "Attributes" in old

    def _batch_get(self, keys: Iterable[Key]) -> dict[Key, Item]:
        unique = list(dict.fromkeys(keys))
        found: dict[Key, Item] = {}
        for start in range(0, len(unique), 100):
            request: dict[str, Any] = {
                self.table_name: {"Keys": [_key(*k) for k in unique[start : start + 100]], "ConsistentRead": True}
            }
            for attempt in range(8):
                response = self._call("batch_get_item", RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    found[_item_key(item)] = item
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise StoreError(f"DynamoDB kept throttling reads on table {self.table_name}")
        return found

    def _batch_write(self, requests: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table_name: list(requests[start : start + 25])}
            for attempt in range(8):
                response = self._call("batch_write_item", RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise StoreError(f"DynamoDB kept throttling writes on table {self.table_name}")

    def _batch_put(self, items: Sequence[Item]) -> None:
        self._batch_write([{"PutRequest": {"Item": item}} for item in items])

    def _batch_delete(self, keys: Iterable[Key]) -> int:
        unique = list(dict.fromkeys(keys))
        self._batch_write([{"DeleteRequest": {"Key": _key(*k)}} for k in unique])
        return len(unique)

    def close(self) -> None:
        self._closed = True

    # --- catalog ---------------------------------------------------------------------------
    def put_products(self, products: Iterable[Product]) -> int:
        return self.import_batch(products=products).products_added

    def get_product(self, product_id: str) -> Product | None:
        item = self._get(f"PRODUCT#{product_id}", "PRODUCT")
        return _product(item) if item else None

    def list_products(self) -> list[Product]:
        products = [_product(i) for i in self._query("GSI1", "PRODUCTS")]
        return sorted(products, key=lambda p: (p.name.casefold(), p.id))

    def remove_product(self, product_id: str) -> bool:
        if self._get(f"PRODUCT#{product_id}", "PRODUCT") is None:
            return False
        children = list(self._query("GSI1", f"PRODUCT#{product_id}"))
        keys: list[Key] = []
        for child in children:
            keys.append(_item_key(child))
            if child["SK"] == "QUESTION":
                keys.extend(_item_key(a) for a in self._query("GSI1", f"QUESTION#{child['id']}"))
        self._batch_delete(keys)  # children first: a crash midway leaves a product to retry on
        return self._delete(f"PRODUCT#{product_id}", "PRODUCT")

    def has_products(self) -> bool:
        page = self._call(
            "query",
            TableName=self.table_name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": "PRODUCTS"},
            Limit=1,
        )
        return bool(page.get("Items"))

    def product_stats(self, product_id: str) -> ProductStats:
        ratings = [r.rating for r in self.reviews_for(product_id)]
        return ProductStats(len(ratings), sum(ratings) / len(ratings) if ratings else None)

    def counts(self) -> StoreCounts:
        reviews = {s: self._count("GSI2", f"REVIEWS#{s.value}") for s in _STATUSES}
        return StoreCounts(
            products=self._count("GSI1", "PRODUCTS"),
            reviews_published=reviews[ReviewStatus.PUBLISHED],
            reviews_pending=reviews[ReviewStatus.PENDING],
            reviews_rejected=reviews[ReviewStatus.REJECTED],
            questions=sum(self._count("GSI2", f"QUESTIONS#{s.value}") for s in _STATUSES),
            answers=sum(self._count("GSI2", f"ANSWERS#{s.value}") for s in _STATUSES),
        )

    # --- bulk import -----------------------------------------------------------------------
    def import_batch(
        self,
        products: Iterable[Product] = (),
        reviews: Iterable[Review] = (),
        questions: Iterable[Question] = (),
    ) -> ImportCounts:
        product_items: dict[str, Item] = {}
        for product in products:
            check_product(product)
            product_items[product.id] = _product_item(product)
        review_items: dict[str, Item] = {}
        for review in reviews:
            check_review(review)
            review_items.setdefault(review.id, _review_item(review))
        question_items: dict[str, Item] = {}
        answer_items: dict[str, Item] = {}
        for question in questions:
            question = normalised_question(question)
            question_items.setdefault(question.id, _question_item(question))
            for answer in question.answers:
                answer_items.setdefault(answer.id, _answer_item(answer))
        self._check_sizes([*product_items.values(), *review_items.values(), *question_items.values(), *answer_items.values()])
        self._check_products_exist(product_items.keys(), [*review_items.values(), *question_items.values()])
        self._check_questions_exist(question_items.keys(), answer_items.values())

        old_products = self._batch_get((f"PRODUCT#{pid}", "PRODUCT") for pid in product_items)
        existing = self._batch_get(
            _item_key(i) for i in [*review_items.values(), *question_items.values(), *answer_items.values()]
        )
        new_reviews = [i for i in review_items.values() if _item_key(i) not in existing]
        new_questions = [i for i in question_items.values() if _item_key(i) not in existing]
        new_answers = [i for i in answer_items.values() if _item_key(i) not in existing]
        written: list[Key] = []
        try:
            self._batch_put(list(product_items.values()))
            written.extend(_item_key(i) for i in product_items.values())
            added = {
                name: self._write_new(items, written)
                for name, items in (("reviews", new_reviews), ("questions", new_questions), ("answers", new_answers))
            }
        except BaseException as exc:
            self._undo(written, old_products)
            if isinstance(exc, StoreError):
                raise StoreError(f"import rolled back: {exc}") from exc
            raise
        return ImportCounts(
            products_added=sum(1 for pid in product_items if (f"PRODUCT#{pid}", "PRODUCT") not in old_products),
            reviews_added=len(added["reviews"]),
            questions_added=len(added["questions"]),
            answers_added=len(added["answers"]),
            new_review_ids=tuple(i["id"] for i in added["reviews"]),
            changed_question_ids=tuple(
                dict.fromkeys([*(i["id"] for i in added["questions"]), *(i["question_id"] for i in added["answers"])])
            ),
        )

    def _write_new(self, items: Sequence[Item], written: list[Key]) -> list[Item]:
        """Write items whose ids were absent and return them; a few are written one by one
        with a condition (exact even when a retry races us), many in batches."""
        if len(items) <= _SMALL_WRITE:
            stored = []
            for item in items:
                if self._put_if_new(item):
                    written.append(_item_key(item))
                    stored.append(item)
            return stored
        for start in range(0, len(items), 25):
            chunk = items[start : start + 25]
            self._batch_put(chunk)
            written.extend(_item_key(i) for i in chunk)
        return list(items)

    def _undo(self, written: Sequence[Key], old_products: dict[Key, Item]) -> None:
        """Compensate a failed import: delete what it wrote, put back the products it replaced."""
        self._batch_delete(k for k in written if k not in old_products)
        self._batch_put(list(old_products.values()))

    def _check_sizes(self, items: Sequence[Item]) -> None:
        for item in items:
            if _item_bytes(item) > MAX_ITEM_BYTES:
                raise StoreError(
                    f"{item['type']} {item['id']}: record is larger than DynamoDB's 400 KB item limit"
                )

    def _check_products_exist(self, batch_ids: Iterable[str], records: Sequence[Item]) -> None:
        known = set(batch_ids)
        wanted = {r["product_id"] for r in records} - known
        if not wanted:
            return
        found = {k[0].removeprefix("PRODUCT#") for k in self._batch_get((f"PRODUCT#{p}", "PRODUCT") for p in wanted)}
        for record in records:
            if record["product_id"] not in known and record["product_id"] not in found:
                raise StoreError(
                    f"{record['type']} {record['id']}: field 'product_id' names unknown product {record['product_id']!r}"
                )

    def _check_questions_exist(self, batch_ids: Iterable[str], answers: Iterable[Item]) -> None:
        known = set(batch_ids)
        outside = [a for a in answers if a["question_id"] not in known]
        if not outside:
            return
        found = self._batch_get((f"QUESTION#{a['question_id']}", "QUESTION") for a in outside)
        for answer in outside:
            if (f"QUESTION#{answer['question_id']}", "QUESTION") not in found:
                raise StoreError(
                    f"answer {answer['id']}: field 'question_id' names unknown question {answer['question_id']!r}"
                )

    # --- reviews ---------------------------------------------------------------------------
    def put_reviews(self, reviews: Iterable[Review]) -> int:
        return self.import_batch(reviews=reviews).reviews_added

    def get_review(self, review_id: str) -> Review | None:
        item = self._get(f"REVIEW#{review_id}", "REVIEW")
        return _review(item) if item else None

    def _product_reviews(self, product_id: str) -> list[Review]:
        reviews = [_review(i) for i in self._query("GSI1", f"PRODUCT#{product_id}", "REVIEW#")]
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

    def _iter_status(self, kind: str, status: ReviewStatus | None, build: Callable[[Item], Any]) -> Iterator[Any]:
        statuses = _STATUSES if status is None else (status,)
        streams = [self._query("GSI2", f"{kind}#{s.value}") for s in statuses]
        for item in heapq.merge(*streams, key=lambda i: i["GSI2SK"]):
            yield build(item)

    def iter_reviews(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Review]:
        return self._iter_status("REVIEWS", status, _review)

    def _set_status(self, pk: str, sk: str, kind: str, status: ReviewStatus) -> bool:
        try:
            self._call(
                "update_item",
                TableName=self.table_name,
                Key=_key(pk, sk),
                UpdateExpression="SET #status = :status, GSI2PK = :gsi",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":status": status.value, ":gsi": f"{kind}#{status.value}"},
            )
        except _client_errors() as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def set_review_status(self, review_id: str, status: ReviewStatus) -> bool:
        return self._set_status(f"REVIEW#{review_id}", "REVIEW", "REVIEWS", status)

    def delete_review(self, review_id: str) -> bool:
        return self._delete(f"REVIEW#{review_id}", "REVIEW")

    def _by_author(self, user_id: str, prefix: str) -> list[Item]:
        if not user_id:
            return []
        return list(self._query("GSI3", f"AUTHOR#{user_id}", prefix, forward=False))

    def reviews_by_user(self, user_id: str) -> list[Review]:
        reviews = [_review(i) for i in self._by_author(user_id, "REVIEW#")]
        return sorted(reviews, key=lambda r: (r.date, r.id), reverse=True)

    # --- community Q&A ---------------------------------------------------------------------
    def put_questions(self, questions: Iterable[Question]) -> int:
        return self.import_batch(questions=questions).questions_added

    def add_answer(self, answer: Answer) -> bool:
        check_answer(answer)
        item = _answer_item(answer)
        self._check_sizes([item])
        if self._get(f"QUESTION#{answer.question_id}", "QUESTION") is None:
            raise StoreError(
                f"answer {answer.id}: field 'question_id' names unknown question {answer.question_id!r}"
            )
        return self._put_if_new(item)

    def _answers(self, question_id: str, status: ReviewStatus | None) -> tuple[Answer, ...]:
        answers = [_answer(i) for i in self._query("GSI1", f"QUESTION#{question_id}", "ANSWER#")]
        return _best_first([a for a in answers if status is None or a.status is status])

    def _question(self, item: Item, status: ReviewStatus | None) -> Question:
        return _question(item, self._answers(item["id"], status))

    def get_question(self, question_id: str) -> Question | None:
        item = self._get(f"QUESTION#{question_id}", "QUESTION")
        return self._question(item, None) if item else None

    def questions_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Question]:
        items = [
            i
            for i in self._query("GSI1", f"PRODUCT#{product_id}", "QUESTION#")
            if status is None or i["status"] == status.value
        ]
        items.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
        return [self._question(i, status) for i in items]

    def iter_questions(
        self, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> Iterator[Question]:
        # One pass over the answers instead of one query per question (indexing walks them all).
        answers: dict[str, list[Answer]] = {}
        for answer in self.iter_answers(status):
            answers.setdefault(answer.question_id, []).append(answer)
        for item in self._iter_status("QUESTIONS", status, lambda i: i):
            yield _question(item, _best_first(answers.get(item["id"], [])))

    def get_answer(self, answer_id: str) -> Answer | None:
        item = self._get(f"ANSWER#{answer_id}", "ANSWER")
        return _answer(item) if item else None

    def iter_answers(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Answer]:
        return self._iter_status("ANSWERS", status, _answer)

    def set_question_status(self, question_id: str, status: ReviewStatus) -> bool:
        return self._set_status(f"QUESTION#{question_id}", "QUESTION", "QUESTIONS", status)

    def set_answer_status(self, answer_id: str, status: ReviewStatus) -> bool:
        return self._set_status(f"ANSWER#{answer_id}", "ANSWER", "ANSWERS", status)

    def questions_by_user(self, user_id: str) -> list[Question]:
        items = sorted(self._by_author(user_id, "QUESTION#"), key=lambda i: (i["date"], i["id"]), reverse=True)
        return [self._question(i, None) for i in items]

    def answers_by_user(self, user_id: str) -> list[Answer]:
        answers = [_answer(i) for i in self._by_author(user_id, "ANSWER#")]
        return sorted(answers, key=lambda a: (a.date, a.id), reverse=True)

    def delete_answer(self, answer_id: str) -> bool:
        return self._delete(f"ANSWER#{answer_id}", "ANSWER")

    def delete_question(self, question_id: str) -> bool:
        if self._get(f"QUESTION#{question_id}", "QUESTION") is None:
            return False
        self._batch_delete(_item_key(a) for a in self._query("GSI1", f"QUESTION#{question_id}"))
        return self._delete(f"QUESTION#{question_id}", "QUESTION")

    # --- users and friends -----------------------------------------------------------------
    def put_user(self, user: User) -> None:
        check_user(user)
        old = self._get(f"USER#{user.id}", "PROFILE")
        lookups = {
            "alexa_user_hash": f"ALEXA#{user.alexa_user_hash}",
            "handle": f"HANDLE#{lookup_key(user.handle)}",
            "friend_code": f"FRIENDCODE#{lookup_key(user.friend_code)}",
        }
        actions: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table_name, "Item": _user_item(user)}},
        ]
        for pk in lookups.values():
            actions.append(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": {"PK": pk, "SK": "LOOKUP", "user_id": user.id},
                        "ConditionExpression": "attribute_not_exists(PK) OR user_id = :uid",
                        "ExpressionAttributeValues": {":uid": user.id},
                    }
                }
            )
        if old is not None:
            for stale in set(_lookup_keys(old)) - set(lookups.values()):
                actions.append({"Delete": {"TableName": self.table_name, "Key": _key(stale, "LOOKUP")}})
        try:
            self._call("transact_write_items", TransactItems=actions)
        except _client_errors() as exc:
            reasons = [r.get("Code") for r in getattr(exc, "response", {}).get("CancellationReasons", [])]
            names = list(lookups)
            clashes = [names[i - 1] for i, code in enumerate(reasons) if code == "ConditionalCheckFailed" and 1 <= i <= 3]
            if clashes:
                owner = self._get(lookups[clashes[0]], "LOOKUP") or {}
                raise StoreError(
                    f"user {user.id}: field '{clashes[0]}' already belongs to user {owner.get('user_id', '?')}"
                ) from exc
            raise StoreError(f"DynamoDB could not store user {user.id}: {exc}") from exc

    def get_user(self, user_id: str) -> User | None:
        item = self._get(f"USER#{user_id}", "PROFILE")
        return _user(item) if item else None

    def _user_by_lookup(self, pk: str) -> User | None:
        lookup = self._get(pk, "LOOKUP")
        return self.get_user(lookup["user_id"]) if lookup else None

    def user_by_alexa_hash(self, alexa_user_hash: str) -> User | None:
        return self._user_by_lookup(f"ALEXA#{alexa_user_hash}")

    def user_by_friend_code(self, friend_code: str) -> User | None:
        return self._user_by_lookup(f"FRIENDCODE#{lookup_key(friend_code)}")

    def user_by_handle(self, handle: str) -> User | None:
        return self._user_by_lookup(f"HANDLE#{lookup_key(handle)}")

    def delete_user(self, user_id: str) -> bool:
        profile = self._get(f"USER#{user_id}", "PROFILE")
        relations = [_item_key(i) for i in self._query(None, f"USER#{user_id}", "FRIEND#")]
        relations += [_item_key(i) for i in self._query("GSI1", f"FRIENDTO#{user_id}")]
        self._batch_delete(relations)
        if profile is None:
            return False
        self._batch_delete((pk, "LOOKUP") for pk in _lookup_keys(profile))
        return self._delete(f"USER#{user_id}", "PROFILE")

    def put_friendship(self, friendship: Friendship) -> None:
        check_friendship(friendship)
        self._put(
            {
                "PK": f"USER#{friendship.user_id}",
                "SK": f"FRIEND#{friendship.other_id}",
                "GSI1PK": f"FRIENDTO#{friendship.other_id}",
                "GSI1SK": friendship.user_id,
                "type": "friendship",
                "user_id": friendship.user_id,
                "other_id": friendship.other_id,
                "status": friendship.status.value,
                "created_at": friendship.created_at,
            }
        )

    def _friendships(self, items: Iterable[Item], status: FriendshipStatus | None) -> list[Friendship]:
        found = [
            Friendship(i["user_id"], i["other_id"], FriendshipStatus(i["status"]), i["created_at"])
            for i in items
            if status is None or i["status"] == status.value
        ]
        return sorted(found, key=lambda f: (f.user_id, f.other_id))

    def friendships_of(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships(self._query(None, f"USER#{user_id}", "FRIEND#"), status)

    def friendships_to(
        self, user_id: str, status: FriendshipStatus | None = None
    ) -> list[Friendship]:
        return self._friendships(self._query("GSI1", f"FRIENDTO#{user_id}"), status)

    def delete_friendship(self, user_id: str, other_id: str) -> bool:
        return self._delete(f"USER#{user_id}", f"FRIEND#{other_id}")

    # --- messages --------------------------------------------------------------------------
    def put_message(self, message: Message) -> bool:
        check_message(message)
        item = _message_item(message)
        self._check_sizes([item])
        return self._put_if_new(item)

    def get_message(self, message_id: str) -> Message | None:
        item = self._get(f"MSG#{message_id}", "MSG")
        return _message(item) if item else None

    def messages_to(self, recipient_id: str, unread_only: bool = False) -> list[Message]:
        found = _by_time(self._query("GSI1", f"INBOX#{recipient_id}"))
        return [m for m in found if not m.deleted_by_recipient and not (unread_only and m.read)]

    def messages_between(self, user_a: str, user_b: str) -> list[Message]:
        a_to_b = [i for i in self._query("GSI1", f"INBOX#{user_b}") if i["sender_id"] == user_a]
        b_to_a = [i for i in self._query("GSI1", f"INBOX#{user_a}") if i["sender_id"] == user_b]
        return _by_time(a_to_b + b_to_a)

    def reported_messages(self) -> list[Message]:
        return _by_time(self._query("GSI2", "REPORTED"))

    def update_message(self, message: Message) -> None:
        check_message(message)
        item = _message_item(message)
        self._check_sizes([item])
        try:
            self._call(
                "put_item",
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_exists(PK)",
            )
        except _client_errors() as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                raise StoreError(f"message {message.id}: no such message to update") from exc
            raise

    def delete_messages_of(self, user_id: str) -> int:
        keys = [_item_key(i) for i in self._query("GSI1", f"INBOX#{user_id}")]
        keys += [_item_key(i) for i in self._query("GSI3", f"OUTBOX#{user_id}")]
        return self._batch_delete(keys)

    # --- polls -----------------------------------------------------------------------------
    def put_poll(self, poll: Poll) -> None:
        check_poll(poll)
        self._put(
            {
                "PK": f"POLL#{poll.id}",
                "SK": "POLL",
                "GSI1PK": "POLLS",
                "GSI1SK": f"{poll.created_at}#{poll.id}",
                "type": "poll",
                "id": poll.id,
                "question": poll.question,
                "options": [{"id": o.id, "text": o.text} for o in poll.options],
                "ends_at": poll.ends_at,
                "open_ended": poll.open_ended,
                "created_at": poll.created_at,
            }
        )

    def get_poll(self, poll_id: str) -> Poll | None:
        item = self._get(f"POLL#{poll_id}", "POLL")
        return _poll(item) if item else None

    def list_polls(self) -> list[Poll]:
        polls = [_poll(i) for i in self._query("GSI1", "POLLS")]
        return sorted(polls, key=lambda p: (p.created_at, p.id))

    def put_vote(self, vote: Vote) -> None:
        item = {
            "PK": f"POLL#{vote.poll_id}",
            "SK": f"VOTE#{vote.user_id}",
            "GSI3PK": f"VOTER#{vote.user_id}",
            "GSI3SK": vote.poll_id,
            "type": "vote",
            "poll_id": vote.poll_id,
            "user_id": vote.user_id,
            "option_id": vote.option_id,
            "cast_at": vote.cast_at,
        }
        try:
            self._call(
                "transact_write_items",
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self.table_name,
                            "Key": _key(f"POLL#{vote.poll_id}", "POLL"),
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                    {"Put": {"TableName": self.table_name, "Item": item}},
                ],
            )
        except _client_errors() as exc:
            raise StoreError(
                f"vote of user {vote.user_id}: field 'poll_id' names unknown poll {vote.poll_id!r}"
            ) from exc

    def votes_for(self, poll_id: str) -> list[Vote]:
        return [
            Vote(i["poll_id"], i["user_id"], i["option_id"], i["cast_at"])
            for i in self._query(None, f"POLL#{poll_id}", "VOTE#")
        ]

    def delete_votes_of(self, user_id: str) -> int:
        return self._batch_delete(_item_key(i) for i in self._query("GSI3", f"VOTER#{user_id}"))

    # --- memory ----------------------------------------------------------------------------
    def get_memory(self, user_id: str) -> UserMemory | None:
        item = self._get(f"USER#{user_id}", "MEMORY")
        if item is None:
            return None
        return UserMemory(
            user_id=user_id,
            products_discussed=tuple(item.get("products_discussed", [])),
            interests=tuple(item.get("interests", [])),
            opinions=tuple((str(t), str(s)) for t, s in item.get("opinions", [])),
            extra={str(k): str(v) for k, v in item.get("extra", {}).items()},
        )

    def put_memory(self, memory: UserMemory) -> None:
        item = {
            "PK": f"USER#{memory.user_id}",
            "SK": "MEMORY",
            "type": "memory",
            "products_discussed": list(memory.products_discussed),
            "interests": list(memory.interests),
            "opinions": [list(o) for o in memory.opinions],
            "extra": dict(memory.extra),
        }
        if _item_bytes(item) > MAX_ITEM_BYTES:
            raise StoreError(f"memory of user {memory.user_id}: larger than DynamoDB's 400 KB item limit")
        self._put(item)

    def delete_memory(self, user_id: str) -> bool:
        return self._delete(f"USER#{user_id}", "MEMORY")

    # --- idempotency and metadata -----------------------------------------------------------
    def claim_request(self, request_id: str, purpose: str) -> bool:
        if not request_id:
            raise StoreError("claim_request: field 'request_id' is empty")
        return self._put_if_new(
            {
                "PK": f"REQ#{request_id}",
                "SK": f"CLAIM#{purpose}",
                "type": "claim",
                "claimed_at": _now(),
                "expires_at": int(time.time()) + REQUEST_CLAIM_TTL_S,
            }
        )

    def get_meta(self, key: str) -> str | None:
        item = self._get(f"META#{key}", "META")
        return str(item["value"]) if item else None

    def set_meta(self, key: str, value: str) -> None:
        self._put({"PK": f"META#{key}", "SK": "META", "type": "meta", "value": value})


# --- record <-> item ------------------------------------------------------------------------
def _prov_attrs(provenance: Provenance) -> Item:
    return {
        "source": provenance.source,
        "source_file": provenance.source_file,
        "source_line": provenance.source_line,
    }


def _prov(item: Item) -> Provenance:
    return Provenance(item["source"], item["source_file"], int(item["source_line"]))


def _author_index(item: Item, user_id: str, sort_key: str) -> Item:
    if user_id:
        item["GSI3PK"] = f"AUTHOR#{user_id}"
        item["GSI3SK"] = sort_key
    return item


def _product_item(p: Product) -> Item:
    return {
        "PK": f"PRODUCT#{p.id}",
        "SK": "PRODUCT",
        "GSI1PK": "PRODUCTS",
        "GSI1SK": f"{p.name.casefold()}#{p.id}",
        "type": "product",
        "id": p.id,
        "name": p.name,
        "aliases": list(p.aliases),
        "brand": p.brand,
        "category": p.category,
        **_prov_attrs(p.provenance),
    }


def _product(i: Item) -> Product:
    return Product(
        id=i["id"],
        name=i["name"],
        aliases=tuple(i.get("aliases", [])),
        brand=i["brand"],
        category=i["category"],
        provenance=_prov(i),
    )


def _review_item(r: Review) -> Item:
    return _author_index(
        {
            "PK": f"REVIEW#{r.id}",
            "SK": "REVIEW",
            "GSI1PK": f"PRODUCT#{r.product_id}",
            "GSI1SK": f"REVIEW#{r.date}#{r.id}",
            "GSI2PK": f"REVIEWS#{r.status.value}",
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
            **_prov_attrs(r.provenance),
        },
        r.user_id,
        f"REVIEW#{r.date}#{r.id}",
    )


def _review(i: Item) -> Review:
    return Review(
        id=i["id"],
        product_id=i["product_id"],
        rating=int(i["rating"]),
        text=i["text"],
        title=i["title"],
        author=i["author"],
        date=i["date"],
        status=ReviewStatus(i["status"]),
        provenance=_prov(i),
        user_id=i["user_id"],
    )


def _question_item(q: Question) -> Item:
    return _author_index(
        {
            "PK": f"QUESTION#{q.id}",
            "SK": "QUESTION",
            "GSI1PK": f"PRODUCT#{q.product_id}",
            "GSI1SK": f"QUESTION#{q.date}#{q.id}",
            "GSI2PK": f"QUESTIONS#{q.status.value}",
            "GSI2SK": q.id,
            "type": "question",
            "id": q.id,
            "product_id": q.product_id,
            "text": q.text,
            "author": q.author,
            "date": q.date,
            "status": q.status.value,
            "user_id": q.user_id,
            **_prov_attrs(q.provenance),
        },
        q.user_id,
        f"QUESTION#{q.date}#{q.id}",
    )


def _question(i: Item, answers: tuple[Answer, ...]) -> Question:
    return Question(
        id=i["id"],
        product_id=i["product_id"],
        text=i["text"],
        author=i["author"],
        date=i["date"],
        answers=answers,
        status=ReviewStatus(i["status"]),
        provenance=_prov(i),
        user_id=i["user_id"],
    )


def _answer_item(a: Answer) -> Item:
    return _author_index(
        {
            "PK": f"ANSWER#{a.id}",
            "SK": "ANSWER",
            "GSI1PK": f"QUESTION#{a.question_id}",
            "GSI1SK": f"ANSWER#{a.id}",
            "GSI2PK": f"ANSWERS#{a.status.value}",
            "GSI2SK": a.id,
            "type": "answer",
            "id": a.id,
            "question_id": a.question_id,
            "text": a.text,
            "author": a.author,
            "date": a.date,
            "votes": a.votes,
            "status": a.status.value,
            "user_id": a.user_id,
            **_prov_attrs(a.provenance),
        },
        a.user_id,
        f"ANSWER#{a.date}#{a.id}",
    )


def _answer(i: Item) -> Answer:
    return Answer(
        id=i["id"],
        question_id=i["question_id"],
        text=i["text"],
        author=i["author"],
        date=i["date"],
        votes=int(i["votes"]),
        status=ReviewStatus(i["status"]),
        provenance=_prov(i),
        user_id=i["user_id"],
    )


def _user_item(u: User) -> Item:
    return {
        "PK": f"USER#{u.id}",
        "SK": "PROFILE",
        "type": "user",
        "id": u.id,
        "alexa_user_hash": u.alexa_user_hash,
        "handle": u.handle,
        "friend_code": u.friend_code,
        "created_at": u.created_at,
    }


def _lookup_keys(profile: Item) -> list[str]:
    return [
        f"ALEXA#{profile['alexa_user_hash']}",
        f"HANDLE#{lookup_key(profile['handle'])}",
        f"FRIENDCODE#{lookup_key(profile['friend_code'])}",
    ]


def _user(i: Item) -> User:
    return User(
        id=i["id"],
        alexa_user_hash=i["alexa_user_hash"],
        handle=i["handle"],
        friend_code=i["friend_code"],
        created_at=i["created_at"],
    )


def _message_item(m: Message) -> Item:
    item: Item = {
        "PK": f"MSG#{m.id}",
        "SK": "MSG",
        "GSI1PK": f"INBOX#{m.recipient_id}",
        "GSI1SK": f"{m.created_at}#{m.id}",
        "GSI3PK": f"OUTBOX#{m.sender_id}",
        "GSI3SK": f"{m.created_at}#{m.id}",
        "type": "message",
        "id": m.id,
        "sender_id": m.sender_id,
        "recipient_id": m.recipient_id,
        "text": m.text,
        "created_at": m.created_at,
        "read": m.read,
        "deleted_by_recipient": m.deleted_by_recipient,
        "reported": m.reported,
    }
    if m.reported:
        item["GSI2PK"] = "REPORTED"
        item["GSI2SK"] = f"{m.created_at}#{m.id}"
    return item


def _message(i: Item) -> Message:
    return Message(
        id=i["id"],
        sender_id=i["sender_id"],
        recipient_id=i["recipient_id"],
        text=i["text"],
        created_at=i["created_at"],
        read=bool(i["read"]),
        deleted_by_recipient=bool(i["deleted_by_recipient"]),
        reported=bool(i["reported"]),
    )


def _best_first(answers: Sequence[Answer]) -> tuple[Answer, ...]:
    """Most votes first, then newest, then by id (the order SQLite's ORDER BY gives)."""
    by_id = sorted(answers, key=lambda a: a.id)
    return tuple(sorted(by_id, key=lambda a: (a.votes, a.date), reverse=True))


def _by_time(items: Iterable[Item]) -> list[Message]:
    return sorted((_message(i) for i in items), key=lambda m: (m.created_at, m.id))


def _poll(i: Item) -> Poll:
    return Poll(
        id=i["id"],
        question=i["question"],
        options=tuple(PollOption(o["id"], o["text"]) for o in i.get("options", [])),
        ends_at=i["ends_at"],
        open_ended=bool(i["open_ended"]),
        created_at=i["created_at"],
    )
