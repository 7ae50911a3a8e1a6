"""`console [--host H] [--port P] [--data-dir DIR]`: serve the content-team web console (waitress) over the store
`--data-dir` / `SHOPTALK_STORE` name. Create an account first with `users add`."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from knowledge.cli.context import EXIT_OK, CliContext, CliError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("console", help="serve the content-team web console")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--threads", type=int, default=8, help="server worker threads (default 8)")
    p.add_argument("--data-dir", dest="console_data_dir", type=Path, default=None, metavar="DIR",
                   help="the store to serve (same as the global --data-dir)")
    p.set_defaults(run=run_console)


def run_console(args: argparse.Namespace, ctx: CliContext) -> int:
    import waitress

    from knowledge.console.app import create_app
    from knowledge.console.config import ConsoleConfig

    if args.console_data_dir is not None:
        ctx.config = dataclasses.replace(ctx.config, data_dir=args.console_data_dir.expanduser())
    ctx.without_demo_seeding()
    config = dataclasses.replace(ConsoleConfig.from_env(ctx.config.data_dir), host=args.host, port=args.port,
                                 threads=args.threads)
    if not ctx.store.list_accounts():
        raise CliError("no console account yet: create one with "
                       "`python -m knowledge users add NAME --role admin`")
    app = create_app(ctx.store, ctx.config, config)
    services = app.extensions["shoptalk_console"]
    services.figures.warm()  # the dashboard's figures, computed while the server starts
    ctx.print(f"ShopTalk console on http://{config.host}:{config.port}/ (Ctrl-C to stop)")
    waitress.serve(app, host=config.host, port=config.port, threads=config.threads, ident="shoptalk-console")
    return EXIT_OK
