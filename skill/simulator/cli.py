"""`python -m skill chat`: talk to ShopTalk in the terminal (a prompt when stdin is a
terminal; one utterance per line when piped; `--json` prints one object per turn)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TextIO

from skill.config import SkillConfig
from skill.simulator.session import Simulator, TurnResult

_PROMPT = "you> "


def _print_turn(result: TurnResult, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    else:
        if result.speech:
            out.write(f"alexa> {result.speech}\n")
        if result.end_session:
            out.write("       (session ended)\n")
    out.flush()


def run(args: argparse.Namespace, config: SkillConfig, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Read utterances until end of input; returns the exit status."""
    logging.basicConfig(
        level=(args.log_level or "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        simulator = Simulator.from_config(
            config, user=args.user, locale=args.locale, display=getattr(args, "display", False)
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    interactive = stdin.isatty() and not args.json
    warm_up = None
    if config.warm_up and interactive:
        from skill.app import services_for

        # A person listens to the welcome before asking, so the index and generator load
        # meanwhile. A piped script gains nothing from it and would wait for it at exit.
        warm_up = services_for(config).warm_up()
    if interactive:
        stdout.write('ShopTalk simulator. Say "open shop talk" to start; Ctrl-D to quit.\n')
    if interactive:
        import readline  # noqa: F401 - line editing and history for input()
    while True:
        if interactive:
            try:
                line = input(_PROMPT) + "\n"
            except EOFError:
                break
        else:
            line = stdin.readline()
        if not line:
            break
        utterance = line.strip()
        if not utterance or utterance.startswith("#"):
            continue
        _print_turn(simulator.say(utterance), args.json, stdout)
    simulator.end()
    if interactive:
        stdout.write("\n")
    if warm_up is not None:
        # Exiting while the loader thread is inside torch or llama.cpp aborts the process
        # (exit 134), so the quit waits for the warm-up to finish.
        warm_up.join()
    return 0
