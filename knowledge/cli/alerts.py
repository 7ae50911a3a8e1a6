"""`owners add|list|remove` and `alerts run|list|ack|resolve`: negative feedback to its owner.

`alerts run` raises new alerts (severity rules on reviews, negative trends per family),
assigns and escalates them, and delivers them by e-mail (SMTP or SES), webhook and SNS;
it is idempotent, so cron or the EventBridge schedule may run it as often as wanted.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from knowledge.cli.context import EXIT_OK, CliContext, CliError


def register_owners(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("owners", help="who receives negative-feedback alerts: add, list, remove")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    a = actions.add_parser("add", help="an owner of a family, brand or category")
    a.add_argument("name", metavar="NAME")
    scope = a.add_mutually_exclusive_group(required=True)
    scope.add_argument("--family", metavar="ID")
    scope.add_argument("--brand")
    scope.add_argument("--category")
    a.add_argument("--email", default="")
    a.add_argument("--webhook", default="", metavar="URL", help="a Slack-compatible webhook")
    a.add_argument("--sns-topic", default="", metavar="ARN")
    a.add_argument("--rank", type=int, default=0, help="escalation order within the scope (0 first)")
    a.set_defaults(run=run_owner_add)
    a = actions.add_parser("list", help="every owner")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=run_owner_list)
    a = actions.add_parser("remove", help="remove an owner by id")
    a.add_argument("id", metavar="ID")
    a.set_defaults(run=run_owner_remove)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    register_owners(commands)
    p = commands.add_parser("alerts", help="negative-feedback alerts: run, list, ack, resolve")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    a = actions.add_parser("run", help="raise, escalate and deliver alerts (idempotent)")
    a.add_argument("--ack-minutes", type=float, default=None,
                   help="escalate alerts not acknowledged after this long (default $SHOPTALK_ALERTS_ACK_MINUTES or 240)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=run_alerts_command)
    a = actions.add_parser("list", help="alerts, newest first")
    a.add_argument("--status", choices=["open", "acknowledged", "resolved"])
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=run_list)
    for name in ("ack", "resolve"):
        a = actions.add_parser(name, help=f"{'acknowledge' if name == 'ack' else 'resolve'} an alert")
        a.add_argument("id", metavar="ID")
        a.add_argument("--by", default="cli", help="who (default: cli)")
        a.set_defaults(run=run_step, step=name)


def run_owner_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.alerts.owners import OwnerError, new_owner
    from knowledge.console.audit import audit

    scope, value = next((s, v) for s, v in (("family", args.family), ("brand", args.brand),
                                              ("category", args.category)) if v)
    if scope == "family" and ctx.store.get_family(value) is None:
        raise CliError(f"--family {value!r}: no such family (see `families list`)")
    try:
        owner = new_owner(args.name, scope, value, args.email, args.webhook, args.rank, args.sns_topic)
    except OwnerError as exc:
        raise CliError(str(exc)) from None
    ctx.store.put_owner(owner)
    audit(ctx.store, "cli", "owner_added", owner.id, f"{owner.name} for {scope} {value}")
    ctx.print(f"owner {owner.name} of {scope} {value!r} (rank {owner.rank})")
    ctx.print(owner.id)
    return EXIT_OK


def run_owner_list(args: argparse.Namespace, ctx: CliContext) -> int:
    owners = ctx.store.list_owners()
    if args.json:
        ctx.print(json.dumps([{**asdict(o), "scope": o.scope.value} for o in owners]))
        return EXIT_OK
    for o in owners:
        ctx.print(f"{o.id}  {o.scope.value:<8} {o.value:<28} rank {o.rank}  {o.name}  "
                  + " ".join(x for x in (o.email, o.webhook_url, o.sns_topic_arn) if x))
    ctx.print(f"{len(owners)} owner(s)")
    return EXIT_OK


def run_owner_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.console.audit import audit

    if not ctx.store.delete_owner(args.id):
        raise CliError(f"no owner with id {args.id!r} (see `owners list`)")
    audit(ctx.store, "cli", "owner_removed", args.id)
    ctx.print(f"owner {args.id} removed")
    return EXIT_OK


def run_alerts_command(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.alerts.config import AlertsConfig
    from knowledge.alerts.delivery import channels_for
    from knowledge.alerts.runner import RunOptions, run_alerts

    try:
        config = AlertsConfig.from_env()
    except ValueError as exc:
        raise CliError(str(exc)) from None
    timeout = timedelta(minutes=args.ack_minutes) if args.ack_minutes is not None else config.ack_timeout
    ctx.without_demo_seeding()
    report = run_alerts(ctx.store, channels_for(config.delivery), RunOptions(ack_timeout=timeout), datetime.now(UTC))
    if args.json:
        ctx.print(json.dumps(asdict(report)))
    else:
        for line in report.failed:
            ctx.warn(f"warning: not delivered (retried next run): {line}")
        ctx.print(report.summary())
    return EXIT_OK if not report.failed else 1


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.alerts.records import AlertStatus

    alerts = ctx.store.list_alerts(AlertStatus(args.status) if args.status else None)
    if args.json:
        ctx.print(json.dumps([{**asdict(a), "status": a.status.value} for a in alerts], ensure_ascii=False))
        return EXIT_OK
    for a in alerts:
        ctx.print(f"{a.id}  {a.status.value:<12} {a.kind:<7} {a.raised_at}  {a.owner_id or '(no owner)':<14} {a.title}")
    ctx.print(f"{len(alerts)} alert(s)")
    return EXIT_OK


def run_step(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.alerts.lifecycle import AlertError, acknowledge, resolve
    from knowledge.console.audit import audit

    try:
        done = (acknowledge if args.step == "ack" else resolve)(ctx.store, args.id, args.by, datetime.now(UTC))
    except AlertError as exc:
        raise CliError(str(exc)) from None
    audit(ctx.store, args.by, f"alert_{done.status.value}", done.id, done.title)
    ctx.print(f"alert {done.id} is now {done.status.value}")
    return EXIT_OK
