"""Load benchmark of the web service: 50 concurrent clients for 30 s on launch/help turns.

    python -m skill.bench.load [--duration 30] [--connections 50] [--modes verified,relaxed]

The real skill (composition root, SQLite store in a temporary directory, no text generator:
launch and help never generate) is served by the same waitress server as `python -m skill
serve`, on 127.0.0.1 only. The load comes from `wrk` (Debian package `wrk`) in its own
process, replaying signed Alexa envelopes through a generated Lua script; without wrk,
`--client python` (the default then) uses skill.bench.load_client in its own process, which
competes with the server for CPU, so its figures are lower. Modes:

  verified  every check on: signatures made with a throw-away CA (skill.bench.alexa_pki)
            whose chain the service "downloads" through an injected fetcher, fresh timestamps
            and the configured skill id, i.e. the production code path;
  relaxed   --no-verify-signature --no-verify-timestamp, for comparison.

The baseline, measured in the same run against the same server, is GET /healthz (Flask and
waitress without the skill). Each run prints requests/s, p50/p95/p99 latency and errors
(non-2xx answers plus socket errors), then one JSON line with all figures.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from skill import intents

MODES = ("verified", "relaxed")
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000bench"
_WRK_JSON = re.compile(r"^WRK_JSON (\{.*\})$", re.MULTILINE)
_LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class HttpRequest:
    """One request wrk replays."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured."""

    name: str
    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    def line(self) -> str:
        """One human-readable row."""
        return (
            f"{self.name:<28} {self.requests_per_s:8.1f} req/s  p50 {self.p50_ms:6.1f} ms  "
            f"p95 {self.p95_ms:6.1f} ms  p99 {self.p99_ms:6.1f} ms  errors {self.errors} "
            f"({self.requests} requests in {self.duration_s:.1f} s)"
        )


def alexa_envelope(request_type: str, intent: str | None, user: int) -> dict[str, Any]:
    """A launch or intent request as Alexa sends it, stamped now."""
    application = {"applicationId": SKILL_ID}
    alexa_user = {"userId": f"amzn1.ask.account.BENCH{user:04d}"}
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locale": "en-US",
    }
    if intent:
        request["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    return {
        "version": "1.0",
        "session": {
            "new": intent is None,
            "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": {},
            "user": alexa_user,
        },
        "context": {"System": {"application": application, "user": alexa_user,
                               "device": {"deviceId": "bench", "supportedInterfaces": {}},
                               "apiEndpoint": "https://api.amazonalexa.com"}},
        "request": request,
    }


def turn_requests(signer: Any | None, users: int = 10) -> list[HttpRequest]:
    """Launch and help turns for `users` users, signed when `signer` (a Pki) is given."""
    requests = []
    for user in range(users):
        for request_type, intent in (("LaunchRequest", None), ("IntentRequest", intents.HELP)):
            body = json.dumps(alexa_envelope(request_type, intent, user), separators=(",", ":")).encode()
            headers = {"Content-Type": "application/json"}
            if signer is not None:
                headers.update(signer.headers(body))
            requests.append(HttpRequest("POST", "/alexa", headers, body))
    return requests


def _lua_string(value: str) -> str:
    level = "=" * 3
    if f"]{level}]" in value:
        raise ValueError("request text contains the Lua long-bracket terminator")
    return f"[{level}[{value}]{level}]"


def lua_script(requests: list[HttpRequest]) -> str:
    """A wrk script that cycles through `requests` and prints its figures as JSON."""
    specs = []
    for r in requests:
        headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in r.headers.items())
        specs.append(
            f"  {{method = {_lua_string(r.method)}, path = {_lua_string(r.path)}, "
            f"headers = {{{headers}}}, body = {_lua_string(r.body.decode())}}}"
        )
    return (
        "local specs = {\n" + ",\n".join(specs) + "\n}\n"
        "local prepared = {}\nlocal counter = 0\n"
        "init = function(args)\n"
        "  for i, s in ipairs(specs) do\n"
        "    prepared[i] = wrk.format(s.method, s.path, s.headers, s.body ~= '' and s.body or nil)\n"
        "  end\nend\n"
        "request = function()\n  counter = counter + 1\n"
        "  return prepared[(counter % #prepared) + 1]\nend\n" + _LUA_DONE
    )


def _figures(name: str, stdout: str) -> LoadResult:
    match = _WRK_JSON.search(stdout)
    if match is None:
        raise RuntimeError(f"the load generator printed no figures: {stdout[-2000:]}")
    figures = json.loads(match.group(1))
    duration = figures["duration_us"] / 1e6
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return LoadResult(
        name=name,
        requests=figures["requests"],
        duration_s=duration,
        requests_per_s=figures["requests"] / duration if duration else 0.0,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        errors=errors,
    )


def run_load(
    name: str, host: str, port: int, requests: list[HttpRequest], connections: int,
    duration_s: int, client: str = "wrk",
) -> LoadResult:
    """Drive 127.0.0.1:`port` from a separate process (wrk, or skill.bench.load_client)."""
    if client == "wrk":
        wrk = shutil.which("wrk")
        if wrk is None:
            raise SystemExit("wrk is not installed: `apt-get install -y wrk` (Debian), "
                             "`brew install wrk`, or use --client python")
        command = [wrk, "-t", "2", "-c", str(connections), "-d", f"{duration_s}s",
                   "--timeout", "10s", "-s", "{file}", f"http://{host}:{port}"]
        content, suffix = lua_script(requests), ".lua"
    else:
        command = [sys.executable, "-m", "skill.bench.load_client", "{file}"]
        content, suffix = json.dumps({
            "host": host, "port": port, "connections": connections, "duration_s": duration_s,
            "requests": [{"method": r.method, "path": r.path, "headers": r.headers,
                          "body_b64": base64.b64encode(r.body).decode()} for r in requests],
        }), ".json"
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False) as spec:
        spec.write(content)
    try:
        done = subprocess.run(
            [part.replace("{file}", spec.name) for part in command],
            capture_output=True, text=True, timeout=duration_s + 60, check=False,
        )
    finally:
        Path(spec.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"{client} failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    return _figures(name, done.stdout)


def check_responses(host: str, port: int, requests: list[HttpRequest]) -> None:
    """Every benchmark request must get a real skill response before load starts."""
    for r in requests:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request(r.method, r.path, body=r.body or None, headers=r.headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"{r.path} answered {response.status}: {payload[:300]!r}")
        if r.path == "/alexa" and "outputSpeech" not in json.loads(payload).get("response", {}):
            raise RuntimeError(f"no speech in the skill's answer: {payload[:300]!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints a table and a JSON line."""
    parser = argparse.ArgumentParser(prog="python -m skill.bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=30, help="seconds per run (default 30)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads (default 8)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma list of verified,relaxed")
    parser.add_argument("--no-baseline", action="store_true", help="skip the GET /healthz baseline")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk, or the pure-Python skill.bench.load_client "
                             "(auto: wrk when installed)")
    args = parser.parse_args(argv)
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
    modes = [m for m in args.modes.split(",") if m]
    if not set(modes) <= set(MODES) or not 1 <= args.duration <= 300 or not 1 <= args.connections <= 500:
        parser.error("modes must be verified/relaxed, duration 1-300 s, connections 1-500")

    from skill.app import build_skill
    from skill.bench.alexa_pki import make_pki
    from skill.config import SkillConfig
    from skill.webservice.app import create_app
    from skill.webservice.server import BackgroundServer, ServerOptions

    # Under deliberate overload waitress warns about its queue depth on every request.
    logging.getLogger("waitress").setLevel(logging.ERROR)
    load_before = os.getloadavg()
    pki = make_pki()
    results: list[LoadResult] = []
    with tempfile.TemporaryDirectory(prefix="shoptalk-load-") as data_dir:
        base = SkillConfig.from_env().with_overrides(
            data_dir=Path(data_dir), generator="none", skill_id=SKILL_ID
        )
        skill = build_skill(base)
        for index, mode in enumerate(modes):
            verified = mode == "verified"
            config = replace(base, verify_signature=verified, verify_timestamp=verified)
            app = create_app(config, skill=skill, cert_fetcher=lambda url: pki.chain,
                             trust_roots=[pki.root.cert])
            options = ServerOptions(port=0, threads=args.threads, max_body_bytes=config.max_body_bytes)
            with BackgroundServer(app, options) as server:
                if index == 0 and not args.no_baseline:
                    health = [HttpRequest("GET", "/healthz", {})]
                    check_responses(server.host, server.port, health)
                    results.append(run_load("baseline GET /healthz", server.host, server.port,
                                            health, args.connections, args.duration, client))
                    print(results[-1].line(), flush=True)
                turns = turn_requests(pki if verified else None)  # stamped now: fresh for 150 s
                check_responses(server.host, server.port, turns)
                results.append(run_load(f"launch/help ({mode})", server.host, server.port,
                                        turns, args.connections, args.duration, client))
                print(results[-1].line(), flush=True)
    print(f"machine load average (1/5/15 min) before the run: {load_before[0]:.1f} / "
          f"{load_before[1]:.1f} / {load_before[2]:.1f} on {os.cpu_count()} cores")
    print(json.dumps({"client": client, "connections": args.connections, "duration_s": args.duration,
                      "server_threads": args.threads, "loadavg_before": load_before,
                      "results": [asdict(r) for r in results]}))
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
