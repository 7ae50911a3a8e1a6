"""Persistence of the search index beside the store, as an append-only journal.

Layout of `<data_dir>/index/`:
  manifest.json     format version, embedding model and dimension
  passages.jsonl    one JSON array per row: role, product, source id, source key, text,
                    context, rating, question, target row
  vectors.f16       the rows' embeddings, float16, row-major, appended in step with passages
  tombstones.jsonl  removals ({"key" or "product": ..., "before": rows}) replayed on load;
                    a removal kills only rows older than it, so a later re-add survives
  bm25/             the bm25s main index over the first `count` rows (later rows are delta)

Incremental adds append to passages.jsonl and vectors.f16, so another process sees them on
its next open. A torn append (crash between the two files) loads as the shorter of the two;
the store diff on open then re-adds what is missing. Full writes go to a sibling directory
that replaces the old one, so a crash never leaves a half-written index.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.index.lexical import LexicalIndex
from knowledge.index.passages import Passage

if TYPE_CHECKING:
    from knowledge.index.search_index import SearchIndex

FORMAT = 1
MODEL = "all-MiniLM-L6-v2"
DIMENSION = 384


class IndexJournal:
    """Reads and writes one persisted index directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def _passages(self) -> Path:
        return self.directory / "passages.jsonl"

    @property
    def _vectors(self) -> Path:
        return self.directory / "vectors.f16"

    @property
    def _tombstones(self) -> Path:
        return self.directory / "tombstones.jsonl"

    @property
    def _manifest(self) -> Path:
        return self.directory / "manifest.json"

    def exists(self) -> bool:
        return self._manifest.is_file() and self._passages.is_file() and self._vectors.is_file()

    # --- writing ---------------------------------------------------------------------------
    def append(
        self,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        targets: Sequence[int],
        rows_start: int,
    ) -> None:
        """Append rows `rows_start ..` (vectors first, so a torn write loses the row)."""
        if not self.exists():
            return
        with open(self._vectors, "ab") as f:
            f.write(np.ascontiguousarray(vectors, dtype=np.float16).tobytes())
            f.flush()
            os.fsync(f.fileno())
        with open(self._passages, "a", encoding="utf-8") as f:
            for p, target in zip(passages, targets, strict=True):
                f.write(_row_json(p, target) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def tombstone(self, key: str | None = None, product: str | None = None, before: int = 0) -> None:
        """Record a removal of the rows before row `before` (rows added later stay)."""
        if not self.exists():
            return
        record: dict[str, str | int | None] = (
            {"key": key} if key is not None else {"product": product}
        )
        record["before"] = before
        with open(self._tombstones, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def save_lexical(self, lexical: LexicalIndex) -> None:
        if self.exists():
            target = self.directory / "bm25"
            tmp = self.directory / "bm25.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            lexical.save(tmp)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(tmp, target)

    def write_all(self, index: SearchIndex) -> None:
        """Write the whole index (it must have no dead rows) into a fresh directory."""
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for row in range(index.row_count):
                p = index.passage_at(row)
                f.write(_row_json(p, p.target) + "\n")
        index.vectors_matrix().astype(np.float16).tofile(tmp / "vectors.f16")
        (tmp / "tombstones.jsonl").write_text("")
        index.lexical().save(tmp / "bm25")
        manifest = {"format": FORMAT, "model": MODEL, "dim": DIMENSION}
        (tmp / "manifest.json").write_text(json.dumps(manifest) + "\n")
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            os.replace(self.directory, old)
        os.replace(tmp, self.directory)
        shutil.rmtree(old, ignore_errors=True)

    # --- reading ---------------------------------------------------------------------------
    def load_into(self, index: SearchIndex) -> bool:
        """Fill an empty `index` from disk; False when missing or of another format/model."""
        if not self.exists():
            return False
        try:
            manifest = json.loads(self._manifest.read_text())
        except (OSError, ValueError):
            return False
        if manifest.get("format") != FORMAT or manifest.get("model") != MODEL:
            return False
        passages, targets = _read_rows(self._passages)
        raw = np.fromfile(self._vectors, dtype=np.float16)
        vectors = raw[: (len(raw) // DIMENSION) * DIMENSION].reshape(-1, DIMENSION)
        n = min(len(passages), len(vectors))
        targets = [t if t < n else -1 for t in targets[:n]]
        from knowledge.index.search_index import FLOAT16_ABOVE_ROWS

        index._reset(np.float16 if n > FLOAT16_ABOVE_ROWS else np.float32)
        index._vectors.reserve(n + 1024)
        journal, index._journal = index._journal, None
        try:
            index._append_rows(passages[:n], vectors[:n], targets, lexical=False)
            lexical = index.lexical()
            main = lexical.load(self.directory / "bm25")
            if main is None or main > n:
                lexical.build([p.index_text for p in passages[:n]])
            else:
                for p in passages[main:n]:
                    lexical.add(p.index_text)
            for record in _read_tombstones(self._tombstones):
                before = record.get("before")
                index.apply_tombstone(
                    key=record.get("key"),
                    product=record.get("product"),
                    before=int(before) if before is not None else None,
                )
        finally:
            index._journal = journal
        return True


def _row_json(p: Passage, target: int) -> str:
    return json.dumps(
        [p.role, p.product_id, p.source_id, p.source_key, p.text, p.context, p.rating,
         p.question, target],
        ensure_ascii=False,
    )


def _read_rows(path: Path) -> tuple[list[Passage], list[int]]:
    passages: list[Passage] = []
    targets: list[int] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                role, product, source, key, text, context, rating, question, target = json.loads(line)
            except ValueError:
                break  # a torn last line: the store diff re-adds what it held
            passages.append(
                Passage(role, text, product, source, key, context, rating, question, target)
            )
            targets.append(int(target))
    return passages, targets


def _read_tombstones(path: Path) -> list[dict[str, str | int]]:
    if not path.is_file():
        return []
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                records.append(json.loads(line))
            except ValueError:
                break
    return records
