"""An on-disk cache of passage embeddings for benchmark runs.

Benchmarks embed the same texts on every run; caching them by content hash makes tuning on
the train/dev splits quick. Ingest throughput is never measured through this cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from knowledge.index.embedder import DIMENSION


class CachedEmbedder:
    """Wraps an embedder; vectors of texts seen before come from `<directory>/vectors.npz`."""

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray], directory: Path | None) -> None:
        self._embed = embed
        self._file = directory / "vectors.npz" if directory else None
        self._known: dict[str, np.ndarray] = {}
        self._dirty = False
        if self._file is not None and self._file.is_file():
            with np.load(self._file) as data:
                keys, vectors = data["keys"], data["vectors"]
            self._known = {str(k): v for k, v in zip(keys, vectors, strict=True)}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in self._known}.items())
        if todo:
            vectors = self._embed([t for _, t in todo])
            for (h, _), v in zip(todo, vectors, strict=True):
                self._known[h] = v.astype(np.float32)
            self._dirty = True
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack([self._known[h] for h in hashes]).astype(np.float32)

    def save(self) -> None:
        if self._file is None or not self._dirty:
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._known), dtype="U40")
        vectors = np.stack(list(self._known.values())).astype(np.float32)
        tmp = self._file.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(self._file)
        self._dirty = False
