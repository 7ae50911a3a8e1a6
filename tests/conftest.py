"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project (real data and request envelopes), or skip with a reason."""
    if not (SHARED_DIR / "data").is_dir():
        pytest.skip(f"needs the real data in {SHARED_DIR} (present in CI, absent in a user's clone)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def shared_data(shared_dir: Path) -> Path:
    """../shared/data: real reviews, Q&A and SubjQA."""
    return shared_dir / "data"
