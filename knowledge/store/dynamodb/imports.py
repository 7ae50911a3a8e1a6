"""Bulk import of products, reviews, questions and answers, all or nothing.

Imports check which ids exist (BatchGetItem), write only the new ones (BatchWriteItem, or
conditional puts for a few) and, if any write fails, delete what they wrote, take back what
they counted and restore replaced products, so a failed import leaves the table as it was.

Published reviews change their listing's and family's counters (see `stats`): a few new
review (a voice review) in one transaction with its counters, several in batches followed by
one counter update per listing. A product re-imported into another family is written in its old family
first and then moved with its counters, in one transaction, after the reviews are counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge.model import Family, Product, Question, Review
from knowledge.store.base import ImportCounts, StoreError
from knowledge.store.dynamodb.catalog import family_keys, product_item
from knowledge.store.dynamodb.client import Item, Key, item_key
from knowledge.store.dynamodb.questions import answer_item, question_item
from knowledge.store.dynamodb.reviews import review_item
from knowledge.store.dynamodb.stats import StatsPart, Tally, review_tally, tallies_by_product
from knowledge.store.dynamodb.writes import Cancelled
from knowledge.store.validation import check_product, check_review, normalised_question

SMALL_WRITE = 25  # up to this many new items are written one by one, conditionally


class ImportPart(StatsPart):
    """`import_batch` and the put_* calls built on it."""

    def put_products(self, products: Iterable[Product]) -> int:
        return self.import_batch(products=products).products_added

    def put_reviews(self, reviews: Iterable[Review]) -> int:
        return self.import_batch(reviews=reviews).reviews_added

    def put_questions(self, questions: Iterable[Question]) -> int:
        return self.import_batch(questions=questions).questions_added

    def import_batch(
        self,
        products: Iterable[Product] = (),
        reviews: Iterable[Review] = (),
        questions: Iterable[Question] = (),
        families: Iterable[Family] = (),
    ) -> ImportCounts:
        families_added = self.put_families(families)  # type: ignore[attr-defined]
        product_items: dict[str, Item] = {}
        for product in products:
            check_product(product)
            product_items[product.id] = product_item(product)
        review_items: dict[str, Item] = {}
        for review in reviews:
            check_review(review)
            review_items.setdefault(review.id, review_item(review))
        question_items: dict[str, Item] = {}
        answer_items: dict[str, Item] = {}
        for question in questions:
            question = normalised_question(question)
            question_items.setdefault(question.id, question_item(question))
            for answer in question.answers:
                answer_items.setdefault(answer.id, answer_item(answer))
        self._check_sizes([*product_items.values(), *review_items.values(), *question_items.values(), *answer_items.values()])
        stored_products = self._check_products_exist(product_items.keys(), [*review_items.values(), *question_items.values()])
        self._check_questions_exist(question_items.keys(), answer_items.values())

        old_products = self._batch_get((f"PRODUCT#{pid}", "PRODUCT") for pid in product_items)
        existing = self._batch_get(
            item_key(i) for i in [*review_items.values(), *question_items.values(), *answer_items.values()]
        )
        new_reviews = [i for i in review_items.values() if item_key(i) not in existing]
        new_questions = [i for i in question_items.values() if item_key(i) not in existing]
        new_answers = [i for i in answer_items.values() if item_key(i) not in existing]
        moves: list[tuple[str, str, str, str]] = []  # (listing, from family, to family, name)
        for pid, item in product_items.items():
            old_item = old_products.get((f"PRODUCT#{pid}", "PRODUCT"))
            old_family = str(old_item.get("family_id", "")) if old_item else ""
            if old_item and item.get("family_id", old_family) != old_family:
                moves.append((pid, old_family, item["family_id"], item["name"]))
            if old_item:  # written in the family it has; a new family comes with its counters
                for name in ("family_id", "GSI2PK", "GSI2SK"):
                    item.pop(name, None)
                item.update(family_keys(old_family, item["name"], pid))
        families = {pid: str(i.get("family_id", "")) for pid, i in {**stored_products, **product_items}.items()}
        written: list[Key] = []
        counted: list[tuple[str, Tally]] = []
        moved: list[tuple[str, str, str, str]] = []
        try:
            self._batch_put(list(product_items.values()))
            written.extend(item_key(i) for i in product_items.values())
            added = {"reviews": self._write_reviews(new_reviews, families, written, counted)}
            added.update({
                name: self._write_new(items, written)
                for name, items in (("questions", new_questions), ("answers", new_answers))
            })
            for move in moves:
                if self._move_listing(*move):
                    moved.append(move)
        except BaseException as exc:
            self._undo(written, old_products, counted, moved)
            if isinstance(exc, StoreError):
                raise StoreError(f"import rolled back: {exc}") from exc
            raise
        if product_items or moves:
            self._bump_catalog()
        return ImportCounts(
            families_added=families_added,
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
        if len(items) <= SMALL_WRITE:
            stored = []
            for item in items:
                if self._put_new(item):  # carries a pending request claim, if any
                    written.append(item_key(item))
                    stored.append(item)
            return stored
        for start in range(0, len(items), 25):
            chunk = items[start : start + 25]
            self._batch_put(chunk)
            written.extend(item_key(i) for i in chunk)
        return list(items)

    def _write_reviews(
        self, items: Sequence[Item], families: dict[str, str], written: list[Key], counted: list[tuple[str, Tally]]
    ) -> list[Item]:
        """Write new reviews and count the published ones (see the module docstring): one
        review, or one a request claim protects (a voice review), in one transaction with its
        counters; several in batches, then one counter update per listing."""
        claimed = getattr(self._claim_of_thread, "pending", None) is not None
        if len(items) > SMALL_WRITE or (len(items) > 1 and not claimed):
            stored = self._write_new(items, written)
            for pid, tally in tallies_by_product(stored).items():
                self._apply_counters(pid, tally, families.get(pid))
                counted.append((pid, tally))
            return stored
        stored = []
        for item in items:
            published = item["status"] == "published"
            for attempt in range(4):
                family = families.get(item["product_id"], "")
                also = self._counter_actions(item["product_id"], family, review_tally(item)) if published else []
                try:
                    new = self._put_new(item, also)  # carries a pending request claim, if any
                    break
                except Cancelled:  # the listing moved to another family meanwhile
                    if attempt == 3:
                        raise StoreError(f"review {item['id']}: its product kept changing family") from None
                    families[item["product_id"]] = self._family_id_of(item["product_id"])
            if new:
                written.append(item_key(item))
                stored.append(item)
                if published:
                    counted.append((item["product_id"], review_tally(item)))
        return stored

    def _undo(
        self,
        written: Sequence[Key],
        old_products: dict[Key, Item],
        counted: Sequence[tuple[str, Tally]] = (),
        moved: Sequence[tuple[str, str, str, str]] = (),
    ) -> None:
        """Compensate a failed import: move listings back, take back what it counted, delete
        what it wrote, put back the products it replaced."""
        with self._guard.compensating():
            for pid, from_family, to_family, name in reversed(moved):
                self._move_listing(pid, to_family, from_family, name)
            for pid, tally in counted:  # while the listings still exist
                self._apply_counters(pid, tally.negated())
            self._batch_delete(k for k in written if k not in old_products)
            self._delete_counters_of_new_products(written, old_products)
            self._batch_put(list(old_products.values()))

    def _delete_counters_of_new_products(self, written: Sequence[Key], old_products: dict[Key, Item]) -> None:
        new_products = [pk for pk, sk in written if sk == "PRODUCT" and (pk, sk) not in old_products]
        self._batch_delete((pk, "STATS") for pk in new_products)

    def _check_products_exist(self, batch_ids: Iterable[str], records: Sequence[Item]) -> dict[str, Item]:
        """The stored product items the records refer to (outside the batch); StoreError
        naming the first record whose product is unknown."""
        known = set(batch_ids)
        wanted = {r["product_id"] for r in records} - known
        if not wanted:
            return {}
        found = {k[0].removeprefix("PRODUCT#"): i for k, i in self._batch_get((f"PRODUCT#{p}", "PRODUCT") for p in wanted).items()}
        for record in records:
            if record["product_id"] not in known and record["product_id"] not in found:
                raise StoreError(
                    f"{record['type']} {record['id']}: field 'product_id' names unknown product {record['product_id']!r}"
                )
        return found

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
