"""The composition root of the console: `create_app(store, knowledge_config, console_config)`.

Flask with Jinja2 templates (autoescaping on for every template), Flask-WTF's CSRFProtect on
every POST, signed HttpOnly SameSite session cookies, a size limit on request bodies, and
every page behind the login (`auth.load_account`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from knowledge.config import KnowledgeConfig
from knowledge.console import auth
from knowledge.console.config import ConsoleConfig
from knowledge.console.records import Role
from knowledge.console.services import EXTENSION_KEY, ConsoleServices
from knowledge.store.base import Store


def create_app(store: Store, knowledge: KnowledgeConfig, config: ConsoleConfig) -> Flask:
    from knowledge.console.views import admin, alerts, catalog, dashboard, disputes, imports, moderation, polls

    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="shoptalk_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=config.session_lifetime,
        MAX_CONTENT_LENGTH=config.max_upload_bytes,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        SHOPTALK_LOGIN_POLICY=config.login_policy,
    )
    app.jinja_env.autoescape = True  # every template, whatever its file name
    app.extensions[EXTENSION_KEY] = ConsoleServices(store, knowledge, config)
    CSRFProtect(app)
    app.before_request(auth.load_account)
    for blueprint in (auth.blueprint, dashboard.blueprint, catalog.blueprint, imports.blueprint,
                      moderation.blueprint, disputes.blueprint, polls.blueprint, alerts.blueprint,
                      admin.blueprint):
        app.register_blueprint(blueprint)

    @app.context_processor
    def roles() -> dict[str, Any]:
        account = g.get("account")

        def can(*allowed: str) -> bool:
            return account is not None and (account.role is Role.ADMIN or account.role.value in allowed)

        return {"account": account, "can": can}

    @app.after_request
    def headers(response: Any) -> Any:
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                    "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Any:
        return render_template("error.html", title="Form expired or forged",
                               message="The form was refused: its security token is missing or invalid. "
                                       "Reload the page and try again."), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Any:
        limit_mb = config.max_upload_bytes / (1024 * 1024)
        return render_template("error.html", title="File too large",
                               message=f"The upload is larger than the limit of {limit_mb:g} MB. "
                                       "Split the file, or import it with `python -m knowledge import`."), 413

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        titles = {401: "Please log in", 403: "Not allowed", 404: "Not found"}
        messages = {403: "Your role does not allow this page or action."}
        return render_template("error.html", title=titles.get(error.code or 500, error.name),
                               message=messages.get(error.code or 500, error.description)), error.code

    return app
