"""The moderation queue: pending reviews, questions and answers, approved or rejected (with a
reason) one at a time or several at once; every decision goes to the audit log."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from knowledge.cli.moderation import pending_items
from knowledge.console.audit import audit
from knowledge.console.auth import actor, roles_required
from knowledge.console.records import Role
from knowledge.console.services import services
from knowledge.model import ReviewStatus
from knowledge.outbox import ANSWER_PUBLISHED, record_event
from knowledge.store.base import Store

blueprint = Blueprint("moderation", __name__, url_prefix="/moderation")
MAX_REASON = 500


def decide(store: Store, record_id: str, status: ReviewStatus) -> str | None:
    """Set the status of a review, question or answer (as `moderation approve|reject` does);
    the kind decided, or None when no record has the id."""
    if store.get_review(record_id) is not None:
        kind, done = "review", store.set_review_status(record_id, status)
    elif store.get_question(record_id) is not None:
        kind, done = "question", store.set_question_status(record_id, status)
    elif store.get_answer(record_id) is not None:
        kind, done = "answer", store.set_answer_status(record_id, status)
    else:
        return None
    if done and kind == "answer" and status is ReviewStatus.PUBLISHED:
        record_event(store, ANSWER_PUBLISHED, record_id)  # the asker hears of it in the skill
    return kind if done else None


@blueprint.route("/")
@roles_required(Role.MODERATOR)
def queue() -> Any:
    items = pending_items(SimpleNamespace(store=services().store))  # type: ignore[arg-type]
    return render_template("moderation.html", items=items)


@blueprint.route("/decide", methods=["POST"])
@roles_required(Role.MODERATOR)
def decide_many() -> Any:
    ids = [i for i in request.form.getlist("id") if i][:500]
    action = request.form.get("action", "")
    reason = " ".join(request.form.get("reason", "").split())[:MAX_REASON]
    if action not in ("approve", "reject") or not ids:
        flash("Tick at least one item and choose approve or reject.", "error")
        return redirect(url_for("moderation.queue"))
    if action == "reject" and not reason:
        flash("Give a reason for rejecting.", "error")
        return redirect(url_for("moderation.queue"))
    status = ReviewStatus.PUBLISHED if action == "approve" else ReviewStatus.REJECTED
    store = services().store
    done = 0
    for record_id in ids:
        kind = decide(store, record_id, status)
        if kind is not None:
            done += 1
            audit(store, actor(), f"{kind}_{'approved' if action == 'approve' else 'rejected'}", record_id,
                  reason, request.remote_addr or "")
    services().changed()
    flash(f"{done} item(s) {'approved' if action == 'approve' else 'rejected'}.", "info")
    return redirect(url_for("moderation.queue"))
