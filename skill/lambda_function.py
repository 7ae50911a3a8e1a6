"""AWS Lambda entry point: `lambda_handler(event, context)` for the Alexa Skills Kit trigger.

The skill is built once per container, lazily on the first invocation, from
`SkillConfig.from_env()` through the same composition root as the simulator and the web
service. Lambda needs no signature or timestamp checks: only the Alexa service, and with the
SAM template's AlexaSkill event only for the configured skill id, is allowed to invoke the
function (IAM, not HTTP). The envelope is still checked like on the web service: context and
a typed request must be present, and when SHOPTALK_SKILL_ID is set the request's application
id must equal it, so a misrouted request fails loudly instead of being answered.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

    from skill.config import SkillConfig

LOG = logging.getLogger(__name__)


class RequestRejected(ValueError):
    """The event is not a request this skill may answer; the message says why."""


@functools.cache
def _runtime() -> tuple[SkillConfig, CustomSkill]:
    from skill.app import build_skill
    from skill.config import SkillConfig

    config = SkillConfig.from_env()
    logging.getLogger().setLevel(config.log_level.upper())
    skill = build_skill(config)
    if config.warm_up:
        from skill.app import services_for

        # Index and generator load in the background while this first request is answered
        # (Lambda pauses the thread between invocations; it resumes with the next one).
        services_for(config).warm_up()
    return config, skill


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request envelope (a dict) with a response envelope (a dict)."""
    from ask_sdk_model import RequestEnvelope

    from skill.webservice.envelope import envelope_problem

    from skill.notifications.maintenance import is_maintenance_event, run_maintenance

    config, skill = _runtime()
    if is_maintenance_event(event):  # the template's schedule: purge and notify, no Alexa request
        from skill.app import services_for

        return run_maintenance(services_for(config))
    if not isinstance(event, dict):
        raise RequestRejected(f"event must be a JSON object, not {type(event).__name__}")
    envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    problem = envelope_problem(envelope, config.skill_id)
    if problem is not None:
        LOG.warning("rejected Lambda event: %s", problem)
        raise RequestRejected(problem)
    response = skill.invoke(request_envelope=envelope, context=context)
    serialized = skill.serializer.serialize(response)
    if not isinstance(serialized, dict):  # the SDK serialises a ResponseEnvelope to a dict
        raise TypeError(f"response serialised to {type(serialized).__name__}, not a JSON object")
    return serialized
