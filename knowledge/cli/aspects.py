"""Aspect commands: `aspects FAMILY [--json]` and `aspects --reanalyse`.

Shows which aspects a family's published reviews talk about (battery, sound, screen, ...),
how many reviews mention each and how they lean.
"""

from __future__ import annotations

import argparse
import json

from knowledge.cli.context import EXIT_OK, CliContext, CliError
from knowledge.families.editing import FamilyEditError, find_family

BAR_WIDTH = 20


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("aspects", help="what a family's reviews talk about, and how they lean")
    p.add_argument("family", metavar="FAMILY", nargs="?", help="a family id or name")
    p.add_argument("--json", action="store_true", help="a JSON object")
    p.add_argument("--reanalyse", action="store_true",
                   help="find the aspects of every stored review again (after an upgrade)")
    p.set_defaults(run=run_aspects)


def run_aspects(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.reanalyse:
        count = ctx.store.reanalyse_aspects()
        ctx.print(f"analysed {count:,} reviews")
        return EXIT_OK
    if not args.family:
        raise CliError("give a FAMILY (see `families list`) or --reanalyse", code=2)
    try:
        family = find_family(ctx.store, args.family)
    except FamilyEditError as exc:
        raise CliError(str(exc)) from None
    reviews = ctx.store.family_stats(family.id).review_count
    figures = ctx.store.family_aspects(family.id)
    if args.json:
        ctx.print(json.dumps({
            "family": family.id, "name": family.name, "reviews": reviews,
            "aspects": [{"aspect": f.aspect, "mentions": f.mentions, "positive": f.positive,
                         "negative": f.negative, "positive_share": round(f.positive_share, 3),
                         "negative_share": round(f.negative_share, 3)} for f in figures],
        }, ensure_ascii=False))
        return EXIT_OK
    ctx.print(f"{family.name} [{family.id}]: {reviews:,} published reviews")
    if not figures:
        ctx.print("no aspect is mentioned yet")
    for figure in figures:
        plus = round(figure.positive_share * BAR_WIDTH)
        minus = round(figure.negative_share * BAR_WIDTH)
        bar = "+" * plus + "-" * minus + "." * max(0, BAR_WIDTH - plus - minus)
        ctx.print(f"  {figure.aspect:<14} {figure.mentions:>6,} reviews  {bar}  "
                  f"{figure.positive_share:4.0%} positive, {figure.negative_share:4.0%} negative")
    return EXIT_OK
