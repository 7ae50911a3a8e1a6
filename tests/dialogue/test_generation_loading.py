"""Lazy model loading within a budget, and the thread count for local models."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from dialogue.generation import loading
from dialogue.generation.loading import LazyModel, ModelLoadError, default_threads


def test_a_slow_load_does_not_block_past_the_timeout_and_happens_once() -> None:
    calls: list[int] = []
    release = threading.Event()

    def load() -> str:
        calls.append(1)
        release.wait(5)
        return "model"

    lazy: LazyModel[str] = LazyModel(load, "test model")
    started = time.monotonic()
    assert lazy.get(timeout=0.05) is None
    assert time.monotonic() - started < 0.5
    release.set()
    assert lazy.get(timeout=5) == "model" and lazy.get() == "model"
    assert len(calls) == 1 and lazy.ready


def test_a_failed_load_is_reported_to_every_caller() -> None:
    def load() -> str:
        raise FileNotFoundError("weights.gguf")

    lazy: LazyModel[str] = LazyModel(load, "test model")
    for _ in range(2):
        with pytest.raises(ModelLoadError, match="could not load test model: weights.gguf"):
            lazy.get(timeout=5)


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 1), (4, 2), (8, 4), (64, 4)])
def test_threads_are_half_the_cores_whatever_the_load(
    monkeypatch: pytest.MonkeyPatch, cores: int, expected: int
) -> None:
    monkeypatch.setattr(loading.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    for load in (0.0, 16.0):
        monkeypatch.setattr(loading.os, "getloadavg", lambda load=load: (load, load, load))
        assert default_threads({}) == expected


def test_threads_can_be_configured() -> None:
    assert default_threads({"SHOPTALK_MODEL_THREADS": "3"}) == 3
    assert default_threads({"SHOPTALK_MODEL_THREADS": " "}) >= 1  # blank: the default
    with pytest.raises(ValueError, match="SHOPTALK_MODEL_THREADS must be a whole number.*'two'"):
        default_threads({"SHOPTALK_MODEL_THREADS": "two"})
    with pytest.raises(ValueError, match="SHOPTALK_MODEL_THREADS must be at least 1, not 0"):
        default_threads({"SHOPTALK_MODEL_THREADS": "0"})


def test_threads_on_this_machine_are_between_one_and_four() -> None:
    assert 1 <= default_threads({}) <= min(4, os.cpu_count() or 1)


def test_abandoned_conversion_folders_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    from dialogue.generation.conversion import STALE_AFTER_S, _remove_abandoned

    old = tmp_path / ".smollm2-135m-fp32.abc"
    fresh = tmp_path / ".smollm2-135m-fp32.def"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "model.safetensors").write_bytes(b"partial")
    past = time.time() - STALE_AFTER_S - 60
    os.utime(old, (past, past))

    _remove_abandoned(tmp_path, "smollm2-135m-fp32")

    assert not old.exists() and fresh.exists()
