"""Admins only: accounts (add, disable, enable) and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from knowledge.console.accounts import AccountError, create_account, set_disabled
from knowledge.console.auth import actor, roles_required
from knowledge.console.records import Role
from knowledge.console.services import services

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.route("/users")
@roles_required()
def users() -> Any:
    return render_template("users.html", accounts=services().store.list_accounts(), roles=[r.value for r in Role])


@blueprint.route("/users", methods=["POST"])
@roles_required()
def add_user() -> Any:
    try:
        role = Role(request.form.get("role", ""))
        create_account(services().store, request.form.get("name", "").strip(), role,
                       request.form.get("password", ""), actor=actor())
    except (AccountError, ValueError) as exc:
        flash(f"Account not created: {exc}", "error")
    return redirect(url_for("admin.users"))


@blueprint.route("/users/<name>/<step>", methods=["POST"])
@roles_required()
def toggle_user(name: str, step: str) -> Any:
    if name.casefold() == actor().casefold():
        flash("You cannot disable your own account.", "error")
        return redirect(url_for("admin.users"))
    try:
        set_disabled(services().store, name, step == "disable", actor())
    except AccountError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.users"))


@blueprint.route("/audit")
@roles_required()
def audit_log() -> Any:
    action = request.args.get("action") or None
    return render_template("audit.html", entries=services().store.audit_log(action=action, limit=500), action=action)
