"""Plain values read once from a request envelope: what every handler needs to know.

The request interceptor builds one `Turn` per request and keeps it in the request
attributes; handlers call `turn_of(handler_input)` and pass plain values to dialogue/, which
never sees an ask-sdk type. The Alexa user id is hashed here and never leaves this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dialogue.state import DialogueState
from dialogue.voice.renderer import supported_locale

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

TURN_KEY = "shoptalk.turn"  # request-attribute key holding the Turn
_USER_HASH_SALT = b"shoptalk.alexa-user.v1:"
_OWN_AUTHORITY_PREFIX = "amzn1.er-authority.echo-sdk."


def hash_alexa_user_id(alexa_user_id: str) -> str:
    """A stable pseudonym for an Alexa user id (the raw id is never stored or logged)."""
    return hashlib.sha256(_USER_HASH_SALT + alexa_user_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SlotValue:
    """One filled slot: what was heard, and what entity resolution matched (best first)."""

    name: str
    spoken: str | None
    resolved_ids: tuple[str, ...] = ()
    resolved_names: tuple[str, ...] = ()
    er_status: str | None = None  # ER_SUCCESS_MATCH / ER_SUCCESS_NO_MATCH / None (built-in type)
    confirmation: str = "NONE"

    @property
    def resolved_id(self) -> str | None:
        """The best-matching value id, when entity resolution matched one."""
        return self.resolved_ids[0] if self.resolved_ids else None


@dataclass(frozen=True)
class Turn:
    """One request as plain values."""

    request_id: str
    request_type: str
    locale: str
    user_hash: str
    new_session: bool
    state: DialogueState
    intent: str | None = None
    slots: Mapping[str, SlotValue] = field(default_factory=lambda: MappingProxyType({}))
    dialog_state: str | None = None  # STARTED / IN_PROGRESS / COMPLETED
    intent_confirmation: str = "NONE"  # NONE / CONFIRMED / DENIED

    def slot(self, name: str) -> str | None:
        """The spoken value of slot `name`, or None when it is empty."""
        value = self.slots.get(name)
        return value.spoken if value is not None and value.spoken else None


def _enum_value(value: Any, default: str) -> str:
    if value is None:
        return default
    return str(getattr(value, "value", value))


def _slot_value(name: str, slot: Any) -> SlotValue:
    ids: list[str] = []
    names: list[str] = []
    codes: list[str] = []
    resolutions = getattr(slot, "resolutions", None)
    authorities = list(getattr(resolutions, "resolutions_per_authority", None) or [])
    # our own slot types first, Alexa's shared entities (AlexaEntities) after
    authorities.sort(key=lambda a: not str(a.authority or "").startswith(_OWN_AUTHORITY_PREFIX))
    for authority in authorities:
        code = _enum_value(getattr(authority.status, "code", None), "")
        codes.append(code)
        if code == "ER_SUCCESS_MATCH":
            for wrapper in authority.values or []:
                if wrapper.value is not None and wrapper.value.id:
                    ids.append(wrapper.value.id)
                    names.append(wrapper.value.name or "")
    status = "ER_SUCCESS_MATCH" if "ER_SUCCESS_MATCH" in codes else (codes[0] if codes else None)
    return SlotValue(
        name=name,
        spoken=getattr(slot, "value", None) or None,
        resolved_ids=tuple(ids),
        resolved_names=tuple(names),
        er_status=status,
        confirmation=_enum_value(getattr(slot, "confirmation_status", None), "NONE"),
    )


def read_turn(handler_input: HandlerInput) -> Turn:
    """Build the Turn for the current request (any request type, any missing field)."""
    envelope = handler_input.request_envelope
    request = envelope.request
    session = envelope.session
    system = getattr(envelope.context, "system", None)
    user = getattr(system, "user", None) or getattr(session, "user", None)
    alexa_user_id = getattr(user, "user_id", None) or ""
    intent = getattr(request, "intent", None)
    slots = {
        name: _slot_value(name, slot) for name, slot in (getattr(intent, "slots", None) or {}).items()
    }
    attributes = session.attributes if session is not None else None
    return Turn(
        request_id=str(getattr(request, "request_id", "") or ""),
        request_type=str(getattr(request, "object_type", "") or ""),
        locale=supported_locale(getattr(request, "locale", None)),
        user_hash=hash_alexa_user_id(alexa_user_id) if alexa_user_id else "",
        new_session=bool(getattr(session, "new", False)),
        state=DialogueState.from_attributes(attributes),
        intent=getattr(intent, "name", None),
        slots=MappingProxyType(slots),
        dialog_state=_enum_value(getattr(request, "dialog_state", None), "") or None,
        intent_confirmation=_enum_value(getattr(intent, "confirmation_status", None), "NONE"),
    )


def turn_of(handler_input: HandlerInput) -> Turn:
    """The Turn the request interceptor stored (built on demand if it did not run)."""
    attributes = handler_input.attributes_manager.request_attributes
    turn = attributes.get(TURN_KEY)
    if not isinstance(turn, Turn):
        turn = read_turn(handler_input)
        attributes[TURN_KEY] = turn
    return turn
