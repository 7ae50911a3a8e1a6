"""Products, reviews and the all-or-nothing import batch of the SQLite store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from knowledge.model import Family, Product, Question, Review, ReviewStatus
from knowledge.store.base import ImportCounts, ProductStats, StoreCounts, StoreError
from knowledge.store.sqlite.connection import with_status
from knowledge.store.sqlite.aspects import AspectsPart
from knowledge.store.sqlite.families import FamiliesPart
from knowledge.store.sqlite.rows import (
    changed_questions,
    product_of,
    provenance_columns,
    review_of,
)
from knowledge.store.validation import check_product, check_review


class CatalogPart(FamiliesPart, AspectsPart):
    """Products, reviews and bulk import (families are written in the same transaction)."""

    def _write_products(self, conn: sqlite3.Connection, products: Iterable[Product]) -> int:
        by_id: dict[str, Product] = {}
        for product in products:
            check_product(product)
            by_id[product.id] = product
        if not by_id:
            return 0
        existing = self._existing("products", "id", list(by_id))
        conn.executemany(
            "INSERT INTO products (id, name, name_key, aliases, brand, category, source,"
            " source_file, source_line, family_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,"
            " aliases = excluded.aliases, brand = excluded.brand, category = excluded.category,"
            " source = excluded.source, source_file = excluded.source_file,"
            " source_line = excluded.source_line,"
            # a listing without a family keeps the one it has (an editor's merge survives)
            " family_id = CASE WHEN excluded.family_id != '' THEN excluded.family_id"
            " ELSE products.family_id END",
            [
                (
                    p.id,
                    p.name,
                    p.name.casefold(),
                    json.dumps(list(p.aliases)),
                    p.brand,
                    p.category,
                    *provenance_columns(p.provenance),
                    p.family_id,
                )
                for p in by_id.values()
            ],
        )
        return len(by_id.keys() - existing)

    def put_products(self, products: Iterable[Product]) -> int:
        with self.transaction() as conn:
            return self._write_products(conn, products)

    def get_product(self, product_id: str) -> Product | None:
        rows = self._query("SELECT * FROM products WHERE id = ?", (product_id,))
        return product_of(rows[0]) if rows else None

    def list_products(self) -> list[Product]:
        return [product_of(r) for r in self._query("SELECT * FROM products ORDER BY name_key, id")]

    def remove_product(self, product_id: str) -> bool:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM products WHERE id = ?", (product_id,)).rowcount > 0

    def has_products(self) -> bool:
        return bool(self._query("SELECT 1 FROM products LIMIT 1"))

    def catalog_version(self) -> str:
        rows = self._query("SELECT value FROM meta WHERE key = 'catalog_version'")  # kept by triggers
        return str(rows[0][0]) if rows else "0"

    def product_stats(self, product_id: str) -> ProductStats:
        row = self._query(
            "SELECT COUNT(*), AVG(rating) FROM reviews WHERE product_id = ? AND status = ?",
            (product_id, ReviewStatus.PUBLISHED.value),
        )[0]
        return ProductStats(int(row[0]), float(row[1]) if row[1] is not None else None)

    def counts(self) -> StoreCounts:
        by_status = {
            r[0]: int(r[1])
            for r in self._query("SELECT status, COUNT(*) FROM reviews GROUP BY status")
        }
        return StoreCounts(
            products=int(self._query("SELECT COUNT(*) FROM products")[0][0]),
            reviews_published=by_status.get(ReviewStatus.PUBLISHED.value, 0),
            reviews_pending=by_status.get(ReviewStatus.PENDING.value, 0),
            reviews_rejected=by_status.get(ReviewStatus.REJECTED.value, 0),
            questions=int(self._query("SELECT COUNT(*) FROM questions")[0][0]),
            answers=int(self._query("SELECT COUNT(*) FROM answers")[0][0]),
        )

    # --- bulk import -----------------------------------------------------------------------
    def import_batch(
        self,
        products: Iterable[Product] = (),
        reviews: Iterable[Review] = (),
        questions: Iterable[Question] = (),
        families: Iterable[Family] = (),
    ) -> ImportCounts:
        with self.transaction() as conn:
            families_added = self._write_families(conn, families)
            products_added = self._write_products(conn, products)
            new_reviews = self._write_reviews(conn, reviews)
            new_questions, new_answers = self._write_questions(conn, questions)
        return ImportCounts(
            families_added=families_added,
            products_added=products_added,
            reviews_added=len(new_reviews),
            questions_added=len(new_questions),
            answers_added=len(new_answers),
            new_review_ids=tuple(new_reviews),
            changed_question_ids=changed_questions(new_questions, new_answers),
        )

    # --- reviews ---------------------------------------------------------------------------
    def _check_products_exist(self, kind: str, records: Sequence[Review] | Sequence[Question]) -> None:
        wanted = {r.product_id for r in records}
        missing = wanted - self._existing("products", "id", list(wanted))
        if missing:
            first = next(r for r in records if r.product_id in missing)
            raise StoreError(f"{kind} {first.id}: field 'product_id' names unknown product {first.product_id!r}")

    def _write_reviews(self, conn: sqlite3.Connection, reviews: Iterable[Review]) -> list[str]:
        """Insert the reviews whose ids are new (first occurrence wins); returns those ids."""
        batch = list(reviews)
        for review in batch:
            check_review(review)
        if not batch:
            return []
        self._check_products_exist("review", batch)
        existing = self._existing("reviews", "id", [r.id for r in batch])
        new_ids = [i for i in dict.fromkeys(r.id for r in batch) if i not in existing]
        conn.executemany(
            "INSERT INTO reviews (id, product_id, rating, title, text, author, date, status,"
            " source, source_file, source_line, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [
                (
                    r.id,
                    r.product_id,
                    r.rating,
                    r.title,
                    r.text,
                    r.author,
                    r.date,
                    r.status.value,
                    *provenance_columns(r.provenance),
                    r.user_id,
                )
                for r in batch
            ],
        )
        first = {r.id: r for r in reversed(batch)}  # the first occurrence of each id is stored
        self._write_review_aspects(conn, [first[i] for i in new_ids])
        return new_ids

    def put_reviews(self, reviews: Iterable[Review]) -> int:
        with self.transaction() as conn:
            return len(self._write_reviews(conn, reviews))

    def get_review(self, review_id: str) -> Review | None:
        rows = self._query("SELECT * FROM reviews WHERE id = ?", (review_id,))
        return review_of(rows[0]) if rows else None

    def reviews_for(
        self, product_id: str, status: ReviewStatus | None = ReviewStatus.PUBLISHED
    ) -> list[Review]:
        sql, params = with_status(
            "SELECT * FROM reviews WHERE product_id = ?", [product_id], status
        )
        return [review_of(r) for r in self._query(sql + " ORDER BY date DESC, id DESC", params)]

    def recent_reviews(
        self,
        product_id: str,
        since_date: str,
        status: ReviewStatus | None = ReviewStatus.PUBLISHED,
    ) -> list[Review]:
        sql, params = with_status(
            "SELECT * FROM reviews WHERE product_id = ? AND date >= ? AND date != ''",
            [product_id, since_date],
            status,
        )
        return [review_of(r) for r in self._query(sql + " ORDER BY date DESC, id DESC", params)]

    def iter_reviews(self, status: ReviewStatus | None = ReviewStatus.PUBLISHED) -> Iterator[Review]:
        yield from self._iter_by_id("reviews", status, review_of)


    def set_review_status(self, review_id: str, status: ReviewStatus) -> bool:
        return self._update("UPDATE reviews SET status = ? WHERE id = ?", (status.value, review_id))

    def delete_review(self, review_id: str) -> bool:
        return self._update("DELETE FROM reviews WHERE id = ?", (review_id,))

    def reviews_by_user(self, user_id: str) -> list[Review]:
        rows = self._query(
            "SELECT * FROM reviews WHERE user_id = ? AND user_id != '' ORDER BY date DESC, id DESC",
            (user_id,),
        )
        return [review_of(r) for r in rows]
