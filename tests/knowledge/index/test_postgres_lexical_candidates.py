"""Unfiltered PostgreSQL search finds its lexical candidates through the query's rarest terms
and ranks them by BM25, so a common word's many matches cannot crowd out the passage that
has the rare one; and the local server takes the settings a benchmark gives it."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import psycopg
import pytest

from knowledge.index.fusion import FusionParams
from knowledge.index.passages import ROLE_REVIEW, Passage
from knowledge.index.postgres import Connection, PostgresIndex, search
from knowledge.index.postgres.bm25 import CorpusStats
from knowledge.index.postgres.local_server import LocalPostgres


def _stats(**df: int) -> CorpusStats:
    return CorpusStats(documents=1_000_000, mean_length=10.0, df=df)


def test_scan_terms_keeps_the_rarest_terms_within_the_postings_budget() -> None:
    stats = _stats(zircon=40, bezel=9_000, strap=12_000, watch=30_000, the=600_000)
    chosen = search.scan_terms(["the", "watch", "strap", "bezel", "zircon"], stats)
    assert chosen == ["zircon", "bezel"]  # strap would take the postings past 15,000


def test_scan_terms_always_keeps_the_rarest_even_over_budget() -> None:
    assert search.scan_terms(["watch", "band"], _stats(watch=30_000, band=20_000)) == ["band"]


def test_scan_terms_falls_back_to_every_term_when_all_are_common() -> None:
    stats = _stats(the=600_000, it=550_000)
    assert sorted(search.scan_terms(["the", "it", "the"], stats)) == ["it", "the"]


def test_scan_terms_ignores_nothing_in_a_small_corpus() -> None:
    stats = CorpusStats(documents=200, mean_length=10.0, df={"battery": 3, "life": 5, "long": 8})
    assert sorted(search.scan_terms(["battery", "life", "long"], stats)) == ["battery", "life", "long"]


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    m = rng.normal(size=(n, 384)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


@pytest.mark.slow
def test_a_common_word_does_not_crowd_out_the_rare_match(
    postgres_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    filler = [
        Passage(ROLE_REVIEW, f"The sparkle of this lamp number {i} is nice in the evening light.",
                "lamp", f"r{i}", f"k{i}", rating=4)
        for i in range(60)
    ]
    rare = Passage(ROLE_REVIEW, "Zircon sparkle.", "ring", "r-zircon", "k-zircon", rating=5)
    passages = [*filler, rare]  # the rare one is stored last, after every common match
    rng = np.random.default_rng(3)
    index = PostgresIndex(Connection(postgres_dsn), embedder=lambda texts: _unit(rng, len(texts)))
    try:
        index.add_passages(passages, _unit(rng, len(passages)))
        monkeypatch.setattr(search, "RARE_TERM_SHARE", 1.0)  # both words count as rare here
        monkeypatch.setattr(search, "SCAN_POSTINGS", 5)  # ... but only one fits the budget
        monkeypatch.setattr(search, "LEXICAL_SCAN_CAP", 20)
        lexical = replace(FusionParams.lexical_only(), candidates=3)
        hits = index.search_vector("zircon sparkle", _unit(rng, 1)[0], None, 3, lexical)
        assert hits and hits[0].source_id == "r-zircon", [h.source_id for h in hits]
    finally:
        index.close()


@pytest.mark.slow
def test_the_local_server_takes_its_settings() -> None:
    pytest.importorskip("pgserver", reason="pgserver from requirements-dev.txt")
    directory = Path(tempfile.mkdtemp(prefix="shoptalk-pg-settings-"))
    server = LocalPostgres(directory / "data", {"shared_buffers": "48MB", "work_mem": "8MB"}).start()
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as conn:
            assert conn.execute("SHOW shared_buffers").fetchone()[0] == "48MB"
            assert conn.execute("SHOW work_mem").fetchone()[0] == "8MB"
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
