"""`delete-user HANDLE --yes`: erase a user on request (the same erasure as "delete my data"
in the skill: messages, votes, friendships, memory and reviews deleted; questions and
answers anonymised). The search index, when built, is updated at once."""

from __future__ import annotations

import argparse

from knowledge.cli.context import EXIT_OK, CliContext, CliError, UsageError
from knowledge.privacy import erase_user


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("delete-user", help="erase a user's data (needs --yes)")
    p.add_argument("handle", metavar="HANDLE")
    p.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    p.set_defaults(run=run_delete_user)


def run_delete_user(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.yes:
        raise UsageError(f"deleting {args.handle!r} cannot be undone: add --yes to confirm")
    user = ctx.store.user_by_handle(args.handle)
    if user is None:
        raise CliError(f"no user with the handle {args.handle!r}")
    erasure = erase_user(ctx.store, user.id)
    ctx.print(
        f"deleted {user.handle}: {erasure.messages} message(s), {erasure.votes} vote(s), "
        f"{len(erasure.reviews_deleted)} review(s) deleted, {erasure.answers_anonymised} answer(s) and "
        f"{len(erasure.questions_anonymised)} question(s) anonymised, memory "
        f"{'deleted' if erasure.memory else 'none'}"
    )
    ctx.refresh_index()
    return EXIT_OK
