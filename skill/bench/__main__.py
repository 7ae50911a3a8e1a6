"""`python -m skill.bench cold-start [--runs N] [--data-dir DIR]` and
`python -m skill.bench dynamodb [--runs N] [--before COMMIT]` and
`python -m skill.bench index-backends [--runs N]` (cold containers: embedded vs PostgreSQL index)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill.bench")
    commands = parser.add_subparsers(dest="command", required=True)
    cold = commands.add_parser("cold-start", help="fresh `python -m skill chat` to the first spoken answer")
    cold.add_argument("--runs", type=int, default=5)
    cold.add_argument("--data-dir", type=Path, help="store directory (default SHOPTALK_DATA_DIR)")
    dynamodb = commands.add_parser(
        "dynamodb", help="fresh Lambda process on DynamoDB (moto): cold start and calls/capacity per turn"
    )
    dynamodb.add_argument("--runs", type=int, default=3)
    dynamodb.add_argument("--before", help="also measure this git commit (a temporary worktree)")
    backends = commands.add_parser(
        "index-backends", help="cold Lambda-like containers (empty /tmp): embedded vs PostgreSQL search index"
    )
    backends.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.command == "index-backends":
        from skill.bench.dynamodb_turns import run_index_backends

        return run_index_backends(args.runs)
    if args.command == "dynamodb":
        from skill.bench.dynamodb_turns import run as run_dynamodb

        return run_dynamodb(args.runs, args.before)
    from skill.bench.cold_start import run

    return run(args.runs, args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
