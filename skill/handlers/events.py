"""AlexaSkillEvent requests: SkillEnabled, SkillDisabled, SkillPermissionAccepted,
SkillPermissionChanged and ProactiveSubscriptionChanged.

They arrive outside any session with nothing to speak; each updates the stored permission
or purge schedule (skill.notifications.lifecycle) and is answered with an empty response.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.context import turn_of

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services

log = logging.getLogger(__name__)

SKILL_ENABLED = "AlexaSkillEvent.SkillEnabled"
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
PERMISSION_ACCEPTED = "AlexaSkillEvent.SkillPermissionAccepted"
PERMISSION_CHANGED = "AlexaSkillEvent.SkillPermissionChanged"
SUBSCRIPTION_CHANGED = "AlexaSkillEvent.ProactiveSubscriptionChanged"
LIFECYCLE_EVENTS = (SKILL_ENABLED, SKILL_DISABLED, PERMISSION_ACCEPTED, PERMISSION_CHANGED, SUBSCRIPTION_CHANGED)


def _alexa_user_id(handler_input: HandlerInput) -> str:
    system = getattr(handler_input.request_envelope.context, "system", None)
    return str(getattr(getattr(system, "user", None), "user_id", "") or "")


def _when(request: Any) -> dt.datetime:
    stamp = getattr(request, "timestamp", None)
    if isinstance(stamp, dt.datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


class SkillEventHandler(AbstractRequestHandler):
    """Every lifecycle event, by request type (see the module docstring)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return getattr(handler_input.request_envelope.request, "object_type", None) in LIFECYCLE_EVENTS

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        kind = request.object_type
        user_hash = turn_of(handler_input).user_hash
        lifecycle = self._services.lifecycle
        when = _when(request)
        if not user_hash:
            log.warning("%s without a user id; ignored", kind)
        elif kind == SKILL_DISABLED:
            due = lifecycle.disabled(user_hash, when)
            log.info("skill disabled by %s; data purge due %s", user_hash[:12], due.isoformat())
        elif kind == SKILL_ENABLED:
            if lifecycle.enabled(user_hash):
                log.info("skill re-enabled by %s; scheduled purge cancelled", user_hash[:12])
        elif kind in (PERMISSION_ACCEPTED, PERMISSION_CHANGED):
            accepted = getattr(getattr(request, "body", None), "accepted_permissions", None) or []
            scopes = [str(p.scope) for p in accepted if getattr(p, "scope", None)]
            lifecycle.permission_changed(user_hash, _alexa_user_id(handler_input), scopes, when)
        elif kind == SUBSCRIPTION_CHANGED:
            subscriptions = getattr(getattr(request, "body", None), "subscriptions", None) or []
            names = [str(s.event_name) for s in subscriptions if getattr(s, "event_name", None)]
            lifecycle.subscriptions_changed(user_hash, _alexa_user_id(handler_input), names, when)
        return handler_input.response_builder.response
