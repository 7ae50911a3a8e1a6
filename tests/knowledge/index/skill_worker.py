"""One skill process as a Lambda container runs it: a fresh interpreter, the skill built by
the composition root from the environment (DynamoDB store, PostgreSQL index), answering
typed utterances through the local simulator. `python -m tests.knowledge.index.skill_worker
USER` reads one utterance per line and prints {"speech": ..., "seconds": ...} per line."""

from __future__ import annotations

import json
import sys
import time

from skill.config import SkillConfig
from skill.simulator.session import Simulator


def main(user: str) -> int:
    simulator = Simulator.from_config(SkillConfig.from_env(), user=user)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        started = time.monotonic()
        result = simulator.say(line.strip())
        print(json.dumps({"speech": result.speech, "seconds": time.monotonic() - started}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
