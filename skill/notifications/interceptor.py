"""After every intent turn, start a background drain of the notification outbox, so an
event a turn caused (a delivered message, a published answer) goes out without the turn
waiting for Amazon. Skipped when notifications are not configured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import Response

    from skill.app import Services


class NotifyAfterTurnInterceptor(AbstractResponseInterceptor):
    def __init__(self, services: Services) -> None:
        self._services = services

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if not self._services.config.notifications.enabled:
            return
        if getattr(handler_input.request_envelope.request, "object_type", None) != "IntentRequest":
            return
        self._services.notifier.drain_soon()
