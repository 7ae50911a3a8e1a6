"""Log in, log out, and the guards every other page sits behind.

The session cookie (Flask's, signed with the console secret; HttpOnly, SameSite=Lax) carries
only the account name and the login time; the account is read again on every request, so a
disabled account or a changed role takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for

from knowledge.console.accounts import log_in
from knowledge.console.records import Account, Role
from knowledge.console.services import services

F = TypeVar("F", bound=Callable[..., Any])
blueprint = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static"})


def load_account() -> Any:
    """before_request: who is logged in (g.account), or a redirect to the login page."""
    g.account = None
    name = session.get("account")
    started = session.get("since")
    if name and started:
        fresh = datetime.now(UTC) - datetime.fromisoformat(started) < current_app.permanent_session_lifetime
        account = services().store.get_account(name) if fresh else None
        if account is not None and not account.disabled:
            g.account = account
        else:
            session.clear()
    if g.account is None and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.method != "GET":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path if request.args else request.path))
    return None


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only accounts with one of `roles` (admins always) may use the view; others get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account: Account | None = g.get("account")
            if account is None:
                abort(401)
            if account.role is not Role.ADMIN and account.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def actor() -> str:
    account: Account | None = g.get("account")
    return account.name if account else "-"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    result = log_in(services().store, name, password, request.remote_addr or "",
                    current_app.config["SHOPTALK_LOGIN_POLICY"])
    if result.throttled:
        minutes = max(1, int(result.retry_after.total_seconds() // 60) + 1)
        flash(f"Too many failed logins. Try again in {minutes} minute(s).", "error")
        return render_template("login.html", next=request.form.get("next", "")), 429
    if result.account is None:
        flash("Wrong account name or password.", "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    session.clear()  # a fresh session (and CSRF token) after login
    session.permanent = True
    session["account"] = result.account.name
    session["since"] = datetime.now(UTC).isoformat()
    return redirect(_safe_next(request.form.get("next")))


@blueprint.route("/logout", methods=["POST"])
def logout() -> Any:
    from knowledge.console.audit import audit

    audit(services().store, actor(), "logout", remote_addr=request.remote_addr or "")
    session.clear()
    return redirect(url_for("auth.login"))
