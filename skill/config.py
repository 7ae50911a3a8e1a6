"""The one typed configuration of the skill, built at the edge: environment, then CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from dialogue.config import DialogueConfig
from knowledge.config import KnowledgeConfig
from skill.notifications.config import NotificationsConfig

SUPPORTED_LOCALES = ("en-US", "en-GB")


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class SkillConfig:
    """Everything the composition root needs to build the skill.

    Request verification is on unless explicitly relaxed; `skill_id`, when set, must match
    the application id of every request.
    """

    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    dialogue: DialogueConfig = field(default_factory=DialogueConfig)
    notifications: NotificationsConfig = field(default_factory=NotificationsConfig)
    skill_id: str | None = None
    default_locale: str = "en-US"
    verify_signature: bool = True
    verify_timestamp: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 128 * 1024
    log_level: str = "INFO"
    warm_up: bool = True  # chat/serve/Lambda load the index and generator in the background at start

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SkillConfig:
        """Read `SHOPTALK_*` variables; unset ones keep their defaults."""
        defaults = cls()
        return cls(
            knowledge=KnowledgeConfig.from_env(env),
            dialogue=DialogueConfig.from_env(env),
            notifications=NotificationsConfig.from_env(env),
            skill_id=env.get("SHOPTALK_SKILL_ID") or None,
            default_locale=env.get("SHOPTALK_LOCALE", defaults.default_locale),
            verify_signature=_flag(env, "SHOPTALK_VERIFY_SIGNATURE", True),
            verify_timestamp=_flag(env, "SHOPTALK_VERIFY_TIMESTAMP", True),
            host=env.get("SHOPTALK_HOST", defaults.host),
            port=int(env.get("SHOPTALK_PORT", defaults.port)),
            max_body_bytes=int(env.get("SHOPTALK_MAX_BODY_BYTES", defaults.max_body_bytes)),
            log_level=env.get("SHOPTALK_LOG_LEVEL", defaults.log_level),
            warm_up=_flag(env, "SHOPTALK_WARM_UP", True),
        )

    def with_overrides(self, **overrides: Any) -> SkillConfig:
        """A copy with CLI flags applied; `None` values mean "flag not given"."""
        given = {k: v for k, v in overrides.items() if v is not None}
        knowledge_keys = {"data_dir", "store", "dynamodb_table", "dynamodb_endpoint"}
        dialogue_keys = {"generator", "generation_budget_s"}
        knowledge = replace(self.knowledge, **{k: given.pop(k) for k in knowledge_keys & given.keys()})
        dialogue = replace(self.dialogue, **{k: given.pop(k) for k in dialogue_keys & given.keys()})
        return replace(self, knowledge=knowledge, dialogue=dialogue, **given)
