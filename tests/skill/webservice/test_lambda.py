"""The Lambda entry point and the SAM template: real envelopes through `lambda_handler`,
the envelope checks Lambda applies, a cold import that stays light, and cfn-lint."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill import lambda_function

from .conftest import SKILL_ID, envelope

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """A fresh 'container': SHOPTALK_* on a tmp SQLite store, the skill built on first call."""
    for name, value in {
        "SHOPTALK_DATA_DIR": str(tmp_path / "data"),
        "SHOPTALK_STORE": "sqlite",
        "SHOPTALK_GENERATOR": "none",
        "SHOPTALK_WARM_UP": "0",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SHOPTALK_SKILL_ID", raising=False)
    lambda_function._runtime.cache_clear()
    yield monkeypatch
    lambda_function._runtime.cache_clear()


def assert_valid_response(result: dict[str, Any]) -> dict[str, Any]:
    assert result["version"] == "1.0", result
    assert isinstance(result["response"], dict), result
    json.dumps(result)  # what Lambda returns must be plain JSON
    return result["response"]


def test_real_envelopes_get_valid_responses(lambda_env: pytest.MonkeyPatch, shared_dir: Path) -> None:
    files = sorted((shared_dir / "requests").glob("*.json"))
    assert files
    for path in files:
        event = json.loads(path.read_text())
        response = assert_valid_response(lambda_function.lambda_handler(event, None))
        request_type = event["request"]["type"]
        if request_type in ("LaunchRequest", "IntentRequest"):
            assert response["outputSpeech"]["ssml"].startswith("<speak>"), (path.name, response)
        if response.get("shouldEndSession") is False:
            assert response["reprompt"]["outputSpeech"], path.name


def test_own_launch_request_with_skill_id_configured(lambda_env: pytest.MonkeyPatch) -> None:
    lambda_env.setenv("SHOPTALK_SKILL_ID", SKILL_ID)
    response = assert_valid_response(lambda_function.lambda_handler(envelope(), None))
    assert "Shop Talk" in response["outputSpeech"]["ssml"]
    assert response["shouldEndSession"] is False


def test_skill_built_once_per_container(lambda_env: pytest.MonkeyPatch) -> None:
    lambda_function.lambda_handler(envelope(), None)
    first = lambda_function._runtime()
    lambda_function.lambda_handler(envelope("IntentRequest", intent="AMAZON.HelpIntent"), None)
    assert lambda_function._runtime() is first
    assert lambda_function._runtime.cache_info().misses == 1


def test_other_skill_id_is_rejected_when_configured(lambda_env: pytest.MonkeyPatch) -> None:
    lambda_env.setenv("SHOPTALK_SKILL_ID", SKILL_ID)
    with pytest.raises(lambda_function.RequestRejected, match="does not match the configured skill id"):
        lambda_function.lambda_handler(envelope(application_id="amzn1.ask.skill.other"), None)


def test_old_timestamp_is_fine_on_lambda(lambda_env: pytest.MonkeyPatch) -> None:
    """Lambda is invoked through IAM by the Alexa service, so no timestamp window applies."""
    import datetime as dt

    old = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    assert_valid_response(lambda_function.lambda_handler(envelope(timestamp=old), None))


@pytest.mark.parametrize("drop", ["context", "request"])
def test_malformed_event_is_rejected(lambda_env: pytest.MonkeyPatch, drop: str) -> None:
    event = envelope()
    del event[drop]
    with pytest.raises(lambda_function.RequestRejected, match=f"no {drop}"):
        lambda_function.lambda_handler(event, None)


def test_cold_import_is_light_and_first_call_works(tmp_path: Path) -> None:
    """A new interpreter imports the handler without Flask, boto3, torch or transformers."""
    script = (
        "import json, sys\n"
        "import skill.lambda_function as lf\n"
        "heavy = [m for m in ('flask', 'boto3', 'torch', 'transformers', 'certvalidator') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "event = json.loads(sys.stdin.read())\n"
        "print(json.dumps(lf.lambda_handler(event, None)))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SHOPTALK_DATA_DIR": str(tmp_path / "data"),
        "SHOPTALK_GENERATOR": "none",
        "SHOPTALK_SKILL_ID": SKILL_ID,
        "SHOPTALK_WARM_UP": "0",
        "HF_HUB_OFFLINE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(envelope()),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    response = assert_valid_response(json.loads(done.stdout.strip().splitlines()[-1]))
    assert response["shouldEndSession"] is False


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref X) as {"Ref": X}-like dicts."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {suffix: value}


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 (SafeLoader subclass)


def test_template_passes_cfn_lint() -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"  # the venv's, from requirements-dev.txt
    assert cfn_lint.is_file(), f"cfn-lint is not installed beside {sys.executable}"
    done = subprocess.run(
        [str(cfn_lint), str(TEMPLATE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_template_defines_image_function_with_alexa_trigger(template: dict[str, Any]) -> None:
    function = template["Resources"]["SkillFunction"]
    props = function["Properties"]
    assert props["PackageType"] == "Image"
    assert function["Metadata"]["Dockerfile"] == "Dockerfile"
    assert (ROOT / function["Metadata"]["Dockerfile"]).is_file()
    assert props["Events"]["AlexaSkill"] == {"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}
    env = props["Environment"]["Variables"]
    assert env["SHOPTALK_STORE"] == "dynamodb"
    assert env["SHOPTALK_DYNAMODB_TABLE"] == {"Ref": "Table"}
    assert env["SHOPTALK_SKILL_ID"] == {"Ref": "SkillId"}
    assert env["SHOPTALK_GENERATOR"] == {"Ref": "Generator"}
    # least privilege: tests/knowledge/test_store_dynamodb_deployment.py checks the actions
    assert any("Statement" in p for p in props["Policies"] if isinstance(p, dict))
    assert props["Timeout"] >= 15 and template["Parameters"]["MemorySize"]["Default"] >= 3008


def test_template_generators_match_the_config(template: dict[str, Any]) -> None:
    from dialogue.config import GENERATOR_BACKENDS

    assert set(template["Parameters"]["Generator"]["AllowedValues"]) == set(GENERATOR_BACKENDS)


def test_template_table_matches_the_store_design(template: dict[str, Any]) -> None:
    from knowledge.store.dynamodb import table_definition

    expected = table_definition("shoptalk")
    table = template["Resources"]["Table"]["Properties"]
    for index in table["GlobalSecondaryIndexes"]:  # LeanIndexes (default "true") picks GSI2/GSI3's
        if "If" in index["Projection"]:
            assert index["Projection"]["If"][0] == "LeanIndexes"
            index["Projection"] = index["Projection"]["If"][1]
    assert template["Parameters"]["LeanIndexes"]["Default"] == "true"
    for key in ("BillingMode", "KeySchema", "GlobalSecondaryIndexes"):
        assert table[key] == expected[key], key
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_dockerfile_runs_the_lambda_handler() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM public.ecr.aws/lambda/python:3.12" in dockerfile
    assert 'CMD ["skill.lambda_function.lambda_handler"]' in dockerfile
    assert "requirements.txt" in dockerfile
    for package in ("skill", "dialogue", "knowledge", "interaction_models"):
        assert f"COPY {package} " in dockerfile, package
