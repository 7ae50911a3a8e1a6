"""`reindex [--to embedded|postgres] [--dsn DSN] [--embed]`: (re)build a search index.

`--to embedded` (the default when SHOPTALK_INDEX is unset) rebuilds the in-process index
persisted beside the store. `--to postgres` moves the catalog into the shared PostgreSQL
index (SHOPTALK_INDEX_DSN or --dsn): the vectors of the persisted in-process index are reused
when there is one (nothing is re-embedded), otherwise every passage is embedded in batches;
passages are written with COPY in batches with progress, then the HNSW graph is built once.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from knowledge.cli.context import EXIT_OK, CliContext, CliError
from knowledge.index.backend import INDEX_BACKENDS


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("reindex", help="rebuild the search index from the store, or move it to PostgreSQL")
    p.add_argument("--to", choices=INDEX_BACKENDS, default=None,
                   help="the backend to fill (default: SHOPTALK_INDEX, else embedded)")
    p.add_argument("--dsn", default=None, help="PostgreSQL DSN (default: SHOPTALK_INDEX_DSN)")
    p.add_argument("--embed", action="store_true",
                   help="re-embed every passage even when an embedded index could be reused")
    p.set_defaults(run=run_reindex)


def run_reindex(args: argparse.Namespace, ctx: CliContext) -> int:
    backend = args.to or ctx.config.index
    if backend == "embedded":
        return _rebuild_embedded(ctx)
    config = replace(ctx.config, index="postgres", index_dsn=args.dsn or ctx.config.index_dsn)
    if not config.index_dsn:
        raise CliError("reindex --to postgres needs --dsn or SHOPTALK_INDEX_DSN")
    from knowledge.index.postgres import IndexConfigError, open_postgres_index
    from knowledge.index.transfer import copy_embedded_into

    store = ctx.store
    try:
        index = open_postgres_index(store, config)
    except IndexConfigError as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:  # psycopg.OperationalError and the like: say where it failed
        reason = " ".join(str(exc).split())  # libpq's message spans lines
        raise CliError(f"cannot open the PostgreSQL index at {config.index_dsn!r}: {reason}") from None
    try:
        copied = None if args.embed else copy_embedded_into(index, store, ctx.config.data_dir, ctx.show_progress)
        if copied is None:
            index.rebuild(progress=ctx.show_progress)
            how = "embedded from the store"
        else:
            how = "copied with their vectors from the embedded index"
        ctx.print(f"indexed {index.passage_count():,} passages in PostgreSQL ({how})")
    finally:
        index.close()
    return EXIT_OK


def _rebuild_embedded(ctx: CliContext) -> int:
    from knowledge.index.persist import IndexJournal
    from knowledge.index.batches import index_dir
    from knowledge.index.search_index import SearchIndex

    store = ctx.store
    index = SearchIndex(
        journal=IndexJournal(index_dir(ctx.config.data_dir)),
        rebuild_source=lambda: (store.iter_reviews(), store.iter_questions()),
    )
    index.rebuild(progress=ctx.show_progress)
    ctx.print(f"indexed {index.passage_count():,} passages")
    return EXIT_OK
