"""Family commands: `families list|show|merge|split|rename|derive`.

A family groups the listings of one product (see knowledge.families). FAMILY arguments take a
family id or a name that exactly one family has.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from knowledge.cli.context import EXIT_OK, CliContext, CliError
from knowledge.families.editing import FamilyEditError, derive_missing, find_family, merge, rename, split
from knowledge.families.titles import variant_label
from knowledge.model import Family


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    families = commands.add_parser("families", help="list, merge, split and rename product families")
    sub = families.add_subparsers(dest="families_command", metavar="ACTION", parser_class=type(families))
    sub.required = True

    p = sub.add_parser("list", help="every family with its listings, review count and rating")
    p.add_argument("--json", action="store_true", help="a JSON array")
    p.set_defaults(run=run_list)

    p = sub.add_parser("show", help="one family's names and listings")
    p.add_argument("family", metavar="FAMILY")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(run=run_show)

    p = sub.add_parser("merge", help="move every listing of SOURCE families into TARGET")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("sources", metavar="SOURCE", nargs="+")
    p.set_defaults(run=run_merge)

    p = sub.add_parser("split", help="move some listings of FAMILY into a new family")
    p.add_argument("family", metavar="FAMILY")
    p.add_argument("products", metavar="PRODUCT_ID", nargs="+")
    p.add_argument("--name", required=True, help="the new family's name")
    p.set_defaults(run=run_split)

    p = sub.add_parser("rename", help="change a family's name or its spoken names")
    p.add_argument("family", metavar="FAMILY")
    p.add_argument("name", metavar="NAME", nargs="?", default=None)
    p.add_argument("--add-spoken", action="append", default=[], metavar="NAME",
                   help="a further name people say (repeatable)")
    p.add_argument("--remove-spoken", action="append", default=[], metavar="NAME",
                   help="drop a spoken name (repeatable)")
    p.set_defaults(run=run_rename)

    p = sub.add_parser("derive", help="give listings without a family one (stores from before families)")
    p.set_defaults(run=run_derive)


def family_row(ctx: CliContext, family: Family) -> dict[str, Any]:
    """A family as the CLI and the console show it: names, figures and listings."""
    stats = ctx.store.family_stats(family.id)
    listings = ctx.store.listings_of(family.id)
    return {
        "id": family.id,
        "name": family.name,
        "spoken_names": list(family.spoken_names),
        "origin": family.origin.value,
        "review_count": stats.review_count,
        "average_rating": None if stats.average_rating is None else round(stats.average_rating, 2),
        "listings": [
            {"id": p.id, "name": p.name, "variant": variant_label(p.name, p.brand, p.category),
             "review_count": ctx.store.product_stats(p.id).review_count}
            for p in listings
        ],
    }


def _figures(row: dict[str, Any]) -> str:
    if row["average_rating"] is None:
        return "no reviews"
    return f"{row['review_count']:,} reviews, {row['average_rating']:.2f} stars"


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = [family_row(ctx, f) for f in ctx.store.list_families()]
    if args.json:
        ctx.print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        ctx.print(f"{row['id']}  {row['name']}  ({len(row['listings'])} listing(s), {_figures(row)})")
    ctx.print(f"{len(rows):,} families")
    return EXIT_OK


def _find(ctx: CliContext, ref: str) -> Family:
    try:
        return find_family(ctx.store, ref)
    except FamilyEditError as exc:
        raise CliError(str(exc)) from None


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    row = family_row(ctx, _find(ctx, args.family))
    if args.json:
        ctx.print(json.dumps(row, ensure_ascii=False))
        return EXIT_OK
    ctx.print(f"{row['name']}  [{row['id']}, {row['origin']}]  {_figures(row)}")
    if row["spoken_names"]:
        ctx.print("also said as: " + ", ".join(row["spoken_names"]))
    for listing in row["listings"]:
        variant = f"  ({listing['variant']})" if listing["variant"] else ""
        ctx.print(f"  {listing['id']}  {listing['name']}{variant}  {listing['review_count']:,} reviews")
    return EXIT_OK


def _edit(run: Any) -> Any:
    try:
        return run()
    except FamilyEditError as exc:
        raise CliError(str(exc)) from None


def run_merge(args: argparse.Namespace, ctx: CliContext) -> int:
    result = _edit(lambda: merge(ctx.store, args.target, args.sources))
    ctx.print(f"merged {len(args.sources)} family(ies) into {result.family.id} "
              f"({result.moved} listing(s) moved)")
    return EXIT_OK


def run_split(args: argparse.Namespace, ctx: CliContext) -> int:
    result = _edit(lambda: split(ctx.store, args.family, args.products, args.name))
    ctx.print(f"created family {result.family.id} {result.family.name!r} with {result.moved} listing(s)")
    return EXIT_OK


def run_rename(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.name is None and not args.add_spoken and not args.remove_spoken:
        raise CliError("give a new NAME, --add-spoken or --remove-spoken", code=2)
    result = _edit(lambda: rename(ctx.store, args.family, args.name, args.add_spoken, args.remove_spoken))
    spoken = ", ".join(result.family.spoken_names) or "none"
    ctx.print(f"family {result.family.id} is now {result.family.name!r} (also said as: {spoken})")
    return EXIT_OK


def run_derive(args: argparse.Namespace, ctx: CliContext) -> int:
    created, assigned = derive_missing(ctx.store)
    ctx.print(f"assigned {assigned:,} listing(s) to families ({created:,} new families)")
    return EXIT_OK
