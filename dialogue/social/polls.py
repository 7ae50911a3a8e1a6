"""Polls by voice: hear what is open, vote (one vote per user, changeable), suggest an option
for an open-ended poll, and hear which option won once a poll has closed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from rapidfuzz import fuzz

from dialogue.reply import Reply
from dialogue.social.context import Clock, SocialTurn, ask, data_of, pending, say
from dialogue.social.profiles import Profiles
from knowledge.ids import stable_id
from knowledge.model import Poll, PollOption, User, Vote
from knowledge.moderation import moderate
from knowledge.polls import PollTally, is_open, parse_time, tally
from knowledge.store.base import Store

POLL_VOTE = "poll_vote"  # data {"poll_id"}
OPTION_MATCH_CUTOFF = 80.0
_CARRIER = re.compile(
    r"^(?:i(?:'d| would)? (?:vote|pick|choose|suggest|go) (?:for )?|vote for |my vote is |"
    r"put me down for |i pick |i choose |i suggest |the )+",
    re.IGNORECASE,
)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


def match_option(poll: Poll, spoken: str) -> PollOption | None:
    """The option `spoken` names: exact, then contained, then fuzzy ("remain in the light")."""
    said = _norm(_CARRIER.sub("", spoken.strip()))
    if not said:
        return None
    options = [(o, _norm(o.text)) for o in poll.options]
    for option, text in options:
        if said == text or said == _norm(re.sub(r"^the ", "", text)):
            return option
    contained = [o for o, text in options if re.search(rf"\b{re.escape(text)}\b", said)]
    if len(contained) == 1:
        return contained[0]
    best = max(options, key=lambda ot: fuzz.ratio(said, ot[1]), default=None)
    if best is not None and fuzz.ratio(said, best[1]) >= OPTION_MATCH_CUTOFF:
        return best[0]
    return None


def option_list(poll: Poll) -> str:
    names = [o.text for o in poll.options]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + ", or " + names[-1]


class Polls:
    """Active polls, votes and winners."""

    def __init__(self, store: Store, profiles: Profiles, clock: Clock) -> None:
        self._store = store
        self._profiles = profiles
        self._clock = clock

    def active(self, now: datetime) -> list[Poll]:
        return sorted((p for p in self._store.list_polls() if is_open(p, now)), key=lambda p: p.ends_at)

    def closed_with_winner(self, now: datetime) -> list[PollTally]:
        found = []
        for poll in self._store.list_polls():
            if not is_open(poll, now):
                counted = tally(self._store, poll)
                if counted.winner is not None:
                    found.append(counted)
        return sorted(found, key=lambda t: parse_time(t.poll.ends_at), reverse=True)

    def _my_vote(self, poll: Poll, me: User) -> PollOption | None:
        vote = next((v for v in self._store.votes_for(poll.id) if v.user_id == me.id), None)
        return next((o for o in poll.options if vote and o.id == vote.option_id), None)

    def present(self, turn: SocialTurn, skip: str = "") -> Reply:
        """"What polls are open?": the first open poll (one the user has not voted in first)."""
        now = self._clock()
        me = self._profiles.ensure(turn.user_hash, now)
        polls = [p for p in self.active(now) if p.id != skip] or self.active(now)
        if not polls:
            return ask(turn, say("poll.none"))
        polls.sort(key=lambda p: self._my_vote(p, me) is not None)
        poll = polls[0]
        speech = [say("poll.count", count=len(polls))] if len(polls) > 1 else []
        speech.append(say("poll.question", question=poll.question.rstrip("?") + "?"))
        mine = self._my_vote(poll, me)
        if mine is not None:
            speech.append(say("poll.your_vote", option=mine.text))
        if poll.open_ended and not poll.options:
            question = say("poll.suggest")
        elif poll.open_ended:
            question = say("poll.choose_or_suggest", options=option_list(poll))
        else:
            question = say("poll.choose", options=option_list(poll))
        return ask(turn, *speech, question=question, reprompt=question, pending=pending(POLL_VOTE, poll_id=poll.id))

    def vote(self, turn: SocialTurn, spoken: str | None) -> Reply:
        """"I vote for blue": a vote in the poll just presented, or the open poll it matches."""
        if not spoken or not spoken.strip():
            return self.present(turn)
        now = self._clock()
        me = self._profiles.ensure(turn.user_hash, now)
        data = data_of(turn.state.pending, POLL_VOTE)
        poll = self._store.get_poll(data["poll_id"]) if data else None
        option = match_option(poll, spoken) if poll is not None else None
        if poll is None or option is None:
            for candidate in self.active(now):
                found = match_option(candidate, spoken)
                if found is not None:
                    poll, option = candidate, found
                    break
        if poll is None:
            polls = self.active(now)
            if not polls:
                return ask(turn, say("poll.none"))
            poll = polls[0]
        if not is_open(poll, now):
            return ask(turn, say("poll.closed"))
        if option is None and poll.open_ended:
            option = self._suggest(poll, spoken)
            if option is None:
                return ask(turn, say("poll.suggestion_refused"), question=say("poll.suggest"),
                           pending=pending(POLL_VOTE, poll_id=poll.id))
        if option is None:
            question = say("poll.choose", options=option_list(poll))
            return ask(turn, say("poll.no_such_option", said=_CARRIER.sub("", spoken.strip())),
                       question=question, pending=pending(POLL_VOTE, poll_id=poll.id))
        before = self._my_vote(poll, me)
        if self._store.claim_request(turn.request_id, "vote"):  # a retry writes nothing
            self._store.put_vote(Vote(poll.id, me.id, option.id, now.isoformat(timespec="seconds")))
        if before is not None and before.id != option.id:
            return ask(turn, say("poll.changed", old=before.text, option=option.text))
        return ask(turn, say("poll.voted", option=option.text))

    def _suggest(self, poll: Poll, spoken: str) -> PollOption | None:
        text = " ".join(_CARRIER.sub("", spoken.strip()).split())
        result = moderate(text)
        if not result.published or result.text != text or len(text) > 80:
            return None
        option = PollOption(stable_id("opt", poll.id, text), text[:1].upper() + text[1:])
        fresh = self._store.get_poll(poll.id) or poll
        if all(o.id != option.id for o in fresh.options):
            self._store.put_poll(replace(fresh, options=(*fresh.options, option)))
        return option

    def present_next(self, turn: SocialTurn) -> Reply:
        """"Next" while a poll is presented: the next open poll."""
        data = data_of(turn.state.pending, POLL_VOTE) or {}
        return self.present(turn, skip=data.get("poll_id", ""))
