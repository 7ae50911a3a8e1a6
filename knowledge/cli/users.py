"""`users add NAME --role ROLE [--password-stdin]`, `users list [--json]`, `users disable|enable NAME`,
`users passwd NAME [--password-stdin]`: accounts of the content-team console.

There is no default account: the first admin is made here. The password is asked for twice
on a terminal (never echoed), or read as one line from stdin with --password-stdin (for
scripts); it never appears on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json

from knowledge.cli.context import EXIT_OK, CliContext, CliError, UsageError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from knowledge.console.records import Role

    p = commands.add_parser("users", help="console accounts: add, list, disable, enable, passwd")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    a = actions.add_parser("add", help="create an account (password prompted, or --password-stdin)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=[r.value for r in Role])
    a.add_argument("--password-stdin", action="store_true", help="read the password as one line from stdin")
    a.set_defaults(run=run_add)
    a = actions.add_parser("list", help="every account with its role")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=run_list)
    for name in ("disable", "enable"):
        a = actions.add_parser(name, help=f"{name} an account")
        a.add_argument("name", metavar="NAME")
        a.set_defaults(run=run_toggle, disabled=name == "disable")
    a = actions.add_parser("passwd", help="set a new password")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--password-stdin", action="store_true")
    a.set_defaults(run=run_passwd)


def _password(args: argparse.Namespace, ctx: CliContext) -> str:
    import sys

    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UsageError("--password-stdin: nothing on stdin")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise CliError("the two passwords differ")
    return first


def run_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.console.accounts import AccountError, create_account
    from knowledge.console.records import Role

    ctx.without_demo_seeding()
    try:
        account = create_account(ctx.store, args.name, Role(args.role), _password(args, ctx), actor="cli")
    except AccountError as exc:
        raise CliError(str(exc)) from None
    ctx.print(f"account {account.name} ({account.role.value}) created")
    return EXIT_OK


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.without_demo_seeding()
    rows = [{"name": a.name, "role": a.role.value, "created_at": a.created_at, "disabled": a.disabled}
            for a in ctx.store.list_accounts()]
    if args.json:
        ctx.print(json.dumps(rows))
        return EXIT_OK
    for row in rows:
        ctx.print(f"{row['name']:<24} {row['role']:<10} {row['created_at']}{'  disabled' if row['disabled'] else ''}")
    ctx.print(f"{len(rows)} account(s)")
    return EXIT_OK


def run_toggle(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.console.accounts import AccountError, set_disabled

    ctx.without_demo_seeding()
    try:
        set_disabled(ctx.store, args.name, args.disabled, "cli")
    except AccountError as exc:
        raise CliError(str(exc)) from None
    ctx.print(f"account {args.name} {'disabled' if args.disabled else 'enabled'}")
    return EXIT_OK


def run_passwd(args: argparse.Namespace, ctx: CliContext) -> int:
    from knowledge.console.accounts import AccountError, set_password

    ctx.without_demo_seeding()
    try:
        set_password(ctx.store, args.name, _password(args, ctx), "cli")
    except AccountError as exc:
        raise CliError(str(exc)) from None
    ctx.print(f"password of {args.name} changed")
    return EXIT_OK
