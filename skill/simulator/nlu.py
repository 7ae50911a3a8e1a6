"""Intent matching against the interaction model, the way Alexa's model would map speech.

Every sample utterance is compiled into a pattern; slots become capture groups constrained
by their type (AMAZON.NUMBER must be a number, AMAZON.FirstName one or two words, custom
types and SearchQuery take any words: custom types are open, as on Alexa). The best match
is the one with the most literal words, then the most slot values resolved. Custom slot
values are resolved against the type's values and synonyms and carry entity-resolution
results as Alexa fills them (ER_SUCCESS_MATCH with the value id and name, or
ER_SUCCESS_NO_MATCH). Standard built-in phrasings ("stop", "yes", "say that again") are
included for the AMAZON.* intents, as Alexa includes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skill import intents
from skill.simulator.numbers import parse_number
from skill.tools.model_files import language_model, load_model

BUILT_IN_PHRASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        intents.HELP: ("help", "help me", "i need help", "what can i do", "what do i do", "what can you do"),
        intents.STOP: ("stop", "stop it", "quit", "goodbye", "good bye", "bye", "shut up", "be quiet", "off"),
        intents.CANCEL: ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
        intents.YES: ("yes", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "please do",
                      "of course", "go ahead", "do it", "sounds good", "absolutely", "why not", "alright"),
        intents.NO: ("no", "nope", "nah", "no thanks", "no thank you", "not now", "not really", "no way"),
        intents.NEXT: ("next", "next one", "skip", "skip it", "go on", "continue", "more", "tell me more", "another one"),
        intents.REPEAT: ("repeat", "repeat that", "say that again", "say it again", "what did you say",
                         "come again", "pardon", "sorry what", "can you repeat that"),
        intents.NAVIGATE_HOME: ("go home", "home", "start over", "main menu", "go back to the start"),
    }
)
EXIT_PHRASES = frozenset({"exit", "alexa exit"})

_ARTICLE = re.compile(r"^(the|a|an|my|this|that|some)\s+")


def normalize(text: str) -> str:
    """Lower case, spoken punctuation removed, whitespace collapsed; keeps apostrophes and
    the dots and @ inside words (e-mail addresses, decimals)."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[,!?;:\"()]+", " ", text)
    text = re.sub(r"\.(?=\s|$)", " ", text)
    return " ".join(text.split())


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


@dataclass(frozen=True)
class SlotFill:
    """One slot as Alexa would send it."""

    name: str
    value: str | None
    slot_type: str
    er_status: str | None = None  # None for built-in types (no resolutions)
    resolved: tuple[tuple[str, str], ...] = ()  # (id, name), best first

    def to_json(self, application_id: str) -> dict[str, Any]:
        """The slot object of an IntentRequest."""
        slot: dict[str, Any] = {"name": self.name, "confirmationStatus": "NONE"}
        if self.value is None:
            return slot
        slot["value"] = self.value
        slot["source"] = "USER"
        simple: dict[str, Any] = {"type": "Simple", "value": self.value}
        if self.er_status is not None:
            authority: dict[str, Any] = {
                "authority": f"amzn1.er-authority.echo-sdk.{application_id}.{self.slot_type}",
                "status": {"code": self.er_status},
            }
            if self.resolved:
                authority["values"] = [{"value": {"name": name, "id": id_}} for id_, name in self.resolved]
            slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
            simple["resolutions"] = slot["resolutions"]
        slot["slotValue"] = simple
        return slot


@dataclass(frozen=True)
class IntentMatch:
    """The intent an utterance maps to, with its filled slots (only those heard)."""

    intent: str
    slots: Mapping[str, SlotFill] = field(default_factory=dict)
    score: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class _Pattern:
    intent: str
    regex: re.Pattern[str]
    slots: tuple[str, ...]
    literal_words: int
    for_slot: str | None  # a slot sample (used only while that slot is being elicited)


class LanguageModel:
    """One locale's interaction model, compiled for matching."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        model = language_model(document)
        self.invocation_name: str = model["invocationName"]
        self.slot_types: dict[str, dict[str, str]] = {}  # intent -> slot -> type
        self.type_values: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        for slot_type in model.get("types", []):
            self.type_values[slot_type["name"]] = [
                (
                    value.get("id") or value["name"]["value"],
                    value["name"]["value"],
                    tuple(value["name"].get("synonyms", ())),
                )
                for value in slot_type.get("values", [])
            ]
        patterns: list[_Pattern] = []
        for intent in model.get("intents", []):
            name = intent["name"]
            self.slot_types[name] = {s["name"]: s["type"] for s in intent.get("slots", [])}
            samples = list(intent.get("samples", [])) + list(BUILT_IN_PHRASES.get(name, ()))
            patterns.extend(self._compile(name, sample, None) for sample in samples)
            for slot in intent.get("slots", []):
                patterns.extend(self._compile(name, s, slot["name"]) for s in slot.get("samples", []))
        self._patterns = tuple(patterns)
        dialog = document["interactionModel"].get("dialog", {})
        self.dialog_intents: dict[str, dict[str, Any]] = {i["name"]: i for i in dialog.get("intents", [])}
        self.prompts: dict[str, list[str]] = {
            p["id"]: [v["value"] for v in p.get("variations", [])]
            for p in document["interactionModel"].get("prompts", [])
        }

    @classmethod
    def from_file(cls, path: Path) -> LanguageModel:
        return cls(load_model(path))

    def _slot_regex(self, slot_type: str, group: str) -> str:
        if slot_type == intents.TYPE_FIRST_NAME:
            return rf"(?P<{group}>[a-z][a-z'-]*(?: [a-z][a-z'-]*)?)"
        return rf"(?P<{group}>.+?)"

    def _compile(self, intent: str, sample: str, for_slot: str | None) -> _Pattern:
        types = self.slot_types.get(intent, {})
        parts: list[str] = []
        slots: list[str] = []
        literal = 0
        for token in re.split(r"(\{\w+\})", sample):
            token = token.strip() if token.startswith("{") else normalize(token)
            if not token:
                continue
            if token.startswith("{"):
                slot = token[1:-1]
                slots.append(slot)
                parts.append(self._slot_regex(types.get(slot, intents.TYPE_SEARCH_QUERY), slot))
            else:
                parts.append(re.escape(token))
                literal += len(token.split())
        return _Pattern(intent, re.compile("^" + " ".join(parts) + "$"), tuple(slots), literal, for_slot)

    def fill(self, intent: str, slot: str, raw: str) -> SlotFill | None:
        """The slot as Alexa would fill it from the words `raw`; None when the type rejects them."""
        slot_type = self.slot_types.get(intent, {}).get(slot, intents.TYPE_SEARCH_QUERY)
        if slot_type == intents.TYPE_NUMBER:
            number = parse_number(raw)
            return None if number is None else SlotFill(slot, str(number), slot_type)
        if slot_type.startswith("AMAZON."):
            return SlotFill(slot, raw, slot_type)
        return self.resolve(slot, slot_type, raw)

    def resolve(self, slot: str, slot_type: str, raw: str) -> SlotFill:
        """Entity resolution of an open custom slot against its values and synonyms."""
        def forms(text: str) -> set[str]:
            plain = _plain(text)
            return {plain, _ARTICLE.sub("", plain)}

        candidates = forms(raw)
        matches = [
            (id_, name)
            for id_, name, synonyms in self.type_values.get(slot_type, [])
            if any(candidates & forms(known) for known in (name, *synonyms))
        ]
        status = "ER_SUCCESS_MATCH" if matches else "ER_SUCCESS_NO_MATCH"
        return SlotFill(slot, raw, slot_type, status, tuple(matches))

    def _try(self, pattern: _Pattern, text: str) -> IntentMatch | None:
        found = pattern.regex.match(text)
        if found is None:
            return None
        fills: dict[str, SlotFill] = {}
        for slot in pattern.slots:
            fill = self.fill(pattern.intent, slot, found.group(slot))
            if fill is None:
                return None
            fills[slot] = fill
        resolved = sum(1 for f in fills.values() if f.er_status == "ER_SUCCESS_MATCH")
        return IntentMatch(pattern.intent, MappingProxyType(fills), (pattern.literal_words, resolved))

    def match(self, utterance: str) -> IntentMatch:
        """The best intent for `utterance`; AMAZON.FallbackIntent when nothing matches."""
        text = normalize(utterance)
        best: IntentMatch | None = None
        for pattern in self._patterns:
            if pattern.for_slot is not None:
                continue
            found = self._try(pattern, text)
            if found is not None and (best is None or found.score > best.score):
                best = found
        return best or IntentMatch(intents.FALLBACK, MappingProxyType({}))

    def match_slot(self, intent: str, slot: str, utterance: str) -> SlotFill | None:
        """Fill `slot` of `intent` from an answer to its elicitation prompt: the slot's own
        samples and the intent's samples that contain it are tried; None when none fit."""
        text = normalize(utterance)
        best: tuple[int, SlotFill] | None = None
        for pattern in self._patterns:
            if pattern.intent != intent or slot not in pattern.slots:
                continue
            if pattern.for_slot not in (None, slot):
                continue
            found = self._try(pattern, text)
            if found is not None and (best is None or pattern.literal_words > best[0]):
                best = (pattern.literal_words, found.slots[slot])
        return best[1] if best else None

    def declared_slots(self, intent: str) -> Sequence[str]:
        return tuple(self.slot_types.get(intent, {}))
