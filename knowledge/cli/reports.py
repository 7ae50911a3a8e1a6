"""`report negative [--json] [--days N] [--as-of DATE]`: products whose recent reviews turn sour."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from knowledge.cli.context import EXIT_OK, CliContext, UsageError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from knowledge.reports import NegativeTrendRule

    rule = NegativeTrendRule()
    p = commands.add_parser("report", help="reports for the content team")
    kinds = p.add_subparsers(dest="report", metavar="REPORT", parser_class=type(p))
    kinds.required = True
    n = kinds.add_parser(
        "negative",
        help="products whose recent reviews turn negative against their own history",
        description=NegativeTrendRule.__doc__,
    )
    n.add_argument("--json", action="store_true", help="a JSON array")
    n.add_argument("--days", type=int, default=rule.window_days,
                   help=f"length of the recent window in days (default {rule.window_days})")
    n.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                   help="end of the recent window (default: the newest review date)")
    n.set_defaults(run=run_negative)


def run_negative(args: argparse.Namespace, ctx: CliContext) -> int:
    import dataclasses
    from datetime import date

    from knowledge.reports import NegativeTrendRule, negative_trends

    if args.days < 1:
        raise UsageError(f"--days must be at least 1, got {args.days}")
    as_of = None
    if args.as_of is not None:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            raise UsageError(f"--as-of must be a date YYYY-MM-DD, got {args.as_of!r}") from None
    rule = dataclasses.replace(NegativeTrendRule(), window_days=args.days)
    report = negative_trends(ctx.store, rule, as_of)
    if args.json:
        ctx.print(json.dumps([asdict(t) for t in report.trends], ensure_ascii=False))
        return EXIT_OK
    if not report.as_of:
        ctx.print("no dated published reviews to judge")
        return EXIT_OK
    ctx.print(f"recent window: {report.window_start} to {report.as_of} ({rule.window_days} days); "
              f"{len(report.trends)} product(s) turning negative")
    for t in report.trends:
        ctx.print(f"\n{t.product_name} ({t.product_id})")
        ctx.print(f"  recent {t.recent_mean:.2f} stars over {t.recent_count} reviews vs "
                  f"{t.history_mean:.2f} over {t.history_count} before "
                  f"(drop {t.drop:.2f}, t={t.t_score:.1f})")
        for r in t.evidence:
            text = " ".join(r.text.split())
            ctx.print(f"  - {r.date} {r.rating}★ {r.id}: {text[:200]}")
    return EXIT_OK
