"""`moderation list [--json]`, `moderation approve ID`, `moderation reject ID`.

The queue holds pending reviews, questions and answers (held by knowledge.moderation).
Approving publishes the record; rejecting hides it for good. An already built search index
is brought up to date at once, so approved content is searchable and rejected content gone.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from knowledge.cli.context import EXIT_OK, CliContext, CliError
from knowledge.model import ReviewStatus
from knowledge.outbox import ANSWER_PUBLISHED, record_event


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = commands.add_parser("moderation", help="the moderation queue: list, approve, reject")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    a = actions.add_parser("list", help="pending reviews, questions and answers")
    a.add_argument("--json", action="store_true", help="a JSON array")
    a.set_defaults(run=run_list)
    for name, status in (("approve", ReviewStatus.PUBLISHED), ("reject", ReviewStatus.REJECTED)):
        a = actions.add_parser(name, help=f"{name} a review, question or answer by id")
        a.add_argument("id", metavar="ID")
        a.add_argument("--no-index", action="store_true",
                       help="do not update the search index now (the next search will)")
        a.set_defaults(run=run_decide, status=status)


def pending_items(ctx: CliContext) -> list[dict[str, Any]]:
    """Everything waiting for a moderator, oldest kind first: reviews, questions, answers."""
    items: list[dict[str, Any]] = []
    for r in ctx.store.iter_reviews(ReviewStatus.PENDING):
        items.append({"kind": "review", "id": r.id, "product_id": r.product_id,
                      "rating": r.rating, "title": r.title, "text": r.text,
                      "author": r.author, "date": r.date, "user_id": r.user_id})
    for q in ctx.store.iter_questions(ReviewStatus.PENDING):
        items.append({"kind": "question", "id": q.id, "product_id": q.product_id,
                      "text": q.text, "author": q.author, "date": q.date, "user_id": q.user_id})
    for a in ctx.store.iter_answers(ReviewStatus.PENDING):
        question = ctx.store.get_question(a.question_id)
        items.append({"kind": "answer", "id": a.id, "question_id": a.question_id,
                      "product_id": question.product_id if question else "",
                      "question": question.text if question else "", "text": a.text,
                      "author": a.author, "date": a.date, "user_id": a.user_id})
    return items


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    items = pending_items(ctx)
    if args.json:
        ctx.print(json.dumps(items, ensure_ascii=False))
        return EXIT_OK
    for item in items:
        text = " ".join(item["text"].split())
        stars = f" {item['rating']}★" if "rating" in item else ""
        ctx.print(f"{item['kind']:<8} {item['id']}  {item['product_id']}{stars}  {text[:160]}")
    ctx.print(f"{len(items)} pending")
    return EXIT_OK


def run_decide(args: argparse.Namespace, ctx: CliContext) -> int:
    status: ReviewStatus = args.status
    store = ctx.store
    if store.get_review(args.id) is not None:
        kind, done = "review", store.set_review_status(args.id, status)
    elif store.get_question(args.id) is not None:
        kind, done = "question", store.set_question_status(args.id, status)
    elif store.get_answer(args.id) is not None:
        kind, done = "answer", store.set_answer_status(args.id, status)
    else:
        raise CliError(f"no review, question or answer with id {args.id!r} (see `moderation list`)")
    if not done:
        raise CliError(f"{kind} {args.id} could not be updated")
    if kind == "answer" and status is ReviewStatus.PUBLISHED:
        record_event(store, ANSWER_PUBLISHED, args.id)  # the asker's notification
    ctx.print(f"{kind} {args.id} is now {status.value}")
    if not args.no_index:
        ctx.refresh_index()
    return EXIT_OK
