"""Compact, append-only columns for a million passages.

Python strings cost about 50 bytes of overhead each and a float32 embedding matrix of a
million passages alone is 1.5 GB; these columns keep texts as UTF-8 in one buffer and
vectors in one growable array (float32 for speed, float16 when the index is large), so the
1M-passage index fits the memory target.
"""

from __future__ import annotations

from array import array

import numpy as np


class StringColumn:
    """Append-only strings stored as one UTF-8 buffer plus end offsets."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")

    def append(self, value: str) -> int:
        self._data += value.encode("utf-8")
        self._ends.append(len(self._data))
        return len(self._ends) - 1

    def __getitem__(self, i: int) -> str:
        start = self._ends[i - 1] if i > 0 else 0
        return self._data[start : self._ends[i]].decode("utf-8")

    def __len__(self) -> int:
        return len(self._ends)

    def nbytes(self) -> int:
        return len(self._data) + self._ends.itemsize * len(self._ends)


class CodeColumn:
    """Append-only strings with few distinct values, stored as int32 codes into a table."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.codes: dict[str, int] = {}
        self._column = array("i")

    def code_of(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code

    def append(self, value: str) -> int:
        code = self.code_of(value)
        self._column.append(code)
        return code

    def code_at(self, i: int) -> int:
        return self._column[i]

    def __getitem__(self, i: int) -> str:
        return self.values[self._column[i]]

    def __len__(self) -> int:
        return len(self._column)

    def as_array(self) -> np.ndarray:
        return np.frombuffer(self._column, dtype=np.int32) if len(self._column) else np.zeros(0, np.int32)

    def nbytes(self) -> int:
        return self._column.itemsize * len(self._column) + sum(len(v) + 60 for v in self.values)


class VectorColumn:
    """A growable (n, dim) matrix of normalised embeddings with exact dot-product scoring."""

    CHUNK = 32768  # rows converted to float32 at a time when stored as float16

    def __init__(self, dim: int, dtype: np.dtype | type = np.float32) -> None:
        self.dim = dim
        self.dtype = np.dtype(dtype)
        self._buf = np.zeros((1024, dim), dtype=self.dtype)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def matrix(self) -> np.ndarray:
        return self._buf[: self._n]

    def extend(self, vectors: np.ndarray) -> None:
        need = self._n + len(vectors)
        if need > len(self._buf):
            grown = np.zeros((max(need, int(len(self._buf) * 1.5)), self.dim), dtype=self.dtype)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        self._buf[self._n : need] = vectors
        self._n = need

    def reserve(self, rows: int) -> None:
        if rows > len(self._buf):
            grown = np.zeros((rows, self.dim), dtype=self.dtype)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown

    def scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of `query` with every row (or the given rows), float32."""
        q = query.astype(np.float32, copy=False)
        if rows is not None:
            return (self._buf[rows].astype(np.float32, copy=False) @ q).astype(np.float32)
        if self.dtype == np.float32:
            return self._buf[: self._n] @ q
        return _half_matvec(self._buf[: self._n], q)

    def nbytes(self) -> int:
        """Bytes of the allocated buffer (capacity, not just the used rows)."""
        return int(self._buf.nbytes)


def _half_matvec(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """float16 matrix times vector. numpy has no fast float16 kernel (a 1M x 384 product took
    1.1 s converting chunks to float32); torch's takes about 40 ms on one core here."""
    try:
        import torch
    except ImportError:  # the embedder needs torch anyway; keep a correct fallback
        out = np.empty(len(matrix), dtype=np.float32)
        for start in range(0, len(matrix), VectorColumn.CHUNK):
            stop = min(len(matrix), start + VectorColumn.CHUNK)
            out[start:stop] = matrix[start:stop].astype(np.float32) @ query
        return out
    product = torch.mv(torch.from_numpy(matrix), torch.from_numpy(query.astype(np.float16)))
    return product.float().numpy()
