"""`import FILE... [--format F] [--skip-invalid] [--rejects PATH] [--no-index]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from knowledge.cli.context import EXIT_BAD_DATA, EXIT_OK, CliContext, CliError, UsageError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from knowledge.importers import FORMATS

    p = commands.add_parser(
        "import",
        help="import JSONL, Datafiniti CSV, Alexa TSV or McAuley Q&A files (all or nothing)",
        description="Every row is validated first; by default one bad row rejects the whole "
        "import and nothing is written. Re-importing a file adds nothing.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="skip detection and read every FILE in this format")
    p.add_argument("--skip-invalid", action="store_true",
                   help="import the valid rows and write the invalid ones to a rejects file "
                        "(default <data-dir>/rejects/<file>-<time>.rejects.jsonl)")
    p.add_argument("--rejects", type=Path, default=None, metavar="PATH",
                   help="where --skip-invalid writes the rejected rows")
    p.add_argument("--no-index", action="store_true",
                   help="do not build or update the search index now (the next search will)")
    p.set_defaults(run=run_import)


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.importers import (
        ImportOptions,
        ImportRejected,
        UnknownFormat,
        UnreadableFile,
        import_files,
    )

    paths = [Path(f) for f in args.files]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file")
        if path.is_dir():
            raise UsageError(f"{path}: is a directory, not a file")
    if args.rejects is not None and not args.skip_invalid:
        raise UsageError("--rejects only makes sense with --skip-invalid")
    options = ImportOptions(format=args.format, skip_invalid=args.skip_invalid,
                            rejects_path=args.rejects, progress=ctx.show_progress)
    ctx.without_demo_seeding()  # an import into an empty store holds what was imported, nothing more
    try:
        report = import_files(ctx.store, paths, options,
                              rejects_dir=ctx.config.data_dir / "rejects")
    except ImportRejected as exc:
        for error in exc.errors:
            ctx.warn(str(error))
        ctx.warn(f"error: {exc}")
        return EXIT_BAD_DATA
    except (UnknownFormat, UnreadableFile) as exc:
        raise CliError(str(exc)) from None
    for summary in report.files:
        ctx.print(f"{summary.path}: {summary.format}, {summary.rows:,} rows"
                  + (f", {summary.rejected_rows:,} rejected" if summary.rejected_rows else ""))
    ctx.print(report.summary())
    if report.errors:
        ctx.warn(f"warning: skipped {len({(e.file, e.line) for e in report.errors}):,} invalid "
                 f"rows; see {report.rejects_path}")
    if not args.no_index and report.added_anything:
        # Build or update the index now, so the first search (maybe a user's) does not pay.
        ctx.print(f"search index updated: {ctx.index.passage_count():,} passages")
    return EXIT_OK
