"""The deployment matches the code: the function's DynamoDB policy grants exactly the
operations knowledge/store/dynamodb calls (read from its source), and the template and image
carry the settings a voice turn needs (reserved concurrency, tracing, log retention, alarms,
CPU torch, model copies made at build time, Python 3.12)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_ROOT

STORE_PACKAGE = PROJECT_ROOT / "knowledge" / "store" / "dynamodb"
TEMPLATE = PROJECT_ROOT / "template.yaml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
# Where the Lambda never goes: table creation is the deploy's (CloudFormation) job.
ADMIN_ONLY = {"schema.py"}
TRANSACTION_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short tags (!Ref X) as {"Ref": X}-like dicts."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 (SafeLoader subclass)


def _camel(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


def operations_in_code() -> set[str]:
    """Every DynamoDB API operation the store's request path calls: the first argument of
    each `_call(...)`, plus the item actions its transactions hold."""
    found: set[str] = set()
    for path in sorted(STORE_PACKAGE.glob("*.py")):
        if path.name in ADMIN_ONLY:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "_call":
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{path.name}:{node.lineno}: _call with a computed operation"
                found.add(_camel(str(first.value)))
            if isinstance(node, ast.Dict):
                for key in node.keys:
                    if isinstance(key, ast.Constant) and key.value in TRANSACTION_ACTIONS:
                        found.add(TRANSACTION_ACTIONS[str(key.value)])
    return found


def policy_actions(template: dict[str, Any]) -> set[str]:
    policies = template["Resources"]["SkillFunction"]["Properties"]["Policies"]
    actions: set[str] = set()
    for policy in policies:
        assert not any(name.startswith("DynamoDB") for name in policy if isinstance(policy, dict)), (
            f"a SAM DynamoDB policy template grants more than the code uses: {policy}"
        )
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            actions.update(a.removeprefix("dynamodb:") for a in listed if a.startswith("dynamodb:"))
    return actions


def test_the_code_is_read_as_calling_the_operations_we_know_it_calls() -> None:
    operations = operations_in_code()
    assert {"GetItem", "Query", "PutItem", "TransactWriteItems", "ConditionCheckItem"} <= operations
    assert "Scan" not in operations and "CreateTable" not in operations


def test_the_policy_grants_exactly_what_the_code_calls(template: dict[str, Any]) -> None:
    # TransactWriteItems is authorised per action inside it, not as an IAM action of its own.
    needed = operations_in_code() - {"TransactWriteItems"}
    granted = policy_actions(template)
    assert granted - needed == set(), f"granted but never called: {sorted(granted - needed)}"
    assert needed - granted == set(), f"called but not granted: {sorted(needed - granted)}"


def test_the_policy_covers_the_table_and_its_indexes_only(template: dict[str, Any]) -> None:
    policies = template["Resources"]["SkillFunction"]["Properties"]["Policies"]
    statements = [s for p in policies if isinstance(p, dict) for s in p.get("Statement", [])]
    dynamodb = [s for s in statements if any(str(a).startswith("dynamodb:") for a in s["Action"])]
    assert len(dynamodb) == 1
    assert dynamodb[0]["Resource"] == [{"GetAtt": "Table.Arn"}, {"Sub": "${Table.Arn}/index/*"}]


def test_the_function_is_bounded_traced_logged_and_alarmed(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    props = resources["SkillFunction"]["Properties"]
    assert props["ReservedConcurrentExecutions"] == {"Ref": "ReservedConcurrency"}
    assert template["Globals"]["Function"]["Tracing"] == "Active"
    assert props["LoggingConfig"] == {"LogGroup": {"Ref": "LogGroup"}}
    assert resources["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    alarms = {r["Properties"]["MetricName"]: r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert {"Errors", "Throttles", "Duration", "ThrottledRequests"} <= set(alarms)
    assert alarms["Duration"]["ExtendedStatistic"] == "p99"
    assert template["Parameters"]["P99DurationAlarmMs"]["Default"] < 8000
    assert props["AutoPublishAlias"] == "live" and "ProvisionedConcurrency" in template["Parameters"]


def test_the_image_is_cpu_torch_on_python_312_with_model_copies_built_in(template: dict[str, Any]) -> None:
    dockerfile = DOCKERFILE.read_text()
    assert re.search(r'^ARG TORCH_INDEX_URL="https://download\.pytorch\.org/whl/cpu"$', dockerfile, re.M)
    assert dockerfile.count("FROM public.ecr.aws/lambda/python:3.12") == 2
    assert "requantized_copy" in dockerfile and "COPY --from=build /opt/shoptalk/models /opt/shoptalk/models" in dockerfile
    env = template["Resources"]["SkillFunction"]["Properties"]["Environment"]["Variables"]
    assert env["SHOPTALK_MODEL_CACHE_DIR"] == "/opt/shoptalk/models", "no copy is made into /tmp at a cold start"
