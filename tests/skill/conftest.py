"""Fixtures for the skill tests: a config on a fresh store and a simulator talking to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from skill.config import SkillConfig
from skill.simulator import Simulator


@pytest.fixture
def skill_config(tmp_path: Path) -> SkillConfig:
    """A config on a fresh SQLite store in tmp_path (seeded with the demo catalog), with the
    extractive-only generator so no model is loaded."""
    return SkillConfig.from_env({}).with_overrides(data_dir=tmp_path / "data", generator="none")


@pytest.fixture(scope="session")
def shared_skill_config(tmp_path_factory: pytest.TempPathFactory) -> SkillConfig:
    """One store for the whole test session, for tests that need the search index (built
    once, then reused from the data directory)."""
    data_dir = tmp_path_factory.mktemp("shared-skill-data")
    return SkillConfig.from_env({}).with_overrides(data_dir=data_dir, generator="none")


@pytest.fixture
def make_simulator(skill_config: SkillConfig) -> Callable[..., Simulator]:
    """Simulators for any user/locale, all on the same store and skill object."""

    def make(user: str = "tester", locale: str = "en-US") -> Simulator:
        return Simulator.from_config(skill_config, user=user, locale=locale)

    return make


@pytest.fixture
def simulator(make_simulator: Callable[..., Simulator]) -> Simulator:
    return make_simulator()
