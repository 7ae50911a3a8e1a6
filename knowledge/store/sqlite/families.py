"""Product families in the SQLite store: the families table and each listing's `family_id`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from knowledge.model import Family, FamilyOrigin, Product, ReviewStatus
from knowledge.store.base import ProductStats, StoreError
from knowledge.store.sqlite.connection import SQLiteBase, chunks
from knowledge.store.sqlite.rows import product_of
from knowledge.store.validation import check_family


class FamiliesPart(SQLiteBase):
    """Families, membership and per-family figures."""

    def _write_families(self, conn: sqlite3.Connection, families: Iterable[Family]) -> int:
        by_id = {}
        for family in families:
            check_family(family)
            by_id[family.id] = family
        if not by_id:
            return 0
        existing = self._existing("families", "id", list(by_id))
        conn.executemany(
            "INSERT INTO families (id, name, name_key, spoken_names, origin, absorbed)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
            " name_key = excluded.name_key, spoken_names = excluded.spoken_names,"
            " origin = excluded.origin, absorbed = excluded.absorbed",
            [
                (f.id, f.name, f.name.casefold(), json.dumps(list(f.spoken_names)), f.origin.value,
                 json.dumps(list(f.absorbed)))
                for f in by_id.values()
            ],
        )
        return len(by_id.keys() - existing)

    def put_families(self, families: Iterable[Family]) -> int:
        with self.transaction() as conn:
            return self._write_families(conn, families)

    def get_family(self, family_id: str) -> Family | None:
        rows = self._query("SELECT * FROM families WHERE id = ?", (family_id,))
        return _family(rows[0]) if rows else None

    def list_families(self) -> list[Family]:
        return [_family(r) for r in self._query("SELECT * FROM families ORDER BY name_key, id")]

    def delete_family(self, family_id: str) -> bool:
        with self.transaction() as conn:
            listed = conn.execute(
                "SELECT COUNT(*) FROM products WHERE family_id = ?", (family_id,)
            ).fetchone()[0]
            if listed:
                raise StoreError(
                    f"family {family_id}: still has {listed} listing(s); move them to another family first"
                )
            return conn.execute("DELETE FROM families WHERE id = ?", (family_id,)).rowcount > 0

    def set_family(self, product_ids: Sequence[str], family_id: str) -> int:
        with self.transaction() as conn:
            if not self._existing("families", "id", [family_id]):
                raise StoreError(f"field 'family_id' names unknown family {family_id!r}")
            missing = set(product_ids) - self._existing("products", "id", list(product_ids))
            if missing:
                raise StoreError(f"field 'product_id' names unknown product {min(missing)!r}")
            moved = 0
            for chunk in chunks(list(product_ids)):
                marks = ",".join("?" * len(chunk))
                moved += conn.execute(
                    f"UPDATE products SET family_id = ? WHERE id IN ({marks}) AND family_id != ?",
                    (family_id, *chunk, family_id),
                ).rowcount
            return moved

    def listings_of(self, family_id: str) -> list[Product]:
        rows = self._query(
            "SELECT * FROM products WHERE family_id = ? ORDER BY name_key, id", (family_id,)
        )
        return [product_of(r) for r in rows]

    def family_stats(self, family_id: str) -> ProductStats:
        row = self._query(
            "SELECT COUNT(*), AVG(r.rating) FROM products p JOIN reviews r ON r.product_id = p.id"
            " WHERE p.family_id = ? AND r.status = ?",
            (family_id, ReviewStatus.PUBLISHED.value),
        )[0]
        return ProductStats(int(row[0]), float(row[1]) if row[1] is not None else None)


def _family(row: sqlite3.Row) -> Family:
    return Family(
        id=row["id"],
        name=row["name"],
        spoken_names=tuple(json.loads(row["spoken_names"])),
        origin=FamilyOrigin(row["origin"]),
        absorbed=tuple(json.loads(row["absorbed"])),
    )
