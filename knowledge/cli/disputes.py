"""`messages reported [--json]` and `messages conversation HANDLE_A HANDLE_B [--json]`:
dispute review for the content team.

Only conversations with at least one reported message can be opened: private messages are
private unless someone asked the team to look. Users are shown by handle, never by an
Alexa id.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from knowledge.cli.context import EXIT_OK, CliContext, CliError
from knowledge.model import Message, User


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("messages", help="reported messages and conversations (disputes)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    a = actions.add_parser("reported", help="every reported message")
    a.add_argument("--json", action="store_true", help="a JSON array")
    a.set_defaults(run=run_reported)
    a = actions.add_parser("conversation", help="the whole conversation of two users (reported ones only)")
    a.add_argument("handle_a", metavar="HANDLE_A")
    a.add_argument("handle_b", metavar="HANDLE_B")
    a.add_argument("--json", action="store_true", help="a JSON array")
    a.set_defaults(run=run_conversation)


def _handle(ctx: CliContext, user_id: str, cache: dict[str, str]) -> str:
    if user_id not in cache:
        user = ctx.store.get_user(user_id)
        cache[user_id] = user.handle if user else "(deleted user)"
    return cache[user_id]


def _row(ctx: CliContext, m: Message, cache: dict[str, str]) -> dict[str, Any]:
    return {"id": m.id, "from": _handle(ctx, m.sender_id, cache), "to": _handle(ctx, m.recipient_id, cache),
            "sent_at": m.created_at, "text": m.text, "read": m.read,
            "deleted_by_recipient": m.deleted_by_recipient, "reported": m.reported}


def _print(ctx: CliContext, rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        ctx.print(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        flag = " [REPORTED]" if r["reported"] else ""
        ctx.print(f"{r['sent_at']}  {r['from']} -> {r['to']}{flag}: {r['text']}")
    ctx.print(f"{len(rows)} message(s)")


def run_reported(args: argparse.Namespace, ctx: CliContext) -> int:
    cache: dict[str, str] = {}
    _print(ctx, [_row(ctx, m, cache) for m in ctx.store.reported_messages()], args.json)
    return EXIT_OK


def _user(ctx: CliContext, handle: str) -> User:
    user = ctx.store.user_by_handle(handle)
    if user is None:
        raise CliError(f"no user with the handle {handle!r}")
    return user


def run_conversation(args: argparse.Namespace, ctx: CliContext) -> int:
    a, b = _user(ctx, args.handle_a), _user(ctx, args.handle_b)
    messages = ctx.store.messages_between(a.id, b.id)
    if not any(m.reported for m in messages):
        raise CliError(f"no reported message between {a.handle} and {b.handle}; "
                       "only reported conversations can be reviewed")
    cache: dict[str, str] = {}
    _print(ctx, [_row(ctx, m, cache) for m in messages], args.json)
    return EXIT_OK
