"""What the skill announces when a user opens it: pending friend requests (asking whether to
accept), unread messages, answers to their questions, a new poll to vote in, and polls that
closed with a winner.

Answers and poll results are announced once per user: what was announced is remembered in
the user's memory (`extra`), which "delete my data" erases with everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogue.linking import speakable_name
from dialogue.reply import Say
from dialogue.social.community import Community
from dialogue.social.context import Clock, SocialTurn, counted, pending, say
from dialogue.social.friends import Friends
from dialogue.social.messages import Messages
from dialogue.social.polls import Polls
from dialogue.social.profiles import Profiles
from dialogue.state import Pending
from knowledge.model import UserMemory
from knowledge.store.base import Store

READ_NEW_MESSAGES = "read_new_messages"
HEARD_ANSWERS = "social.heard_answers"
HEARD_POLLS = "social.heard_polls"
MAX_REMEMBERED = 200  # ids kept per list


@dataclass(frozen=True)
class LaunchNews:
    """News to speak after the greeting, and at most one yes/no question to end with."""

    speech: tuple[Say, ...] = ()
    question: Say | None = None
    pending: Pending | None = None


class Launch:
    """Builds the launch announcements of one user."""

    def __init__(
        self, store: Store, profiles: Profiles, friends: Friends, messages: Messages,
        community: Community, polls: Polls, clock: Clock,
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._friends = friends
        self._messages = messages
        self._community = community
        self._polls = polls
        self._clock = clock

    def news(self, turn: SocialTurn) -> LaunchNews:
        me = self._profiles.find(turn.user_hash)
        if me is None:
            return LaunchNews()
        speech: list[Say] = []
        question: Say | None = None
        follow: Pending | None = None
        memory = self._store.get_memory(me.id) or UserMemory(user_id=me.id)
        extra = dict(memory.extra)

        requests = self._friends.requests_to(me.id)
        if requests:
            lines, follow = self._friends.request_question(requests[0], len(requests))
            speech.extend(lines[:-1])
            question = lines[-1]

        unread = self._store.messages_to(me.id, unread_only=True)
        if unread:
            senders = []
            for message in unread:
                sender = self._store.get_user(message.sender_id)
                name = sender.handle if sender else "a former friend"
                if name not in senders:
                    senders.append(name)
            names = senders[0] if len(senders) == 1 else ", ".join(senders[:-1]) + " and " + senders[-1]
            if question is None:
                question = counted("launch.read_them", len(unread), names=names)
                follow = pending(READ_NEW_MESSAGES)
            else:
                speech.append(counted("launch.unread", len(unread), names=names))

        heard_answers = set(extra.get(HEARD_ANSWERS, "").split())
        for q, answer in self._community.new_answers(me, heard_answers)[:2]:
            product = self._store.get_product(q.product_id)
            speech.append(say("launch.answered", product=speakable_name(product) if product else "a product",
                              question=q.text, author=answer.author or "another shopper", answer=answer.text))
            heard_answers.add(answer.id)

        heard_polls = set(extra.get(HEARD_POLLS, "").split())
        for result in self._polls.closed_with_winner(self._clock()):
            if result.poll.id in heard_polls or result.winner is None:
                continue
            speech.append(counted("launch.poll_winner", result.winner.votes,
                                  question=result.poll.question.rstrip("?") + "?",
                                  option=result.winner.option.text))
            heard_polls.add(result.poll.id)
            break

        now = self._clock()
        for poll in self._polls.active(now):
            key = f"open:{poll.id}"
            if key in heard_polls or any(v.user_id == me.id for v in self._store.votes_for(poll.id)):
                continue
            speech.append(say("launch.poll_open", question=poll.question.rstrip("?") + "?"))
            heard_polls.add(key)
            break

        remembered = {
            HEARD_ANSWERS: " ".join(sorted(heard_answers)[-MAX_REMEMBERED:]),
            HEARD_POLLS: " ".join(sorted(heard_polls)[-MAX_REMEMBERED:]),
        }
        if any(extra.get(k, "") != v for k, v in remembered.items()):
            self._store.put_memory(replace(memory, extra={**extra, **{k: v for k, v in remembered.items() if v}}))
        return LaunchNews(tuple(speech), question, follow)
