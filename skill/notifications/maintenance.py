"""The scheduled job: erase users whose post-SkillDisabled grace period is over, and send
whatever the notification outbox still holds. Lambda runs it on the SAM template's schedule
(skill.lambda_function); a self-hosted web service runs `python -m skill.notifications`
from cron. Both steps are idempotent, so overlapping or repeated runs do no harm."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skill.app import Services

log = logging.getLogger(__name__)
SCHEDULE_MARKER = "shoptalk-maintenance"  # the scheduled event's input names the job


def is_maintenance_event(event: Any) -> bool:
    """Whether a Lambda event is the scheduled job rather than an Alexa request."""
    return isinstance(event, dict) and (
        event.get("job") == SCHEDULE_MARKER or event.get("detail-type") == "Scheduled Event"
    )


def run_maintenance(services: Services, now: dt.datetime | None = None) -> dict[str, Any]:
    """Purge due users, then drain the outbox; returns the counts (logged and returned)."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    purged = services.lifecycle.purge_due(moment)
    drained = services.notifier.drain()
    result = {"purge": asdict(purged), "notifications": asdict(drained)}
    log.info("maintenance: %s", json.dumps(result))
    return result


def main() -> int:
    from skill.app import build_services
    from skill.config import SkillConfig

    logging.basicConfig(level=logging.INFO)
    print(json.dumps(run_maintenance(build_services(SkillConfig.from_env()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
