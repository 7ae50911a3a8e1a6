"""`python -m skill serve`: host the skill over HTTP for Alexa (behind an HTTPS tunnel).

skill/__main__.py hands the `serve` sub-command to `add_arguments` and `run`; CLI flags
override the `SHOPTALK_*` environment (SkillConfig.from_env) field by field.
"""

from __future__ import annotations

import argparse
import signal
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dialogue.config import GENERATOR_BACKENDS
from skill.webservice.server import DEFAULT_THREADS, ServerOptions

if TYPE_CHECKING:
    from skill.config import SkillConfig

LOG = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `serve` flags; each defaults to None so an unset flag keeps the environment's value."""
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1; SHOPTALK_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000; SHOPTALK_PORT)")
    parser.add_argument(
        "--data-dir", type=Path, help="store and index directory (SHOPTALK_DATA_DIR)"
    )
    parser.add_argument(
        "--skill-id",
        help="refuse requests for any other skill id, e.g. amzn1.ask.skill.... (SHOPTALK_SKILL_ID)",
    )
    parser.add_argument(
        "--no-verify-signature",
        action="store_true",
        help="LOCAL TESTING ONLY: accept requests without a valid Alexa signature",
    )
    parser.add_argument(
        "--no-verify-timestamp",
        action="store_true",
        help="LOCAL TESTING ONLY: accept requests with old or future timestamps",
    )
    parser.add_argument(
        "--generator",
        choices=GENERATOR_BACKENDS,
        help="text generator for free-form answers (SHOPTALK_GENERATOR)",
    )
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING... (SHOPTALK_LOG_LEVEL)")
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        default=None,
        help="do not load the search index and generator in the background at start-up "
        "(SHOPTALK_WARM_UP=0); they then load on the first question that needs them",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"worker threads of the WSGI server (default {DEFAULT_THREADS})",
    )


def serve_config(args: argparse.Namespace, config: SkillConfig) -> SkillConfig:
    """`config` with the `serve` flags applied."""
    return config.with_overrides(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir.expanduser() if args.data_dir else None,
        skill_id=args.skill_id,
        generator=args.generator,
        warm_up=getattr(args, "warm_up", None),
        log_level=args.log_level.upper() if args.log_level else None,
        verify_signature=False if args.no_verify_signature else None,
        verify_timestamp=False if args.no_verify_timestamp else None,
    )


def run(args: argparse.Namespace, config: SkillConfig) -> int:
    """Build the skill and serve it until interrupted; the exit status."""
    from skill.webservice.app import ALEXA_ROUTE, HEALTH_ROUTE, create_app
    from skill.webservice.server import create_server

    config = serve_config(args, config)
    logging.basicConfig(
        level=config.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from knowledge.store.base import StoreError
    from skill.app import services_for

    try:
        app = create_app(config)
    except StoreError as error:
        print(f"cannot open the store: {error}", file=sys.stderr)
        return 2
    if config.warm_up:
        services_for(config).warm_up()  # the first product question finds the models loading
    options = ServerOptions(
        host=config.host,
        port=config.port,
        threads=args.threads,
        max_body_bytes=config.max_body_bytes,
    )
    try:
        server = create_server(app, options)
    except OSError as error:
        print(f"cannot listen on {config.host}:{config.port}: {error}", file=sys.stderr)
        return 2
    base = f"http://{server.effective_host}:{server.effective_port}"
    print(
        f"ShopTalk is serving Alexa requests on {base}{ALEXA_ROUTE} (health: {base}{HEALTH_ROUTE}); "
        "Ctrl-C stops it",
        flush=True,
    )
    # SIGTERM (what process managers and containers send) stops the server like Ctrl-C does;
    # SIGINT alone is not enough, since a shell without job control starts background jobs
    # with SIGINT ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (`python -m skill.webservice`), same flags as `python -m skill serve`."""
    from skill.config import SkillConfig

    parser = argparse.ArgumentParser(prog="python -m skill.webservice", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv), SkillConfig.from_env())
