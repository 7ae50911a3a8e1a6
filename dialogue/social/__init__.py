"""Social features of ShopTalk: voice reviews, friends and messages, community Q&A, polls,
privacy, and the news announced at launch.

`SocialService(store, index)` is what skill/app.py builds (index is a zero-arg callable, so
the search index and its model load only when a review or answer is published). Each feature
lives in its own module and returns `dialogue.reply.Reply` values; handlers stay thin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dialogue.linking import ProductLinker
from dialogue.social.community import Community
from dialogue.social.context import Clock, SocialTurn, utc_now
from dialogue.social.friends import Friends
from dialogue.social.launch import Launch, LaunchNews
from dialogue.social.messages import Messages
from dialogue.social.polls import Polls
from dialogue.social.privacy import Privacy
from dialogue.social.profiles import Profiles
from dialogue.social.reviews import Reviews
from knowledge.store.base import Store


class SocialService:
    """One object per process holding every social feature over one store."""

    def __init__(
        self,
        store: Store,
        index: Callable[[], Any],
        clock: Clock = utc_now,
        linker: ProductLinker | None = None,
    ) -> None:
        self.store = store
        self.profiles = Profiles(store)
        linker = linker or ProductLinker(store)
        self.friends = Friends(store, self.profiles, clock)
        self.messages = Messages(store, self.profiles, self.friends, clock)
        self.reviews = Reviews(store, self.profiles, linker, index, clock)
        self.community = Community(store, self.profiles, linker, index, clock)
        self.polls = Polls(store, self.profiles, clock)
        self.privacy = Privacy(store, self.profiles, index)
        self.launch = Launch(store, self.profiles, self.friends, self.messages, self.community, self.polls, clock)


__all__ = ["LaunchNews", "SocialService", "SocialTurn"]
