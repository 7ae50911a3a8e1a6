"""template.yaml's shared search index: Aurora PostgreSQL Serverless v2 behind RDS Proxy, the
function wired to it by environment, in its VPC, reading only the index secret."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from tests.knowledge.test_store_dynamodb_deployment import TEMPLATE, _CfnLoader

import yaml


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 (SafeLoader subclass)


def test_the_cluster_is_serverless_v2_postgres_behind_a_tls_proxy(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    cluster = resources["IndexCluster"]["Properties"]
    assert cluster["Engine"] == "aurora-postgresql" and "ServerlessV2ScalingConfiguration" in cluster
    assert cluster["StorageEncrypted"] is True
    assert resources["IndexInstance"]["Properties"]["DBInstanceClass"] == "db.serverless"
    proxy = resources["IndexProxy"]["Properties"]
    assert proxy["EngineFamily"] == "POSTGRESQL" and proxy["RequireTLS"] is True
    ingress = resources["IndexDatabaseSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [rule["SourceSecurityGroupId"] for rule in ingress] == [{"Ref": "IndexProxySecurityGroup"}]


def test_the_function_uses_the_index_through_the_proxy(template: dict[str, Any]) -> None:
    function = template["Resources"]["SkillFunction"]["Properties"]
    env = function["Environment"]["Variables"]
    assert env["SHOPTALK_INDEX"] == {"Ref": "SearchIndex"}
    dsn = json.dumps(env["SHOPTALK_INDEX_DSN"])
    assert "IndexProxy.Endpoint" in dsn and "sslmode=require" in dsn
    assert "SHOPTALK_INDEX_SECRET_ARN" in env
    assert "UseIndexVpc" in json.dumps(function["VpcConfig"])


def test_the_function_may_read_the_index_secret_only(template: dict[str, Any]) -> None:
    policies = json.dumps(template["Resources"]["SkillFunction"]["Properties"]["Policies"])
    assert policies.count("secretsmanager:") == 1
    assert '"secretsmanager:GetSecretValue"' in policies and '"Ref": "IndexSecret"' in policies
    assert "rds:" not in policies and "rds-db:" not in policies


def test_cfn_lint_passes() -> None:
    result = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(TEMPLATE)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
