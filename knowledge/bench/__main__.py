"""Retrieval benchmarks: `python -m knowledge.bench quality|scale|epqa [options]`.

quality: hit@1/hit@3 on SubjQA for BM25-only, dense-only and the fused ranking.
epqa:    hit@1/hit@3 on real product questions (ePQA), baselines vs ours.
scale:   ingest throughput, index memory and search latency at 100k / 1M passages.
Exit codes: 0 success, 2 bad usage, 1 bad data (a message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data"
DEFAULT_CACHE = Path.home() / ".cache" / "shoptalk" / "bench"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge.bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    quality = sub.add_parser("quality", help="SubjQA answer retrieval: baselines vs ours")
    quality.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data dir")
    quality.add_argument("--split", choices=("train", "dev", "test"), default="test")
    quality.add_argument("--limit", type=int, default=None, help="only the first N questions")
    quality.add_argument("--grid", action="store_true", help="compare fusion settings (tuning)")
    quality.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache dir ('' to disable)"
    )
    quality.add_argument("--json", action="store_true", help="print the report as JSON")

    scale = sub.add_parser("scale", help="ingest throughput, memory and latency at scale")
    scale.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data dir")
    scale.add_argument("--sizes", default="100000,1000000", help="comma-separated passage counts")
    scale.add_argument(
        "--ingest-sample", type=int, default=2000, help="passages embedded to time ingest"
    )
    scale.add_argument("--queries", type=int, default=200, help="timed queries per setting")
    scale.add_argument("--json", action="store_true", help="print the report as JSON")
    epqa = sub.add_parser("epqa", help="ePQA product questions: baselines vs ours")
    epqa.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data dir")
    epqa.add_argument("--file", default="tune.csv", help="the CSV under DATA/epqa")
    epqa.add_argument("--limit", type=int, default=None, help="only the first N questions")
    epqa.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache dir ('' to disable)"
    )
    epqa.add_argument("--json", action="store_true", help="print the report as JSON")
    epqa.add_argument(
        "--fit", action="store_true",
        help="learn the Q&A ranking terms with product-grouped cross-validation instead",
    )

    engines = sub.add_parser("engines", help="embedded index and PostgreSQL side by side")
    engines.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data dir")
    engines.add_argument("--sizes", default="100000,1000000", help="comma-separated passage counts ('' for none)")
    engines.add_argument("--queries", type=int, default=200, help="timed queries per setting")
    engines.add_argument("--clients", type=int, default=50, help="concurrent searching clients")
    engines.add_argument("--duration", type=float, default=30.0, help="seconds of concurrent searching")
    engines.add_argument("--no-quality", action="store_true", help="skip SubjQA / ePQA on both backends")
    engines.add_argument("--dsn", default=None, help="an existing PostgreSQL (default: start pgserver's)")
    engines.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache dir ('' to disable)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "quality":
            return _quality(args)
        if args.command == "epqa":
            return _epqa(args)
        if args.command == "engines":
            from knowledge.bench.engines_main import run

            return run(args, _cache_dir(args.cache))
        return _scale(args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _cache_dir(value: Path) -> Path | None:
    return value if str(value) not in ("", ".") else None


def _quality(args: argparse.Namespace) -> int:
    from knowledge.bench.cache import CachedEmbedder
    from knowledge.bench.quality import evaluate, format_report, grid, rankers
    from knowledge.bench.subjqa import load_split
    from knowledge.index.embedder import embed

    split = load_split(args.data / "subjqa" / f"{args.split}.csv", limit=args.limit)
    embedder = CachedEmbedder(embed, _cache_dir(args.cache))
    configs = rankers()
    if args.grid:
        configs.update(grid())
    report = evaluate(split, args.split, embedder, configs, progress=not args.json)
    embedder.save()
    print(json.dumps(asdict(report), indent=2) if args.json else format_report(report))
    return 0


def _epqa(args: argparse.Namespace) -> int:
    from knowledge.bench.cache import CachedEmbedder
    from knowledge.bench.epqa import evaluate, format_report
    from knowledge.index.embedder import embed

    embedder = CachedEmbedder(embed, _cache_dir(args.cache))
    if args.fit:
        from knowledge.bench.epqa_fit import format_fit, run_fit

        fit = run_fit(args.data / "epqa" / args.file, embedder, limit=args.limit)
        embedder.save()
        print(json.dumps(asdict(fit), indent=2) if args.json else format_fit(fit))
        return 0
    report = evaluate(args.data / "epqa" / args.file, embedder, limit=args.limit,
                      progress=not args.json)
    embedder.save()
    print(json.dumps(asdict(report), indent=2) if args.json else format_report(report))
    return 0


def _scale(args: argparse.Namespace) -> int:
    from knowledge.bench.scale import format_report, run_scale

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"error: --sizes must be comma-separated integers, got {args.sizes!r}", file=sys.stderr)
        return 2
    report = run_scale(
        args.data,
        sizes,
        ingest_sample=args.ingest_sample,
        queries=args.queries,
        progress=not args.json,
    )
    print(json.dumps(asdict(report), indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
