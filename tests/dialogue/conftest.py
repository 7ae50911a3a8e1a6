"""Fixtures for the dialogue tests: real SQLite stores (demo catalog, and the Datafiniti
reviews imported with the knowledge CLI), real indexes, and simulators on top of them.

Stores and indexes are built once per test session (building the index embeds every
passage), and each test gets its own simulator user so sessions and memories never mix.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dialogue.config import DialogueConfig
from dialogue.manager import DialogueManager
from knowledge.config import KnowledgeConfig
from knowledge.store import open_store
from knowledge.store.base import Store
from skill.config import SkillConfig
from skill.simulator import Simulator

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATAFINITI = "reviews/datafiniti_amazon_devices.csv"
_users = itertools.count(1)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the demo catalog (seeded on first open)."""
    return tmp_path_factory.mktemp("demo-data")


@pytest.fixture(scope="session")
def demo_store(demo_dir: Path) -> Iterator[Store]:
    store = open_store(KnowledgeConfig(data_dir=demo_dir))
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_manager(demo_store: Store, demo_dir: Path) -> DialogueManager:
    """A dialogue manager on the demo catalog with its real index, extractive answers."""
    from knowledge.index import open_index

    index = open_index(demo_store, KnowledgeConfig(data_dir=demo_dir))
    return DialogueManager(demo_store, lambda: index, lambda: None, DialogueConfig(generator="none"))


def _simulators(config: SkillConfig) -> Callable[..., Simulator]:
    def make(locale: str = "en-US", user: str | None = None) -> Simulator:
        return Simulator.from_config(config, user=user or f"dialogue-{next(_users)}", locale=locale)

    return make


@pytest.fixture(scope="session")
def demo_config(demo_dir: Path) -> SkillConfig:
    return SkillConfig.from_env({}).with_overrides(data_dir=demo_dir, generator="none")


@pytest.fixture
def demo_simulator(demo_config: SkillConfig) -> Callable[..., Simulator]:
    """Simulators (a new user each) on the demo catalog."""
    return _simulators(demo_config)


@pytest.fixture(scope="session")
def datafiniti_dir(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A data directory with the Datafiniti reviews imported by `python -m knowledge import`."""
    data_dir = tmp_path_factory.mktemp("datafiniti-data")
    result = subprocess.run(
        [sys.executable, "-m", "knowledge", "--data-dir", str(data_dir), "import", str(shared_data / DATAFINITI)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, f"import failed: {result.stderr[-2000:]}"
    return data_dir


@pytest.fixture(scope="session")
def datafiniti_store(datafiniti_dir: Path) -> Iterator[Store]:
    store = open_store(KnowledgeConfig(data_dir=datafiniti_dir))
    yield store
    store.close()


@pytest.fixture(scope="session")
def datafiniti_config(datafiniti_dir: Path) -> SkillConfig:
    return SkillConfig.from_env({}).with_overrides(data_dir=datafiniti_dir, generator="none")


@pytest.fixture
def datafiniti_simulator(datafiniti_config: SkillConfig) -> Callable[..., Simulator]:
    """Simulators (a new user each) on the demo catalog plus the Datafiniti reviews."""
    return _simulators(datafiniti_config)
