"""`python -m skill chat | serve | model ...`: the skill's command line.

Configuration comes from SHOPTALK_* environment variables (SkillConfig.from_env); flags given
here override them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m skill", description="ShopTalk Alexa skill")
    commands = parser.add_subparsers(dest="command", required=True)

    chat = commands.add_parser("chat", help="talk to the skill in the local simulator")
    chat.add_argument("--json", action="store_true", help="print one JSON object per turn")
    chat.add_argument("--display", action="store_true",
                      help="simulate a screen device (APL); --json then carries each turn's APL datasource")
    chat.add_argument("--user", help="simulated Alexa user id (default: one fixed local user)")
    chat.add_argument("--locale", help="request locale, e.g. en-GB (default SHOPTALK_LOCALE or en-US)")
    chat.add_argument("--data-dir", type=Path, help="store directory (default SHOPTALK_DATA_DIR)")
    chat.add_argument("--generator", help="text generator backend (llama_cpp, transformers, bedrock, none)")
    chat.add_argument("--log-level", help="log level for the skill's logs on stderr (default WARNING)")
    chat.add_argument(
        "--no-warm-up", dest="warm_up", action="store_false", default=None,
        help="do not load the search index and generator in the background at start",
    )

    serve = commands.add_parser("serve", help="serve the skill over HTTP for the Alexa console")
    from_webservice = _webservice_cli()
    if from_webservice is not None:
        from_webservice.add_arguments(serve)

    model = commands.add_parser("model", help="interaction model tools for the content team")
    from skill.tools.cli import add_arguments as add_model_arguments

    add_model_arguments(model)
    return parser


def _webservice_cli():  # type: ignore[no-untyped-def]
    """skill.webservice.cli, imported lazily (Flask is not needed for chat)."""
    try:
        from skill.webservice import cli
    except ModuleNotFoundError as exc:
        if exc.name not in ("skill.webservice", "skill.webservice.cli"):
            raise  # the web service exists but a dependency is missing: say which
        return None
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "model":
        from skill.tools.cli import run as run_model

        return run_model(args)

    from skill.config import SkillConfig

    if args.command == "chat":
        from skill.simulator.cli import run as run_chat

        config = SkillConfig.from_env().with_overrides(
            data_dir=args.data_dir, generator=args.generator, default_locale=args.locale, warm_up=args.warm_up
        )
        return run_chat(args, config)

    webservice = _webservice_cli()
    if webservice is None:
        print("error: the web service (skill.webservice) is not installed", file=sys.stderr)
        return 2
    config = SkillConfig.from_env()  # skill.webservice.cli applies the serve flags itself
    return int(webservice.run(args, config) or 0)


if __name__ == "__main__":
    sys.exit(main())
