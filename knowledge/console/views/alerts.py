"""Negative-feedback alerts: the list, one alert with acknowledge / resolve, the owners who
receive them (assigned by family, brand or category), and time to acknowledge per owner."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from knowledge.alerts.lifecycle import AlertError, ack_times, acknowledge, resolve
from knowledge.alerts.owners import OwnerError, new_owner
from knowledge.alerts.records import AlertStatus
from knowledge.console.audit import audit
from knowledge.console.auth import actor, roles_required
from knowledge.console.records import Role
from knowledge.console.services import services

blueprint = Blueprint("alerts", __name__, url_prefix="/alerts")


@blueprint.route("/")
@roles_required(Role.EDITOR, Role.MODERATOR)
def index() -> Any:
    status = request.args.get("status", "")
    store = services().store
    alerts = store.list_alerts()
    shown = [a for a in alerts if not status or a.status.value == status]
    owners = {o.id: o for o in store.list_owners()}
    return render_template("alerts.html", alerts=shown[:300], total=len(shown), status=status, owners=owners,
                           statuses=[s.value for s in AlertStatus], ack=ack_times(alerts))


@blueprint.route("/<alert_id>")
@roles_required(Role.EDITOR, Role.MODERATOR)
def show(alert_id: str) -> Any:
    store = services().store
    alert = store.get_alert(alert_id)
    if alert is None:
        abort(404)
    owners = {o.id: o for o in store.list_owners()}
    return render_template("alert.html", alert=alert, owners=owners, deliveries=store.deliveries_of(alert_id))


@blueprint.route("/<alert_id>/<step>", methods=["POST"])
@roles_required(Role.EDITOR, Role.MODERATOR)
def move(alert_id: str, step: str) -> Any:
    if step not in ("acknowledge", "resolve"):
        abort(404)
    store = services().store
    try:
        done = (acknowledge if step == "acknowledge" else resolve)(store, alert_id, actor(), datetime.now(UTC))
    except AlertError as exc:
        flash(str(exc), "error")
        return redirect(url_for("alerts.show", alert_id=alert_id))
    audit(store, actor(), f"alert_{done.status.value}", alert_id, done.title, request.remote_addr or "")
    services().figures.invalidate()
    return redirect(url_for("alerts.show", alert_id=alert_id))


@blueprint.route("/owners")
@roles_required(Role.EDITOR)
def owners() -> Any:
    return render_template("owners.html", owners=services().store.list_owners())


@blueprint.route("/owners", methods=["POST"])
@roles_required(Role.EDITOR)
def add_owner() -> Any:
    form = request.form
    try:
        rank = int(form.get("rank", "0") or 0)
        owner = new_owner(form.get("name", ""), form.get("scope", ""), form.get("value", ""),
                          form.get("email", ""), form.get("webhook_url", ""), rank, form.get("sns_topic_arn", ""))
    except (OwnerError, ValueError) as exc:
        flash(f"Owner not added: {exc}", "error")
        return redirect(url_for("alerts.owners"))
    services().store.put_owner(owner)
    audit(services().store, actor(), "owner_added", owner.id,
          f"{owner.name} for {owner.scope.value} {owner.value}", request.remote_addr or "")
    return redirect(url_for("alerts.owners"))


@blueprint.route("/owners/<owner_id>/remove", methods=["POST"])
@roles_required(Role.EDITOR)
def remove_owner(owner_id: str) -> Any:
    if services().store.delete_owner(owner_id):
        audit(services().store, actor(), "owner_removed", owner_id, remote_addr=request.remote_addr or "")
    return redirect(url_for("alerts.owners"))
