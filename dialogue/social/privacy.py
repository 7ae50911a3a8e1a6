"""'Delete my data': ask for confirmation, then erase (knowledge.privacy.erase_user) and drop
the user's reviews from the search index."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dialogue.reply import Reply
from dialogue.social.context import SocialTurn, ask, pending, say
from dialogue.social.profiles import Profiles
from dialogue.state import DialogueState
from knowledge.privacy import Erasure, erase_user
from knowledge.store.base import Store

log = logging.getLogger(__name__)

CONFIRM_DELETE = "confirm_delete_data"


def update_index(index: Any, store: Store, erasure: Erasure) -> None:
    """Drop deleted reviews and refresh anonymised questions in an open search index."""
    for review_id in erasure.reviews_deleted:
        index.remove_review(review_id)
    for question_id in erasure.questions_anonymised:
        question = store.get_question(question_id)
        if question is not None:
            index.add_question(question)


class Privacy:
    """The confirmation dialogue around erasing a user's data."""

    def __init__(self, store: Store, profiles: Profiles, index: Callable[[], Any]) -> None:
        self._store = store
        self._profiles = profiles
        self._index = index

    def ask_first(self, turn: SocialTurn) -> Reply:
        return ask(turn, say("delete.explain"), question=say("delete.confirm"),
                   pending=pending(CONFIRM_DELETE))

    def erase(self, turn: SocialTurn) -> Reply:
        """Yes to the confirmation: erase everything and forget the session state too."""
        user = self._profiles.find(turn.user_hash)
        if user is not None:
            erasure = erase_user(self._store, user.id)
            if erasure.reviews_deleted or erasure.questions_anonymised:
                try:
                    update_index(self._index(), self._store, erasure)
                except Exception:  # the store is clean; the next index open drops the rest
                    log.exception("could not update the search index after erasing a user")
        fresh = SocialTurn(turn.user_hash, turn.request_id, DialogueState())
        return ask(fresh, say("delete.done"))

    def keep(self, turn: SocialTurn) -> Reply:
        return ask(turn, say("delete.kept"))
