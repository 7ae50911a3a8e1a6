"""Envelope checks shared by the web service and Lambda: context, request type, skill id.

Kept free of Flask and of the web-service SDK so Lambda can import it cheaply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_model import RequestEnvelope


def application_id(envelope: RequestEnvelope) -> str | None:
    """The skill id a request is addressed to: context.System.application, else session."""
    system = getattr(getattr(envelope, "context", None), "system", None)
    app_id: Any = getattr(getattr(system, "application", None), "application_id", None)
    if app_id is None:
        session = getattr(envelope, "session", None)
        app_id = getattr(getattr(session, "application", None), "application_id", None)
    return app_id if isinstance(app_id, str) else None


def envelope_problem(envelope: RequestEnvelope, skill_id: str | None) -> str | None:
    """Why no handler should see `envelope`, or None when it is fine.

    Every envelope needs context.System and a typed request (the SDK fails on them with an
    AttributeError otherwise); whenever `skill_id` is configured the application id must
    equal it.
    """
    context = getattr(envelope, "context", None)
    if context is None or getattr(context, "system", None) is None:
        return "request envelope has no context.System"
    request = getattr(envelope, "request", None)
    if request is None or not isinstance(getattr(request, "object_type", None), str):
        return "request envelope has no request with a type"
    if skill_id is not None:
        actual = application_id(envelope)
        if actual != skill_id:
            return f"application id {actual!r} does not match the configured skill id {skill_id!r}"
    return None
