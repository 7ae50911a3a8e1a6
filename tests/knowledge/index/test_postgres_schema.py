"""The PostgreSQL index schema is created and migrated by the code, once, versioned; its
settings fail with an error naming the variable; credentials come from the secret."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest

from knowledge.index.postgres import Connection, IndexConfigError, PostgresIndex, PostgresSettings, resolve_dsn
from knowledge.index.postgres import schema

pytestmark = pytest.mark.slow


def test_the_schema_is_created_once_and_versioned(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        assert schema.schema_version(conn) == 0
        assert schema.migrate(conn) == len(schema.MIGRATIONS)
        assert schema.migrate(conn) == 0
        assert schema.schema_version(conn) == schema.SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"passages", "sources", "index_terms", "index_stats", "schema_migrations"} <= tables
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'passages'")}
        assert {schema.HNSW_INDEX, "passages_lexemes", "passages_product"} <= indexes


def test_many_processes_opening_at_once_migrate_once(postgres_dsn: str) -> None:
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            PostgresIndex(Connection(postgres_dsn), embedder=lambda texts: None).close()  # type: ignore[arg-type, return-value]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(schema.MIGRATIONS)


def test_a_database_migrated_by_newer_code_is_refused(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        schema.migrate(conn)
        conn.execute("INSERT INTO schema_migrations (version, description) VALUES (%s, 'future')",
                     (schema.SCHEMA_VERSION + 1,))
        with pytest.raises(RuntimeError, match="newer than this code"):
            schema.migrate(conn)


def test_settings_errors_name_the_variable() -> None:
    with pytest.raises(IndexConfigError, match="SHOPTALK_INDEX_DSN"):
        resolve_dsn(PostgresSettings(""))
    with pytest.raises(IndexConfigError, match="SHOPTALK_INDEX_DSN is not a valid DSN"):
        resolve_dsn(PostgresSettings("host=x port"))


def test_credentials_come_from_the_secrets_manager_secret() -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        arn = client.create_secret(
            Name="shoptalk-index", SecretString=json.dumps({"username": "skill", "password": "p@ss w'rd"})
        )["ARN"]
        dsn = resolve_dsn(PostgresSettings("host=proxy.example port=5432 dbname=shoptalk", arn), client)
        params = psycopg.conninfo.conninfo_to_dict(dsn)
        assert (params["host"], params["user"], params["password"], params["dbname"]) == (
            "proxy.example", "skill", "p@ss w'rd", "shoptalk")
        bad = client.create_secret(Name="bad", SecretString="not json")["ARN"]
        with pytest.raises(IndexConfigError, match="SHOPTALK_INDEX_SECRET_ARN"):
            resolve_dsn(PostgresSettings("host=proxy.example", bad), client)
