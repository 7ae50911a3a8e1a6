"""Reading and writing interaction_models/<locale>.json, and the rules Alexa's model build
enforces that we can check offline (invocation name, SearchQuery carrier phrases)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = PROJECT_ROOT / "interaction_models"
_SLOT_RE = re.compile(r"\{(\w+)\}")
LAUNCH_WORDS = frozenset({"ask", "open", "tell", "alexa", "amazon", "echo", "skill", "app", "launch",
                          "begin", "load", "play", "resume", "run", "start", "use"})
WAKE_AND_CONNECTING = frozenset({"alexa", "amazon", "echo", "computer", "ziggy", "to", "from", "in",
                                 "using", "with", "about", "for", "that", "by", "if", "and", "whether"})


class ModelError(ValueError):
    """An interaction model file is unreadable or breaks a model-build rule."""


def model_path(locale: str, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"{locale}.json"


def model_locales(models_dir: Path = MODELS_DIR) -> list[str]:
    """The locales that have a model file, sorted."""
    return sorted(path.stem for path in models_dir.glob("*.json"))


def load_model(path: Path) -> dict[str, Any]:
    """The whole JSON document of one model file (`{"interactionModel": ...}`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: line {exc.lineno}: {exc.msg}") from exc
    except OSError as exc:
        raise ModelError(f"{path}: {exc.strerror}") from exc
    if not isinstance(data, dict) or "languageModel" not in data.get("interactionModel", {}):
        raise ModelError(f"{path}: expected interactionModel.languageModel")
    return data


def save_model(path: Path, document: Mapping[str, Any]) -> None:
    """Write a model file the way we keep them (2-space JSON, trailing newline), atomically."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def language_model(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return document["interactionModel"]["languageModel"]


def slot_names(sample: str) -> list[str]:
    """The slot names referenced in one sample utterance, in order."""
    return _SLOT_RE.findall(sample)


def iter_samples(document: Mapping[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(intent, sample, slot) for every intent sample (slot None) and slot sample."""
    for intent in language_model(document).get("intents", []):
        for sample in intent.get("samples", []):
            yield intent["name"], sample, None
        for slot in intent.get("slots", []):
            for sample in slot.get("samples", []):
                yield intent["name"], sample, slot["name"]


def invocation_name_problems(name: str) -> list[str]:
    """What is wrong with an invocation name by Alexa's rules (empty when it is fine)."""
    problems: list[str] = []
    if not re.fullmatch(r"[a-z][a-z .']*[a-z]", name or ""):
        problems.append("must be lower-case letters and spaces (periods/apostrophes only in initialisms)")
    words = (name or "").split()
    if len(words) < 2:
        problems.append("must be at least two words unless it is a brand name")
    banned = sorted(set(words) & LAUNCH_WORDS)
    if banned:
        problems.append(f"must not contain launch or wake words: {', '.join(banned)}")
    if words and (words[0] in WAKE_AND_CONNECTING or words[-1] in WAKE_AND_CONNECTING):
        problems.append("must not start or end with a wake word or connecting word")
    return problems


def carrier_phrase_problems(document: Mapping[str, Any]) -> list[str]:
    """Intent samples that break the AMAZON.SearchQuery rules: a phrase slot needs a carrier
    phrase (a sample made only of the slot fails the build) and at most one per sample."""
    problems: list[str] = []
    for intent in language_model(document).get("intents", []):
        phrase_slots = {s["name"] for s in intent.get("slots", []) if s.get("type") == "AMAZON.SearchQuery"}
        for sample in intent.get("samples", []):
            used = [name for name in slot_names(sample) if name in phrase_slots]
            if len(used) > 1:
                problems.append(f"{intent['name']}: {sample!r} has {len(used)} SearchQuery slots")
            if used and not _SLOT_RE.sub("", sample).strip():
                problems.append(f"{intent['name']}: {sample!r} has no carrier phrase")
    return problems


def undefined_slot_problems(document: Mapping[str, Any]) -> list[str]:
    """Samples that reference a slot their intent does not declare, and custom slot types
    that are used but not defined."""
    problems: list[str] = []
    model = language_model(document)
    defined_types = {t["name"] for t in model.get("types", [])}
    for intent in model.get("intents", []):
        declared = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for slot_type in declared.values():
            if not slot_type.startswith("AMAZON.") and slot_type not in defined_types:
                problems.append(f"{intent['name']}: slot type {slot_type} is not defined")
        for _, sample, _ in iter_samples({"interactionModel": {"languageModel": {"intents": [intent]}}}):
            for name in slot_names(sample):
                if name not in declared:
                    problems.append(f"{intent['name']}: {sample!r} uses undeclared slot {name}")
    return problems


def model_problems(document: Mapping[str, Any]) -> list[str]:
    """Every offline-checkable problem of one model document."""
    name = language_model(document).get("invocationName", "")
    return [
        *(f"invocation name {name!r}: {p}" for p in invocation_name_problems(name)),
        *carrier_phrase_problems(document),
        *undefined_slot_problems(document),
    ]
