"""`search QUERY [--product ID] [-k N] [--json]` and `search --batch FILE [--json]`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.cli.context import EXIT_OK, CliContext, CliError, UsageError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("search", help="search reviews and community Q&A")
    p.add_argument("query", nargs="?", metavar="QUERY")
    p.add_argument("--product", default=None, metavar="ID", help="only this product's passages")
    p.add_argument("-k", type=int, default=5, metavar="N", help="how many hits (default 5)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--batch", type=Path, default=None, metavar="FILE",
                   help='one JSON object per line: {"query": ..., "product_id": ... or null}; '
                        "prints one JSON line per query, in input order")
    p.set_defaults(run=run_search)


@dataclass(frozen=True)
class BatchQuery:
    query: str
    product_id: str | None


def read_batch(path: Path) -> tuple[list[BatchQuery], list[str]]:
    """Parse a batch file: the queries, and every bad line as "file:line: field: reason"."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read ({exc})") from None
    queries: list[BatchQuery] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{number}: -: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"{path}:{number}: -: must be a JSON object")
            continue
        query = obj.get("query")
        product_id = obj.get("product_id")
        if not isinstance(query, str) or not query.strip():
            errors.append(f"{path}:{number}: query: must be a non-empty string")
        if product_id is not None and (not isinstance(product_id, str) or not product_id.strip()):
            errors.append(f"{path}:{number}: product_id: must be a product id string or null")
        if isinstance(query, str) and query.strip() and (
                product_id is None or (isinstance(product_id, str) and product_id.strip())):
            queries.append(BatchQuery(query.strip(), product_id))
    return queries, errors


def hit_json(hit: Any) -> dict[str, Any]:
    return {"text": hit.text, "kind": hit.kind, "product_id": hit.product_id,
            "score": round(float(hit.score), 6), "source_id": hit.source_id}


def _check_products(ctx: CliContext, product_ids: Sequence[str | None]) -> None:
    for product_id in dict.fromkeys(p for p in product_ids if p is not None):
        if ctx.store.get_product(product_id) is None:
            raise CliError(f"unknown product {product_id!r} (see `products`)")


def _print_hits(ctx: CliContext, query: str, hits: Sequence[Any]) -> None:
    ctx.print(f"{query}: {len(hits)} hit(s)")
    for rank, hit in enumerate(hits, start=1):
        text = " ".join(hit.text.split())
        ctx.print(f"{rank:>3}. [{hit.kind} {hit.source_id} · {hit.product_id} · "
                  f"{hit.score:.3f}] {text[:240]}")


def run_search(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.k < 1:
        raise UsageError(f"-k must be at least 1, got {args.k}")
    if args.batch is not None:
        if args.query is not None or args.product is not None:
            raise UsageError("give either QUERY [--product ID] or --batch FILE, not both")
        queries, errors = read_batch(args.batch)
        if errors:
            for line in errors:
                ctx.warn(line)
            raise CliError(f"{len(errors)} bad line(s) in {args.batch}; nothing was searched")
        _check_products(ctx, [q.product_id for q in queries])
        for q in queries:
            hits = ctx.index.search(q.query, product_id=q.product_id, k=args.k)
            if args.json:
                ctx.print(json.dumps({"query": q.query, "product_id": q.product_id,
                                      "hits": [hit_json(h) for h in hits]}, ensure_ascii=False))
            else:
                _print_hits(ctx, q.query, hits)
        return EXIT_OK
    if args.query is None or not args.query.strip():
        raise UsageError("search needs a QUERY (or --batch FILE)")
    _check_products(ctx, [args.product])
    hits = ctx.index.search(args.query.strip(), product_id=args.product, k=args.k)
    if args.json:
        ctx.print(json.dumps({"query": args.query.strip(), "product_id": args.product,
                              "hits": [hit_json(h) for h in hits]}, ensure_ascii=False))
    else:
        _print_hits(ctx, args.query.strip(), hits)
    return EXIT_OK
