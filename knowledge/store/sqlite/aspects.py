"""Review aspects in the SQLite store: one row per (review, aspect) with the review's polarity.

Rows are written with the review and deleted with it (foreign key cascade); figures are sums
over the published reviews at read time, so moderation decisions count at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from knowledge.model import Review, ReviewStatus
from knowledge.store.base import AspectFigure
from knowledge.store.review_aspects import figures, review_polarities
from knowledge.store.sqlite.connection import SQLiteBase
from knowledge.store.sqlite.rows import review_of

_FIGURES = (
    "SELECT a.aspect, COUNT(*), SUM(a.polarity = 1), SUM(a.polarity = -1)"
    " FROM review_aspects a JOIN reviews r ON r.id = a.review_id"
)


class AspectsPart(SQLiteBase):
    """What each review talks about, and the figures per listing and per family."""

    def _write_review_aspects(self, conn: sqlite3.Connection, reviews: Sequence[Review]) -> None:
        conn.executemany(
            "INSERT INTO review_aspects (review_id, aspect, polarity) VALUES (?, ?, ?)"
            " ON CONFLICT (review_id, aspect) DO UPDATE SET polarity = excluded.polarity",
            [(r.id, aspect, polarity) for r in reviews for aspect, polarity in review_polarities(r).items()],
        )

    def family_aspects(self, family_id: str) -> list[AspectFigure]:
        rows = self._query(
            _FIGURES + " JOIN products p ON p.id = r.product_id"
            " WHERE p.family_id = ? AND r.status = ? GROUP BY a.aspect",
            (family_id, ReviewStatus.PUBLISHED.value),
        )
        return figures((r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows)

    def product_aspects(self, product_id: str) -> list[AspectFigure]:
        rows = self._query(
            _FIGURES + " WHERE r.product_id = ? AND r.status = ? GROUP BY a.aspect",
            (product_id, ReviewStatus.PUBLISHED.value),
        )
        return figures((r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows)

    def reanalyse_aspects(self) -> int:
        analysed = 0
        last = ""
        while True:
            rows = self._query("SELECT * FROM reviews WHERE id > ? ORDER BY id LIMIT 1000", (last,))
            if not rows:
                return analysed
            batch = [review_of(r) for r in rows]
            with self.transaction() as conn:
                conn.executemany("DELETE FROM review_aspects WHERE review_id = ?", [(r.id,) for r in batch])
                self._write_review_aspects(conn, batch)
            analysed += len(batch)
            last = batch[-1].id
