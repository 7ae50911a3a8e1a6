"""Configuration of the knowledge layer: where data lives and which store backend serves it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path.home() / ".shoptalk" / "data"


@dataclass(frozen=True)
class KnowledgeConfig:
    """Where the store and its index live.

    `store` is "sqlite" (embedded default; the file and the index sit in `data_dir`) or
    "dynamodb" (production; `dynamodb_table`, optional `dynamodb_endpoint` for a local server).
    """

    data_dir: Path = DEFAULT_DATA_DIR
    store: str = "sqlite"
    dynamodb_table: str = "shoptalk"
    dynamodb_endpoint: str | None = None
    aws_region: str = "us-east-1"
    seed_demo_catalog: bool = True  # an empty store is filled from the bundled demo catalog
    # Search index: "embedded" (in-process, persisted beside the store; the default) or
    # "postgres" (shared by every process: `index_dsn`, credentials optionally from the
    # Secrets Manager secret `index_secret_arn`). See knowledge.index.backend.
    index: str = "embedded"
    index_dsn: str = ""
    index_secret_arn: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> KnowledgeConfig:
        """Read `SHOPTALK_*` variables; unset ones keep their defaults."""
        return cls(
            data_dir=Path(env.get("SHOPTALK_DATA_DIR", str(DEFAULT_DATA_DIR))).expanduser(),
            store=env.get("SHOPTALK_STORE", "sqlite"),
            dynamodb_table=env.get("SHOPTALK_DYNAMODB_TABLE", "shoptalk"),
            dynamodb_endpoint=env.get("SHOPTALK_DYNAMODB_ENDPOINT") or None,
            aws_region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "us-east-1")),
            seed_demo_catalog=env.get("SHOPTALK_SEED_DEMO", "1") not in ("0", "false", "no"),
            index=env.get("SHOPTALK_INDEX", "embedded"),
            index_dsn=env.get("SHOPTALK_INDEX_DSN", ""),
            index_secret_arn=env.get("SHOPTALK_INDEX_SECRET_ARN") or None,
        )
