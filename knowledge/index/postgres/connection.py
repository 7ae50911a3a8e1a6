"""Connections to the PostgreSQL search index: DSN resolution, pgvector types, reconnects.

In production the DSN names the RDS Proxy endpoint (many Lambda containers share the
proxy's pooled connections to Aurora instead of one server connection each) and the
credentials come from the Secrets Manager secret named by SHOPTALK_INDEX_SECRET_ARN; a
frozen-then-thawed container whose connection the proxy dropped reconnects once and retries.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

_T = TypeVar("_T")
CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 5_000  # a search or a write batch never hangs a Lambda turn


class IndexConfigError(ValueError):
    """The search index settings are wrong (names the variable at fault)."""


@dataclass(frozen=True)
class PostgresSettings:
    """Where the index lives: a libpq DSN/URI, optionally completed from a secret."""

    dsn: str
    secret_arn: str | None = None
    region: str = "us-east-1"
    ef_search: int = 50  # HNSW candidate list (a search widens it to FusionParams.candidates)


def resolve_dsn(settings: PostgresSettings, secrets_client: Any = None) -> str:
    """The DSN to connect with: `settings.dsn`, with user and password from the secret.

    The secret is the JSON Secrets Manager keeps for an RDS/Aurora cluster (`username`,
    `password`, optionally `dbname`); host and port stay those of the DSN (the proxy).
    """
    import psycopg.conninfo

    if not settings.dsn:
        raise IndexConfigError("SHOPTALK_INDEX=postgres needs SHOPTALK_INDEX_DSN (a libpq DSN or URI)")
    try:
        params = psycopg.conninfo.conninfo_to_dict(settings.dsn)
    except psycopg.ProgrammingError as exc:
        raise IndexConfigError(f"SHOPTALK_INDEX_DSN is not a valid DSN: {exc}") from exc
    if settings.secret_arn:
        if secrets_client is None:
            import boto3

            secrets_client = boto3.client("secretsmanager", region_name=settings.region)
        raw = secrets_client.get_secret_value(SecretId=settings.secret_arn)["SecretString"]
        try:
            secret = json.loads(raw)
            params["user"] = secret["username"]
            params["password"] = secret["password"]
        except (ValueError, KeyError) as exc:
            raise IndexConfigError(
                f"secret {settings.secret_arn} (SHOPTALK_INDEX_SECRET_ARN) has no username/password JSON"
            ) from exc
        if secret.get("dbname") and "dbname" not in params:
            params["dbname"] = secret["dbname"]
    return psycopg.conninfo.make_conninfo(**params)


class Connection:
    """One autocommit connection, opened lazily, thread-safe, reopened once after a drop."""

    def __init__(self, dsn: str, ef_search: int = 50) -> None:
        self._dsn = dsn
        self._ef_search = ef_search
        self._conn: Any = None
        self._lock = threading.RLock()

    def _open(self) -> Any:
        import psycopg
        from pgvector.psycopg import register_vector

        conn = psycopg.connect(
            self._dsn,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        )
        try:
            register_vector(conn)
        except psycopg.ProgrammingError:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            register_vector(conn)
        conn.execute(f"SET hnsw.ef_search = {int(self._ef_search)}")
        conn.shoptalk_ef_search = int(self._ef_search)  # what search.py last set on it
        conn.shoptalk_ef_floor = int(self._ef_search)  # the configured value: never go below it
        return conn

    def run(self, work: Callable[[Any], _T]) -> _T:
        """Run `work(conn)`; a connection found broken is reopened and `work` retried once."""
        import psycopg

        with self._lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed:
                    self._conn = self._open()
                try:
                    return work(self._conn)
                except psycopg.OperationalError:
                    broken = self._conn.closed or self._conn.broken
                    if attempt == 2 or not broken:
                        raise
                    self._conn = None
            raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
