"""A simulated Alexa: keeps the session, turns utterances into request envelopes, runs them
through the skill and plays Alexa's part of dialog management.

Alexa's part, as on a device:
- "open/launch/start shop talk" starts a session with a LaunchRequest; "ask shop talk ..."
  (or any utterance while no session is open) is a one-shot request in a new session;
  "exit" ends the session with a SessionEndedRequest.
- Session attributes returned by the skill are sent back with the next request; after a
  response that ends the session, the next utterance starts a new session.
- Dialog.ElicitSlot: the next utterance fills the elicited slot (unless it is clearly another
  intent: stop, cancel, help, or a literal sample of another intent).
- Dialog.ConfirmIntent / ConfirmSlot: the next yes / no sets the confirmation status.
- Dialog.Delegate: the simulator elicits the first missing required slot with the dialog
  model's prompt, re-prompts when a validation fails, asks the intent confirmation when the
  model requires one, and sends the request with dialogState COMPLETED when all is done.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dialogue.voice.renderer import strip_ssml
from skill import intents
from skill.simulator import envelopes
from skill.simulator.envelopes import Caller
from skill.simulator.nlu import EXIT_PHRASES, IntentMatch, LanguageModel, SlotFill, normalize
from skill.simulator.numbers import parse_number

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

    from skill.config import SkillConfig

_MAX_DELEGATE_STEPS = 10


@dataclass(frozen=True)
class TurnResult:
    """What happened for one utterance."""

    utterance: str
    request_type: str
    intent: str | None
    slots: Mapping[str, str]
    speech: str
    reprompt: str
    end_session: bool
    latency_ms: float
    responses: tuple[Mapping[str, Any], ...] = ()  # every response envelope of the turn
    display: bool = False  # simulated on a screen device (`--display`)

    def to_json(self) -> dict[str, Any]:
        """The `--json` line: utterance, request_type, intent, slots, speech, reprompt,
        end_session, latency_ms; with `--display` also `apl`, the turn's APL datasources."""
        return {
            "utterance": self.utterance,
            "request_type": self.request_type,
            "intent": self.intent,
            "slots": dict(self.slots),
            "speech": self.speech,
            "reprompt": self.reprompt,
            "end_session": self.end_session,
            "latency_ms": round(self.latency_ms, 1),
        } | ({"apl": self.apl_datasources()} if self.display else {})

    def apl_datasources(self) -> list[Any]:
        """The datasources of every APL document rendered this turn (empty without --display)."""
        found = []
        for response in self.responses:
            for directive in (response.get("response") or {}).get("directives") or []:
                if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
                    found.append(directive.get("datasources"))
        return found


@dataclass
class _Dialog:
    """An intent whose dialog is in progress (simulator-internal, per Simulator)."""

    intent: str
    slots: dict[str, SlotFill]
    confirmation: str = "NONE"
    awaiting: str = "slot"  # "slot" | "confirm_intent" | "confirm_slot"
    slot: str | None = None
    prompted_by_alexa: bool = False
    slot_confirmations: dict[str, str] = field(default_factory=dict)


@dataclass
class _Session:
    session_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True
    dialog: _Dialog | None = None


class Simulator:
    """Talks to one skill object as one user on one device, like an Echo would."""

    def __init__(self, skill: CustomSkill, model: LanguageModel, caller: Caller) -> None:
        from ask_sdk_core.serialize import DefaultSerializer

        self._skill = skill
        self._model = model
        self._caller = caller
        self._serializer = DefaultSerializer()
        self._session: _Session | None = None
        name = re.escape(model.invocation_name)
        self._launch = re.compile(rf"^(?:alexa )?(?:open|launch|start|begin|load|run|use) {name}$")
        self._one_shot = re.compile(
            rf"^(?:alexa )?(?:ask|tell|open|launch|start|use) {name}(?: and| to| for| if| whether)? (.+)$"
        )

    @classmethod
    def from_config(
        cls, config: SkillConfig, user: str | None = None, locale: str | None = None, display: bool = False
    ) -> Simulator:
        """A simulator for the skill the composition root builds from `config`."""
        from skill.app import build_skill
        from skill.tools.model_files import model_locales, model_path

        chosen = locale or config.default_locale
        if chosen not in model_locales():
            raise ValueError(f"no interaction model for locale {chosen!r} (have {', '.join(model_locales())})")
        caller = Caller(
            application_id=config.skill_id or envelopes.SIMULATOR_APPLICATION_ID,
            user_id=f"amzn1.ask.account.{user or 'local-user'}",
            device_id="amzn1.ask.device.shoptalk-simulator",
            locale=chosen,
            display=display,
        )
        return cls(build_skill(config), LanguageModel.from_file(model_path(chosen)), caller)

    @property
    def session_open(self) -> bool:
        return self._session is not None

    # --- public API -------------------------------------------------------------------------
    def say(self, utterance: str) -> TurnResult:
        """Run one utterance through Alexa's part and the skill."""
        text = normalize(utterance)
        locale = self._caller.locale
        if self._launch.match(text):
            self._session = None
            return self._run(utterance, envelopes.launch_request(locale))
        one_shot = self._one_shot.match(text)
        if one_shot:
            self._session = None
            return self._intent_turn(utterance, one_shot.group(1))
        if self._session is not None and text in EXIT_PHRASES:
            return self._run(utterance, envelopes.session_ended_request(locale))
        if self._session is not None and self._session.dialog is not None:
            answered = self._dialog_answer(utterance, text, self._session.dialog)
            if answered is not None:
                return answered
        return self._intent_turn(utterance, text)

    def end(self) -> TurnResult | None:
        """Close an open session as Alexa does when the user walks away."""
        if self._session is None:
            return None
        return self._run("", envelopes.session_ended_request(self._caller.locale, "EXCEEDED_MAX_REPROMPTS"))

    # --- turns ------------------------------------------------------------------------------
    def _intent_turn(self, utterance: str, text: str) -> TurnResult:
        found = self._model.match(text)
        slots = self._all_slots(found.intent, found.slots)
        dialog_state = "STARTED" if found.intent in self._model.dialog_intents else None
        if self._session is not None:
            self._session.dialog = None
        request = envelopes.intent_request(self._caller.locale, found.intent, slots, dialog_state)
        return self._run(utterance, request, dict(found.slots))

    def _dialog_answer(self, utterance: str, text: str, dialog: _Dialog) -> TurnResult | None:
        """The next request when a dialog is waiting for this answer; None to treat the
        utterance as a new intent."""
        general = self._model.match(text)
        if general.intent in (intents.STOP, intents.CANCEL, intents.HELP):
            return None
        if dialog.awaiting in ("confirm_intent", "confirm_slot"):
            if general.intent not in (intents.YES, intents.NO):
                return None
            status = "CONFIRMED" if general.intent == intents.YES else "DENIED"
            if dialog.awaiting == "confirm_intent":
                dialog.confirmation = status
            elif dialog.slot is not None:
                dialog.slot_confirmations[dialog.slot] = status
            return self._continue_dialog(utterance, dialog)
        assert dialog.slot is not None
        if general.intent != dialog.intent and self._switches_intent(general, dialog):
            return None  # clearly another intent: Alexa leaves the dialog for it
        fill = self._model.match_slot(dialog.intent, dialog.slot, text)
        if fill is None:
            fill = self._model.fill(dialog.intent, dialog.slot, text)
            if fill is None:  # e.g. words where a number was asked: the slot stays unfilled
                fill = SlotFill(dialog.slot, None, "")
        if fill.value is not None:
            dialog.slots[dialog.slot] = fill
        return self._continue_dialog(utterance, dialog)

    def _switches_intent(self, general: IntentMatch, dialog: _Dialog) -> bool:
        """Whether an answer to an elicitation is really another intent: an exact sample of
        it ("read my messages"), or, unless free text is being asked for, a sample with at
        least three words of its own ("i vote for blue" when a product was asked)."""
        if general.intent == intents.FALLBACK:
            return False
        if not general.slots:
            return True
        free_text = self._model.slot_types.get(dialog.intent, {}).get(dialog.slot or "") == intents.TYPE_SEARCH_QUERY
        return not free_text and general.score[0] >= 3

    def _continue_dialog(self, utterance: str, dialog: _Dialog) -> TurnResult:
        request = envelopes.intent_request(
            self._caller.locale,
            dialog.intent,
            self._all_slots(dialog.intent, dialog.slots, dialog.slot_confirmations),
            "IN_PROGRESS",
            dialog.confirmation,
        )
        return self._run(utterance, request, dict(dialog.slots))

    # --- plumbing ---------------------------------------------------------------------------
    def _all_slots(
        self, intent: str, filled: Mapping[str, SlotFill], confirmations: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Every declared slot of `intent`, as Alexa sends them (empty ones with a name only)."""
        confirmations = confirmations or {}
        slots = {}
        for name in self._model.declared_slots(intent):
            fill = filled.get(name)
            slot = (fill or SlotFill(name, None, "")).to_json(self._caller.application_id)
            slot["name"] = name
            slot["confirmationStatus"] = confirmations.get(name, "NONE")
            slots[name] = slot
        return slots

    def _invoke(self, request: Mapping[str, Any]) -> dict[str, Any]:
        from ask_sdk_model import RequestEnvelope

        session = self._session
        if session is None and request["type"] not in ("SessionEndedRequest",):
            session = self._session = _Session(envelopes.new_session_id())
        document = envelopes.envelope(
            self._caller,
            request,
            session.session_id if session else None,
            session.new if session else False,
            session.attributes if session else {},
        )
        parsed = self._serializer.deserialize(json.dumps(document), RequestEnvelope)
        response = self._skill.invoke(request_envelope=parsed, context=None)
        result: dict[str, Any] = self._serializer.serialize(response)
        if session is not None:
            session.new = False
            session.attributes = dict(result.get("sessionAttributes") or {})
        return result

    def _run(self, utterance: str, request: dict[str, Any], heard: Mapping[str, SlotFill] | None = None) -> TurnResult:
        started = time.perf_counter()
        responses = [self._invoke(request)]
        speech, reprompt, end = _speech_of(responses[-1])
        if request["type"] == "SessionEndedRequest":
            self._session = None
            end = True
        elif end:
            self._session = None
        else:
            alexa = self._follow_directives(responses)
            if alexa is not None:
                speech = reprompt = alexa
            speech_now, reprompt_now, end_now = _speech_of(responses[-1])
            if alexa is None:
                speech, reprompt, end = speech_now, reprompt_now, end_now
                if end:
                    self._session = None
        intent = request.get("intent", {}).get("name")
        return TurnResult(
            utterance=utterance,
            request_type=request["type"],
            intent=intent,
            slots={name: fill.value for name, fill in (heard or {}).items() if fill.value is not None},
            speech=speech,
            reprompt=reprompt,
            end_session=end,
            latency_ms=(time.perf_counter() - started) * 1000,
            responses=tuple(responses),
            display=self._caller.display,
        )

    def _follow_directives(self, responses: list[dict[str, Any]]) -> str | None:
        """Apply dialog directives of the last response; returns what Alexa itself says
        (a dialog-model prompt) or None when the skill's own speech stands."""
        for _ in range(_MAX_DELEGATE_STEPS):
            if self._session is None:
                return None
            directives = responses[-1].get("response", {}).get("directives") or []
            dialog = next((d for d in directives if str(d.get("type", "")).startswith("Dialog.")), None)
            if dialog is None:
                self._session.dialog = None
                return None
            updated = dialog.get("updatedIntent") or {}
            current = self._session.dialog
            intent = updated.get("name") or (current.intent if current else None)
            if intent is None:
                return None
            slots: dict[str, SlotFill] = {}
            for name, slot in (updated.get("slots") or {}).items():
                value = slot.get("value")
                if value:
                    fill = self._model.fill(intent, name, str(value))
                    slots[name] = fill if fill is not None else SlotFill(name, str(value), "")
            if not updated and current is not None:
                slots = dict(current.slots)
            confirmation = updated.get("confirmationStatus", "NONE")
            kind = dialog["type"]
            if kind == "Dialog.ElicitSlot":
                self._session.dialog = _Dialog(intent, slots, confirmation, "slot", dialog.get("slotToElicit"))
                return None
            if kind == "Dialog.ConfirmIntent":
                self._session.dialog = _Dialog(intent, slots, confirmation, "confirm_intent")
                return None
            if kind == "Dialog.ConfirmSlot":
                self._session.dialog = _Dialog(intent, slots, confirmation, "confirm_slot", dialog.get("slotToConfirm"))
                return None
            if kind != "Dialog.Delegate":
                self._session.dialog = None
                return None
            prompt = self._delegate(intent, slots, confirmation)
            if prompt is not None:
                return prompt
            request = envelopes.intent_request(
                self._caller.locale, intent, self._all_slots(intent, slots), "COMPLETED", confirmation
            )
            self._session.dialog = None
            responses.append(self._invoke(request))
            _, _, end = _speech_of(responses[-1])
            if end:
                self._session = None
                return None
        return None

    def _delegate(self, intent: str, slots: dict[str, SlotFill], confirmation: str) -> str | None:
        """Alexa's dialog model after Dialog.Delegate: the prompt it speaks, or None when the
        dialog is complete."""
        assert self._session is not None
        spec = self._model.dialog_intents.get(intent, {})
        for slot in spec.get("slots", []):
            name = slot["name"]
            fill = slots.get(name)
            if fill is None or fill.value is None:
                if slot.get("elicitationRequired"):
                    self._session.dialog = _Dialog(intent, slots, confirmation, "slot", name, True)
                    return self._prompt(slot.get("prompts", {}).get("elicitation"), slots)
                continue
            for rule in slot.get("validations", []):
                if not _valid(rule, fill.value):
                    del slots[name]
                    self._session.dialog = _Dialog(intent, slots, confirmation, "slot", name, True)
                    return self._prompt(rule.get("prompt"), slots)
        if spec.get("confirmationRequired") and confirmation == "NONE":
            self._session.dialog = _Dialog(intent, slots, confirmation, "confirm_intent", None, True)
            return self._prompt(spec.get("prompts", {}).get("confirmation"), slots)
        return None

    def _prompt(self, prompt_id: str | None, slots: Mapping[str, SlotFill]) -> str:
        variations = self._model.prompts.get(prompt_id or "", [])
        text = variations[0] if variations else "?"
        return re.sub(r"\{(\w+)\}", lambda m: (slots[m.group(1)].value or "") if m.group(1) in slots else "", text)


def _valid(rule: Mapping[str, Any], value: str) -> bool:
    """One dialog-model slot validation (the kinds our model uses, plus the number bounds)."""
    kind = rule.get("type")
    if kind == "isInSet":
        return value in rule.get("values", [])
    if kind == "isNotInSet":
        return value not in rule.get("values", [])
    number = parse_number(value)
    if kind == "isGreaterThan":
        return number is not None and number > float(rule["value"])
    if kind == "isGreaterThanOrEqualTo":
        return number is not None and number >= float(rule["value"])
    if kind == "isLessThan":
        return number is not None and number < float(rule["value"])
    if kind == "isLessThanOrEqualTo":
        return number is not None and number <= float(rule["value"])
    return True


def _speech_of(response: Mapping[str, Any]) -> tuple[str, str, bool]:
    body = response.get("response") or {}
    speech = strip_ssml((body.get("outputSpeech") or {}).get("ssml") or (body.get("outputSpeech") or {}).get("text") or "")
    reprompt_speech = (body.get("reprompt") or {}).get("outputSpeech") or {}
    reprompt = strip_ssml(reprompt_speech.get("ssml") or reprompt_speech.get("text") or "")
    end = body.get("shouldEndSession")
    if end is None:
        has_dialog = any(str(d.get("type", "")).startswith("Dialog.") for d in body.get("directives") or [])
        end = not (reprompt or has_dialog)
    return speech, reprompt, bool(end)
