"""Polls: create (question, options, end date), close, results chart and the winner.

The skill announces a closed poll's winner to every user at their next launch
(dialogue.social.launch), so closing a poll here is what announces it; tallies come from
`knowledge.polls`, the same count the skill speaks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from knowledge.cli.polls import DEFAULT_DAYS, MAX_OPTIONS
from knowledge.console.audit import audit
from knowledge.console.auth import actor, roles_required
from knowledge.console.charts import poll_results
from knowledge.console.records import Role
from knowledge.console.services import services
from knowledge.ids import stable_id
from knowledge.model import Poll, PollOption
from knowledge.polls import is_open, tally

blueprint = Blueprint("polls", __name__, url_prefix="/polls")


class PollFormError(ValueError):
    pass


def new_poll(question: str, option_lines: str, ends: str, open_ended: bool, now: datetime) -> Poll:
    """A poll from the form's fields, or PollFormError saying what is wrong."""
    question = " ".join(question.split())
    if not question:
        raise PollFormError("The question is empty.")
    texts = [" ".join(t.split()) for t in option_lines.splitlines() if t.strip()]
    if len({t.casefold() for t in texts}) != len(texts):
        raise PollFormError("The same option is given twice.")
    if len(texts) > MAX_OPTIONS:
        raise PollFormError(f"At most {MAX_OPTIONS} options.")
    if not open_ended and len(texts) < 2:
        raise PollFormError("A poll needs at least two options (one a line), or tick 'open' for suggestions.")
    try:
        day = date.fromisoformat(ends) if ends else (now + timedelta(days=DEFAULT_DAYS)).date()
    except ValueError:
        raise PollFormError(f"End date {ends!r}: expected a date like 2026-12-31.") from None
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
    if end <= now:
        raise PollFormError("The end date is in the past.")
    created = now.isoformat(timespec="seconds")
    poll_id = stable_id("poll", question, created)
    options = tuple(PollOption(stable_id("opt", poll_id, t), t) for t in texts)
    return Poll(poll_id, question, options, end.isoformat(timespec="seconds"), open_ended, created)


@blueprint.route("/")
@roles_required(Role.EDITOR)
def index() -> Any:
    now = datetime.now(UTC)
    store = services().store
    rows = [tally(store, p) for p in sorted(store.list_polls(), key=lambda p: p.created_at, reverse=True)]
    return render_template("polls.html", rows=rows, now=now, is_open=is_open)


@blueprint.route("/", methods=["POST"])
@roles_required(Role.EDITOR)
def create() -> Any:
    try:
        poll = new_poll(request.form.get("question", ""), request.form.get("options", ""),
                        request.form.get("ends", "").strip(), request.form.get("open") == "on", datetime.now(UTC))
    except PollFormError as exc:
        flash(str(exc), "error")
        return redirect(url_for("polls.index"))
    services().store.put_poll(poll)
    audit(services().store, actor(), "poll_created", poll.id, poll.question, request.remote_addr or "")
    return redirect(url_for("polls.show", poll_id=poll.id))


@blueprint.route("/<poll_id>")
@roles_required(Role.EDITOR)
def show(poll_id: str) -> Any:
    store = services().store
    poll = store.get_poll(poll_id)
    if poll is None:
        abort(404)
    counted = tally(store, poll)
    chart = poll_results([(c.option.text, c.votes) for c in counted.counts]) if counted.counts else None
    return render_template("poll.html", counted=counted, chart=chart, open=is_open(poll, datetime.now(UTC)))


@blueprint.route("/<poll_id>/close", methods=["POST"])
@roles_required(Role.EDITOR)
def close(poll_id: str) -> Any:
    store = services().store
    poll = store.get_poll(poll_id)
    if poll is None:
        abort(404)
    now = datetime.now(UTC)
    if is_open(poll, now):
        store.put_poll(replace(poll, ends_at=now.isoformat(timespec="seconds")))
        winner = tally(store, poll).winner
        audit(store, actor(), "poll_closed", poll.id, f"winner: {winner.option.text}" if winner else "no winner",
              request.remote_addr or "")
        flash("Poll closed. " + (f"Users hear the winner, {winner.option.text!r}, when they next open ShopTalk."
                                 if winner else "It has no clear winner, so nothing is announced."), "info")
    return redirect(url_for("polls.show", poll_id=poll_id))
