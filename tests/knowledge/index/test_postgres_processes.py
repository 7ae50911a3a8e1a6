"""Writes through one process are visible to every other at once (PostgreSQL backend).

Two worker processes, each with its own connection and embedding model, as two Lambda
containers would have: a review indexed by one is found by the other's next search, a
deletion or a product removal by one is gone for the other at once, and the same review
indexed by both at the same moment is stored once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from knowledge.model import Review
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

REVIEW = Review("r-hinge", "laptop", 2, "The hinge cracked after a month and the lid now wobbles.")


class Worker:
    def __init__(self, dsn: str, log: Path) -> None:
        env = {**os.environ, "SHOPTALK_INDEX": "postgres", "SHOPTALK_INDEX_DSN": dsn, "OMP_NUM_THREADS": "1"}
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.knowledge.index.index_worker"],
            cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, text=True,
        )

    def wait_ready(self) -> None:
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        assert json.loads(line or "{}").get("ready"), f"worker failed: {self._log.name}"

    def send(self, **cmd: object) -> None:
        self.proc.stdin.write(json.dumps(cmd) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def receive(self) -> object:
        return json.loads(self.proc.stdout.readline())["result"]  # type: ignore[union-attr]

    def call(self, **cmd: object) -> object:
        self.send(**cmd)
        return self.receive()

    def stop(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=30)
        self._log.close()


@pytest.fixture
def workers(postgres_dsn: str, tmp_path: Path) -> Iterator[tuple[Worker, Worker]]:
    pair = (Worker(postgres_dsn, tmp_path / "a.log"), Worker(postgres_dsn, tmp_path / "b.log"))
    for worker in pair:
        worker.wait_ready()
    yield pair
    for worker in pair:
        worker.stop()


def _until(probe, want, within: float = 1.0) -> float:  # type: ignore[no-untyped-def]
    """Seconds until `probe()` returns `want` (fails after `within` seconds)."""
    start = time.monotonic()
    while True:
        got = probe()
        if got == want:
            return time.monotonic() - start
        assert time.monotonic() - start < within, f"still {got!r} after {within} s"


def test_a_write_in_one_process_is_searchable_and_removable_in_another(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    assert b.call(op="search", query="is the hinge sturdy", product="laptop") == []
    assert a.call(op="add_review", review=asdict(REVIEW)) == 1
    found = lambda: b.call(op="search", query="is the hinge sturdy", product="laptop")[:1]  # noqa: E731
    assert _until(found, ["r-hinge"]) < 1.0
    assert b.call(op="search", query="is the hinge sturdy")[:1] == ["r-hinge"]  # unfiltered too
    assert a.call(op="remove_review", id="r-hinge") == 1
    assert b.call(op="search", query="is the hinge sturdy", product="laptop") == []
    assert b.call(op="add_review", review=asdict(REVIEW)) == 1
    assert a.call(op="remove_product", id="laptop") == 1
    assert b.call(op="search", query="hinge cracked") == []


def test_the_same_review_indexed_by_two_processes_at_once_is_stored_once(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    for i in range(5):
        review = {**asdict(REVIEW), "id": f"r-race-{i}"}
        a.send(op="add_review", review=review)
        b.send(op="add_review", review=review)
        assert sorted([a.receive(), b.receive()]) == [0, 1]
    assert a.call(op="count") == b.call(op="count") == 5
