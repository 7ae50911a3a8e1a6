"""Catalog commands: stats, products, remove-product, export (reindex: knowledge.cli.reindex)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from knowledge.cli.context import EXIT_OK, CliContext, CliError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("stats", help="sizes of the knowledge base and the search index")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(run=run_stats)

    p = commands.add_parser("products", help="list products with review counts and ratings")
    p.add_argument("--json", action="store_true", help="a JSON array")
    p.set_defaults(run=run_products)

    p = commands.add_parser("remove-product", help="remove a product with its reviews and Q&A")
    p.add_argument("id", metavar="ID")
    p.set_defaults(run=run_remove_product)

    p = commands.add_parser("export", help="write everything as JSONL that re-imports to the same state")
    p.add_argument("file", metavar="FILE", help="output file ('-' for stdout)")
    p.set_defaults(run=run_export)


def persisted_passage_count(data_dir: Path) -> int | None:
    """Passages in the index persisted under `data_dir`, read without loading any model.

    None when no index has been built yet. Content added to the store since the index was
    last opened is not counted until the next search or `reindex` brings it up to date.
    """
    from knowledge.index.persist import IndexJournal
    from knowledge.index.batches import index_dir
    from knowledge.index.search_index import SearchIndex

    journal = IndexJournal(index_dir(data_dir))
    if not journal.exists():
        return None
    index = SearchIndex(journal=None)
    try:
        if not journal.load_into(index):
            return None
    except (OSError, ValueError):  # a damaged index: the next search rebuilds it
        return None
    return index.passage_count()


def run_stats(args: argparse.Namespace, ctx: CliContext) -> int:
    counts = ctx.store.counts()
    passages = persisted_passage_count(ctx.config.data_dir)
    stats: dict[str, Any] = {
        "products": counts.products,
        "reviews": counts.reviews,
        "reviews_by_status": counts.reviews_by_status(),
        "questions": counts.questions,
        "answers": counts.answers,
        "passages_indexed": passages,
    }
    if args.json:
        ctx.print(json.dumps(stats))
        return EXIT_OK
    by_status = ", ".join(f"{n:,} {s}" for s, n in stats["reviews_by_status"].items())
    ctx.print(f"products:  {counts.products:,}")
    ctx.print(f"reviews:   {counts.reviews:,} ({by_status})")
    ctx.print(f"questions: {counts.questions:,}")
    ctx.print(f"answers:   {counts.answers:,}")
    ctx.print(f"passages indexed: {'not built yet' if passages is None else f'{passages:,}'}")
    return EXIT_OK


def product_rows(ctx: CliContext) -> list[dict[str, Any]]:
    rows = []
    for product in ctx.store.list_products():
        stats = ctx.store.product_stats(product.id)
        rows.append({
            "id": product.id,
            "name": product.name,
            "aliases": list(product.aliases),
            "brand": product.brand,
            "category": product.category,
            "review_count": stats.review_count,
            "average_rating": None if stats.average_rating is None
            else round(stats.average_rating, 2),
        })
    return rows


def run_products(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = product_rows(ctx)
    if args.json:
        ctx.print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        rating = "no reviews" if row["average_rating"] is None else \
            f"{row['review_count']:,} reviews, {row['average_rating']:.2f} stars"
        ctx.print(f"{row['id']}  {row['name']}  ({rating})")
    ctx.print(f"{len(rows):,} products")
    return EXIT_OK


def run_remove_product(args: argparse.Namespace, ctx: CliContext) -> int:
    if not ctx.store.remove_product(args.id):
        raise CliError(f"no product with id {args.id!r} (see `products`)")
    ctx.print(f"removed product {args.id} with its reviews and questions")
    return EXIT_OK


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.importers import export_store

    if args.file == "-":
        count = export_store(ctx.store, ctx.out)
        ctx.warn(f"exported {count:,} records")
        return EXIT_OK
    path = Path(args.file)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            count = export_store(ctx.store, out)
        tmp.replace(path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
    ctx.print(f"exported {count:,} records to {path}")
    return EXIT_OK
