"""A small load generator in pure Python, for machines without wrk.

    python -m skill.bench.load_client SPEC.json

Runs in its own process (started by `skill.bench.load --client python`): one thread per
connection, each with a keep-alive `http.client` connection to 127.0.0.1, cycling through the
requests in SPEC (a JSON file: base host/port, connections, duration, requests) until the time
is up. Prints one `WRK_JSON {...}` line in the same shape as the wrk script's, so both
generators report alike. Being Python, it spends CPU the server would otherwise get, so its
figures are a lower bound; prefer wrk.
"""

from __future__ import annotations

import base64
import http.client
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class _Tally:
    latencies_us: list[int] = field(default_factory=list)
    status_errors: int = 0
    socket_errors: int = 0


def _worker(spec: dict[str, Any], offset: int, deadline: float, tally: _Tally) -> None:
    requests = spec["requests"]
    host, port = spec["host"], int(spec["port"])
    connection: http.client.HTTPConnection | None = None
    index = offset
    while time.monotonic() < deadline:
        r = requests[index % len(requests)]
        index += 1
        body = base64.b64decode(r["body_b64"]) if r["body_b64"] else None
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request(r["method"], r["path"], body=body, headers=r["headers"])
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            tally.socket_errors += 1
            if connection is not None:
                connection.close()
            connection = None
            continue
        tally.latencies_us.append(int((time.perf_counter() - started) * 1e6))
        if not 200 <= response.status < 400:
            tally.status_errors += 1
    if connection is not None:
        connection.close()


def _percentile(sorted_values: list[int], fraction: float) -> int:
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def run(spec: dict[str, Any]) -> dict[str, int]:
    """Drive the server as `spec` says; wrk-shaped figures."""
    tallies = [_Tally() for _ in range(int(spec["connections"]))]
    started = time.monotonic()
    deadline = started + float(spec["duration_s"])
    threads = [
        threading.Thread(target=_worker, args=(spec, i, deadline, tally), daemon=True)
        for i, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(float(spec["duration_s"]) + 30)
    elapsed_us = int((time.monotonic() - started) * 1e6)
    latencies = sorted(v for t in tallies for v in t.latencies_us)
    return {
        "requests": len(latencies),
        "duration_us": elapsed_us,
        "connect": 0,
        "read": sum(t.socket_errors for t in tallies),
        "write": 0,
        "status": sum(t.status_errors for t in tallies),
        "timeout": 0,
        "p50_us": _percentile(latencies, 0.50),
        "p95_us": _percentile(latencies, 0.95),
        "p99_us": _percentile(latencies, 0.99),
        "max_us": latencies[-1] if latencies else 0,
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point: the spec file is the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m skill.bench.load_client SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text())
    if spec.get("host") not in ("127.0.0.1", "localhost", "::1"):
        print("the load client only drives servers on loopback", file=sys.stderr)
        return 2
    print("WRK_JSON " + json.dumps(run(spec)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
