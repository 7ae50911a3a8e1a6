"""`python -m knowledge [--data-dir DIR] COMMAND`: tools for content teams.

Commands live in one module per family, registered in the ordered list COMMANDS; a module
exposes `register(subparsers)` and sets `run=handler` on each parser it adds, where
`handler(args, ctx) -> int` gets the parsed arguments and a CliContext. Adding a family is
one module and one line here. Exit codes: 0 success, 2 bad usage, 1 bad data; every error is
one line on stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import NoReturn, TextIO

from knowledge.cli import (
    alerts,
    aspects,
    catalog,
    console,
    disputes,
    families,
    importing,
    moderation,
    polls,
    privacy,
    reports,
    reindex,
    search,
    users,
)
from knowledge.cli.context import EXIT_BAD_DATA, EXIT_USAGE, CliContext, CliError, UsageError
from knowledge.config import KnowledgeConfig

# Order is the order of `--help`. Each module: register(subparsers) -> None.
COMMANDS: list[ModuleType] = [
    catalog, families, aspects, importing, search, moderation, reports, polls, disputes, privacy,
    reindex, console, users, alerts,
]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2) instead of a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m knowledge",
        description="ShopTalk knowledge base tools: import, inspect, search and moderate.",
    )
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the store and index live (default: $SHOPTALK_DATA_DIR "
                             "or ~/.shoptalk/data)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run one command; returns the process exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except CliError as exc:
        err.write(f"error: {exc}\n")
        return exc.code
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    config = KnowledgeConfig.from_env()
    if args.data_dir is not None:
        config = dataclasses.replace(config, data_dir=args.data_dir.expanduser())
    ctx = CliContext(config=config, out=out, err=err, show_progress=not args.quiet)
    from knowledge.importers import ImportRejected
    from knowledge.store.base import StoreError

    try:
        return int(args.run(args, ctx))
    except CliError as exc:
        err.write(f"error: {exc}\n")
        return exc.code
    except ImportRejected as exc:  # e.g. a broken demo catalog met while seeding a new store
        for error in exc.errors:
            err.write(f"{error}\n")
        err.write(f"error: {exc}\n")
        return EXIT_BAD_DATA
    except BrokenPipeError:  # output piped into `head` and closed early
        return 0
    except (StoreError, OSError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        err.write("error: interrupted\n")
        return 130
    finally:
        ctx.close()


__all__ = ["COMMANDS", "EXIT_BAD_DATA", "EXIT_USAGE", "CliContext", "CliError", "UsageError",
           "build_parser", "main"]
