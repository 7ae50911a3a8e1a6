"""Disputes: reported conversations, read-only, for admins only; every view is audited.

As in `messages conversation`, only a conversation with a reported message can be opened."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from knowledge.console.audit import audit
from knowledge.console.auth import actor, roles_required
from knowledge.console.services import services

blueprint = Blueprint("disputes", __name__, url_prefix="/disputes")


def _handle(user_id: str, cache: dict[str, str]) -> str:
    if user_id not in cache:
        user = services().store.get_user(user_id)
        cache[user_id] = user.handle if user else "(deleted user)"
    return cache[user_id]


@blueprint.route("/")
@roles_required()
def reported() -> Any:
    cache: dict[str, str] = {}
    messages = services().store.reported_messages()
    audit(services().store, actor(), "disputes_listed", detail=f"{len(messages)} reported",
          remote_addr=request.remote_addr or "")
    rows = [(m, _handle(m.sender_id, cache), _handle(m.recipient_id, cache)) for m in messages]
    return render_template("disputes.html", rows=rows)


@blueprint.route("/<user_a>/<user_b>")
@roles_required()
def conversation(user_a: str, user_b: str) -> Any:
    store = services().store
    messages = store.messages_between(user_a, user_b)
    if not any(m.reported for m in messages):
        abort(404)
    cache: dict[str, str] = {}
    audit(store, actor(), "dispute_viewed", f"{user_a}/{user_b}", f"{len(messages)} messages",
          request.remote_addr or "")
    rows = [(m, _handle(m.sender_id, cache), _handle(m.recipient_id, cache)) for m in messages]
    return render_template("conversation.html", rows=rows, a=_handle(user_a, cache), b=_handle(user_b, cache))
