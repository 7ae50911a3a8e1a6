"""`python -m skill.bench cold-start [--runs N] [--data-dir DIR]`."""

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
    args = parser.parse_args(argv)
    from skill.bench.cold_start import run

    return run(args.runs, args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
