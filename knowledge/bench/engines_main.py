"""The `engines` command: quality on both backends, then the scale figures (engines.py)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def run(args: argparse.Namespace, cache: Path | None) -> int:
    from knowledge.bench.engines import format_report, run_engines

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"error: --sizes must be comma-separated integers, got {args.sizes!r}", file=sys.stderr)
        return 2
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    if not args.no_quality:
        print(_quality(args, cache), flush=True)
    if sizes:
        report = run_engines(args.data, sizes, args.queries, args.clients, args.duration, dsn=args.dsn)
        print(format_report(report))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


def _quality(args: argparse.Namespace, cache: Path | None) -> str:
    from knowledge.bench.cache import CachedEmbedder
    from knowledge.bench.engines_quality import epqa_rows, format_rows, subjqa_rows
    from knowledge.index.embedder import embed
    from knowledge.index.postgres.local_server import LocalPostgres

    embedder = CachedEmbedder(embed, cache)
    with tempfile.TemporaryDirectory(prefix="engines-quality-") as tmp:
        server = None if args.dsn else LocalPostgres(Path(tmp) / "pg").start()
        try:
            rows = []
            for make in (
                lambda dsn: subjqa_rows(args.data, "test", embedder, dsn),
                lambda dsn: epqa_rows(args.data, "tune.csv", embedder, dsn),
            ):
                dsn = args.dsn or server.create_database()  # type: ignore[union-attr]
                try:
                    rows += make(dsn)
                finally:
                    if server is not None:
                        server.drop_database(dsn)
        finally:
            if server is not None:
                server.stop()
    embedder.save()
    return format_rows(rows)
