"""Lexical BM25 scoring with bm25s, plus a small delta for passages added since the last build.

bm25s precomputes every (token, document) score into a sparse matrix, so it cannot take new
documents. Passages added incrementally go to a delta scored with the very same formula
(Lucene BM25: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (tf + k1 (1 - b +
b dl / avgdl))) using the main index's N, document frequencies and average length (plus the
delta's own document frequencies), so main and delta scores are on one scale. `merge` folds
the delta into a fresh main index; the search index does that when the delta grows.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

K1 = 1.2
B = 0.75
# bm25s draws four progress bars of its own; below this many documents they flash by in well
# under a second and only clutter a chat transcript or a CLI's output.
PROGRESS_FROM_DOCUMENTS = 50_000
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@functools.cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@functools.cache
def _bm25s() -> Any:
    """The bm25s module, imported on first use with its logger brought back to WARNING.

    bm25s sets its own logger to DEBUG, so its "Building index" notes would reach every handler
    of the application's root logger (a chat transcript, a CLI's stderr).
    """
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@functools.cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, Snowball-stemmed word tokens."""
    stop = _stopwords()
    words = [w.replace("'", "") for w in _WORD.findall(text.lower()) if w not in stop]
    return list(_stemmer().stemWords(words)) if words else []


def release_free_memory() -> None:
    """Hand the heap freed by a large build (millions of token strings) back to the OS.

    Without this the process keeps hundreds of MB of free heap after indexing a million
    passages; glibc's malloc_trim returns it. A no-op where glibc is absent.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError):
        return


class LexicalIndex:
    """BM25 over passages: a bm25s main index plus an incrementally grown delta."""

    def __init__(self) -> None:
        self._main: Any = None  # bm25s.BM25, None when the main part is empty
        self._main_count = 0
        self._main_df: dict[str, int] = {}
        self._avgdl = 1.0
        # delta: documents main_count .. main_count + len(delta) - 1
        self._delta_tf: list[Counter[str]] = []
        self._delta_len: list[int] = []
        self._delta_df: Counter[str] = Counter()
        self._postings: dict[str, list[int]] = {}  # token -> delta doc offsets

    # --- building --------------------------------------------------------------------------
    def build(self, texts: Sequence[str], progress: bool = False) -> None:
        """Index `texts` as the main part (documents 0..len-1); the delta is emptied."""
        bm25s = _bm25s()
        tokens = [tokenize(t) for t in texts]
        self._reset_delta()
        self._main_count = len(tokens)
        if not tokens:
            self._main, self._main_df, self._avgdl = None, {}, 1.0
            return
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.index(tokens, show_progress=progress and len(tokens) >= PROGRESS_FROM_DOCUMENTS)
        self._main = retriever
        self._set_stats(tokens_lengths=[len(t) for t in tokens])
        del tokens
        release_free_memory()

    def _set_stats(self, tokens_lengths: list[int] | None = None) -> None:
        scores = self._main.scores
        indptr = np.asarray(scores["indptr"])
        df = np.diff(indptr)
        self._main_df = {tok: int(df[i]) for tok, i in self._main.vocab_dict.items() if i < len(df)}
        if tokens_lengths is not None:
            self._avgdl = max(1e-9, sum(tokens_lengths) / max(1, len(tokens_lengths)))

    def _reset_delta(self) -> None:
        self._delta_tf, self._delta_len = [], []
        self._delta_df, self._postings = Counter(), {}

    def add(self, text: str) -> None:
        """Append one document to the delta; it is scored at once."""
        tokens = tokenize(text)
        tf = Counter(tokens)
        offset = len(self._delta_tf)
        self._delta_tf.append(tf)
        self._delta_len.append(len(tokens))
        for tok in tf:
            self._delta_df[tok] += 1
            self._postings.setdefault(tok, []).append(offset)
        if self._main_count == 0:
            lengths = self._delta_len
            self._avgdl = max(1e-9, sum(lengths) / len(lengths))

    @property
    def doc_count(self) -> int:
        return self._main_count + len(self._delta_tf)

    @property
    def delta_count(self) -> int:
        return len(self._delta_tf)

    # --- scoring ---------------------------------------------------------------------------
    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document (main then delta) for `query`, float32."""
        tokens = tokenize(query)
        out = np.zeros(self.doc_count, dtype=np.float32)
        if not tokens:
            return out
        if self._main is not None:
            ids = self._main.get_tokens_ids(tokens)
            if ids:
                scores = self._main.scores
                for tid in ids:
                    lo, hi = scores["indptr"][tid], scores["indptr"][tid + 1]
                    out[: self._main_count] += np.bincount(
                        scores["indices"][lo:hi],
                        weights=scores["data"][lo:hi],
                        minlength=self._main_count,
                    ).astype(np.float32)
        if self._delta_tf:
            self._score_delta(tokens, out[self._main_count :])
        return out

    def _score_delta(self, tokens: list[str], out: np.ndarray) -> None:
        n = self.doc_count
        for tok in tokens:
            postings = self._postings.get(tok)
            if not postings:
                continue
            df = self._main_df.get(tok, 0) + self._delta_df[tok]
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            for offset in postings:
                tf = self._delta_tf[offset][tok]
                norm = K1 * (1.0 - B + B * self._delta_len[offset] / self._avgdl)
                out[offset] += idf * tf / (tf + norm)

    # --- persistence -----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Persist the main part (the delta is rebuilt from passages on load)."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "count").write_text(f"{self._main_count} {self._avgdl!r}\n")
        if self._main is not None:
            self._main.save(str(directory))

    def load(self, directory: Path) -> int | None:
        """Load a saved main part; returns its document count, None when absent or broken."""
        bm25s = _bm25s()
        try:
            count_text, avgdl_text = (directory / "count").read_text().split()
            count, avgdl = int(count_text), float(avgdl_text)
        except (OSError, ValueError):
            return None
        self._reset_delta()
        self._main_count = count
        self._avgdl = avgdl
        if count == 0:
            self._main = None
            self._main_df = {}
            return 0
        try:
            self._main = bm25s.BM25.load(str(directory))
        except (OSError, ValueError, KeyError):
            self._main, self._main_count = None, 0
            return None
        if int(self._main.scores["num_docs"]) != count:
            self._main, self._main_count = None, 0
            return None
        self._set_stats()
        return count

    def nbytes(self) -> int:
        """Bytes held by the BM25 arrays and vocabulary (an estimate for the delta)."""
        total = 0
        if self._main is not None:
            for key in ("data", "indices", "indptr"):
                total += np.asarray(self._main.scores[key]).nbytes
            total += sum(len(t) + 64 for t in self._main.vocab_dict)
            total += len(self._main_df) * 100
        total += sum(len(tf) * 80 for tf in self._delta_tf)
        return total
