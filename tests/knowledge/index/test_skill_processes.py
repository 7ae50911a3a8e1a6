"""Several skill processes on one DynamoDB table (moto's server) and one PostgreSQL index.

Each process is what a Lambda container is: a fresh interpreter building the skill from
the environment. The catalog is moved into PostgreSQL once (`reindex --to postgres`, as a
deployment does); then a review left by voice in one process is the answer to a product
question asked in another, and once its author deletes it, a third process no longer finds
it. No process builds a search index of its own (nothing is written to its data directory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DUMMY_AWS, PROJECT_ROOT

pytestmark = pytest.mark.slow

REVIEW_WORDS = "the speaker crackles and buzzes whenever the volume goes above seven"
QUESTION = "does the echo dot crackle at high volume"


class SkillProcess:
    def __init__(self, env: dict[str, str], user: str, log: Path) -> None:
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.knowledge.index.skill_worker", user],
            cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, text=True,
        )
        self.log = log

    def wait_ready(self) -> None:
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        assert line, f"skill process died: {self.log.read_text()[-3000:]}"

    def say(self, utterance: str) -> str:
        self.proc.stdin.write(utterance + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        assert line, f"skill process died: {self.log.read_text()[-3000:]}"
        return str(json.loads(line)["speech"])

    def stop(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=60)
        self._log.close()


@pytest.fixture
def lambda_env(dynamodb_resource: Any, dynamodb_endpoint: str, postgres_dsn: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    from knowledge.store.dynamodb import create_table

    table = f"shoptalk-pg-{uuid.uuid4().hex[:10]}"
    create_table(dynamodb_resource, table)
    yield {
        **os.environ,
        **DUMMY_AWS,
        "AWS_REGION": "us-east-1",
        "SHOPTALK_STORE": "dynamodb",
        "SHOPTALK_DYNAMODB_TABLE": table,
        "SHOPTALK_DYNAMODB_ENDPOINT": dynamodb_endpoint,
        "SHOPTALK_INDEX": "postgres",
        "SHOPTALK_INDEX_DSN": postgres_dsn,
        "SHOPTALK_GENERATOR": "none",
        "SHOPTALK_SEED_DEMO": "1",
        "SHOPTALK_WARM_UP": "0",
        "SHOPTALK_DATA_DIR": str(tmp_path / "lambda-tmp"),
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    dynamodb_resource.meta.client.delete_table(TableName=table)


def test_a_voice_review_in_one_container_answers_a_question_in_another(
    lambda_env: dict[str, str], tmp_path: Path
) -> None:
    moved = subprocess.run(
        [sys.executable, "-m", "knowledge", "--quiet", "reindex", "--to", "postgres"],
        cwd=PROJECT_ROOT, env=lambda_env, capture_output=True, text=True, timeout=600,
    )
    assert moved.returncode == 0, moved.stderr
    assert "passages in PostgreSQL" in moved.stdout

    processes = [SkillProcess(lambda_env, user, tmp_path / f"{user}.log") for user in ("reviewer", "asker", "third")]
    try:
        for process in processes:
            process.wait_ready()
        reviewer, asker, third = processes
        assert REVIEW_WORDS not in asker.say(QUESTION)

        reviewer.say("open shop talk")
        read_back = reviewer.say(f"write a two star review for the echo dot saying {REVIEW_WORDS}")
        assert "Shall I post it?" in read_back, read_back
        assert "is posted" in reviewer.say("yes")

        answer = asker.say(QUESTION)
        assert "crackles and buzzes" in answer, answer

        assert "deleted" in reviewer.say("delete my review of the echo dot")
        assert "crackles and buzzes" not in third.say(QUESTION)
        assert "crackles and buzzes" not in asker.say(QUESTION)
    finally:
        for process in processes:
            process.stop()
    data_dir = Path(lambda_env["SHOPTALK_DATA_DIR"])
    assert not (data_dir / "index").exists(), "a container built a search index of its own"
