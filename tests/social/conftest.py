"""Fixtures for the social tests: a real SQLite store with the demo catalog, a real search
index (loaded once per session), and a `Talk` per user that plays the skill's part: it keeps
the dialogue state between turns and gives every turn a fresh request id."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dialogue.reply import Reply
from dialogue.social import SocialService, SocialTurn
from dialogue.state import DialogueState
from dialogue.voice.renderer import render, strip_ssml
from knowledge.config import KnowledgeConfig
from knowledge.store import open_store
from knowledge.store.base import Store

_request_ids = itertools.count(1)


@dataclass
class Clock:
    """A settable clock, so rate limits and poll end dates can be tested."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Talk:
    """One user talking to the social service, turn by turn."""

    service: SocialService
    user_hash: str
    state: DialogueState = field(default_factory=DialogueState)
    last: Reply | None = None

    def turn(self, request_id: str | None = None) -> SocialTurn:
        return SocialTurn(self.user_hash, request_id or f"amzn1.echo-api.request.{next(_request_ids)}", self.state)

    def __call__(self, action: Callable[[SocialTurn], Reply], request_id: str | None = None) -> str:
        """Run `action` on a new turn, keep the state it returns, give back the speech text."""
        reply = action(self.turn(request_id))
        self.last = reply
        if reply.state is not None:
            self.state = reply.state
        return speech(reply)


def speech(reply: Reply, locale: str = "en-US") -> str:
    return strip_ssml(render(reply.speech, locale))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(KnowledgeConfig(data_dir=tmp_path / "data"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def real_index() -> Any:
    """An in-memory SearchIndex with the real MiniLM embedder (loaded once)."""
    from knowledge.index import SearchIndex

    return SearchIndex()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def social(store: Store, real_index: Any, clock: Clock) -> SocialService:
    return SocialService(store, lambda: real_index, clock=clock)


@pytest.fixture
def talk(social: SocialService) -> Callable[[str], Talk]:
    def make(name: str) -> Talk:
        return Talk(social, f"hash-of-{name}")

    return make
