"""The load benchmark's own machinery: the wrk script it writes, and a short real run."""

from __future__ import annotations

import json
import shutil

import pytest

from skill.bench import load
from skill.bench.alexa_pki import make_pki


def test_turn_requests_are_signed_launch_and_help_turns() -> None:
    pki = make_pki()
    requests = load.turn_requests(pki, users=2)
    kinds = [json.loads(r.body)["request"]["type"] for r in requests]
    assert kinds == ["LaunchRequest", "IntentRequest"] * 2
    assert all(r.headers["Signature-256"] and r.headers["SignatureCertChainUrl"] for r in requests)


def test_lua_script_embeds_every_request_verbatim() -> None:
    requests = load.turn_requests(None, users=1)
    script = load.lua_script(requests)
    for r in requests:
        assert r.body.decode() in script
    assert "WRK_JSON" in script and "request = function()" in script


def test_lua_long_bracket_terminator_is_refused() -> None:
    with pytest.raises(ValueError, match="terminator"):
        load.lua_script([load.HttpRequest("POST", "/alexa", {}, b"]===]")])


@pytest.mark.slow
@pytest.mark.parametrize("client", ["wrk", "python"])
def test_short_verified_run_has_no_errors(capsys: pytest.CaptureFixture[str], client: str) -> None:
    if client == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (Debian: apt-get install -y wrk); the python client still runs")
    status = load.main(
        ["--duration", "2", "--connections", "10", "--modes", "verified", "--no-baseline", "--client", client]
    )
    output = capsys.readouterr().out
    summary = json.loads(output.strip().splitlines()[-1])
    assert summary["client"] == client
    (result,) = summary["results"]
    assert result["name"] == "launch/help (verified)"
    assert result["errors"] == 0 and result["requests"] > 0, output
    assert status == 0
