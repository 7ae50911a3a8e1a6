"""`poll create QUESTION --option A --option B [--open] [--ends YYYY-MM-DD]`, `poll list`,
`poll results ID [--json]`: polls for the content team.

`create` prints a summary and then the new poll's id alone on the last line, so scripts can
take it with `tail -n 1`. A poll takes votes until the end of its end date (UTC); an open
poll (`--open`) also collects users' suggestions as new options.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime, time, timedelta

from knowledge.cli.context import EXIT_OK, CliContext, CliError, UsageError
from knowledge.ids import stable_id
from knowledge.model import Poll, PollOption
from knowledge.polls import is_open, tally

DEFAULT_DAYS = 7
MAX_OPTIONS = 10


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("poll", help="polls: create, list, results")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    a = actions.add_parser("create", help="create a poll (prints its id on the last line)")
    a.add_argument("question", metavar="QUESTION")
    a.add_argument("--option", action="append", default=[], metavar="TEXT",
                   help="a choice (repeat for each option)")
    a.add_argument("--open", action="store_true", help="users may suggest their own options")
    a.add_argument("--ends", metavar="YYYY-MM-DD",
                   help=f"last day of voting, UTC (default: {DEFAULT_DAYS} days from today)")
    a.set_defaults(run=run_create)
    a = actions.add_parser("list", help="every poll with its end date and vote count")
    a.add_argument("--json", action="store_true", help="a JSON array")
    a.set_defaults(run=run_list)
    a = actions.add_parser("results", help="votes per option and the winner")
    a.add_argument("id", metavar="ID")
    a.add_argument("--json", action="store_true", help="a JSON object")
    a.set_defaults(run=run_results)


def _end_of(day_text: str | None, now: datetime) -> datetime:
    if day_text is None:
        day = (now + timedelta(days=DEFAULT_DAYS)).date()
    else:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise UsageError(f"--ends {day_text!r}: expected a date like 2026-12-31") from None
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
    if end <= now:
        raise UsageError(f"--ends {day_text}: the date is in the past")
    return end


def run_create(args: argparse.Namespace, ctx: CliContext) -> int:
    question = " ".join(args.question.split())
    if not question:
        raise UsageError("QUESTION is empty")
    texts = [" ".join(t.split()) for t in args.option]
    if any(not t for t in texts):
        raise UsageError("--option: an option is empty")
    if len({t.casefold() for t in texts}) != len(texts):
        raise UsageError("--option: the same option is given twice")
    if len(texts) > MAX_OPTIONS:
        raise UsageError(f"--option: at most {MAX_OPTIONS} options")
    if not args.open and len(texts) < 2:
        raise UsageError("a poll needs at least two --option values (or --open for suggestions)")
    now = datetime.now(UTC)
    ends = _end_of(args.ends, now)
    created = now.isoformat(timespec="seconds")
    poll_id = stable_id("poll", question, created)
    options = tuple(PollOption(stable_id("opt", poll_id, t), t) for t in texts)
    ctx.store.put_poll(Poll(poll_id, question, options, ends.isoformat(timespec="seconds"), args.open, created))
    kind = "open poll" if args.open else "poll"
    ctx.print(f"created {kind} {question!r} with {len(options)} option(s), voting until {ends.isoformat(timespec='minutes')}")
    ctx.print(poll_id)
    return EXIT_OK


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    now = datetime.now(UTC)
    rows = [tally(ctx.store, p).to_json(now) for p in ctx.store.list_polls()]
    if args.json:
        ctx.print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        state = "open  " if row["open"] else "closed"
        ctx.print(f"{row['id']}  {state}  until {row['ends_at']}  {row['total_votes']:>4} votes  {row['question']}")
    ctx.print(f"{len(rows)} poll(s)")
    return EXIT_OK


def run_results(args: argparse.Namespace, ctx: CliContext) -> int:
    poll = ctx.store.get_poll(args.id)
    if poll is None:
        raise CliError(f"no poll with id {args.id!r} (see `poll list`)")
    now = datetime.now(UTC)
    counted = tally(ctx.store, poll)
    if args.json:
        ctx.print(json.dumps(counted.to_json(now), ensure_ascii=False))
        return EXIT_OK
    ctx.print(f"{poll.question}  ({'open' if is_open(poll, now) else 'closed'}, until {poll.ends_at})")
    for count in sorted(counted.counts, key=lambda c: -c.votes):
        ctx.print(f"  {count.votes:>5}  {count.option.text}")
    winner = counted.winner
    ctx.print(f"{counted.total} vote(s); " + (f"leading: {winner.option.text}" if winner else "no clear leader"))
    return EXIT_OK
