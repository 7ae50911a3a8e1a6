"""`python -m skill.bench dynamodb [--runs N] [--before COMMIT]`: a fresh Lambda-like process
on the DynamoDB store (moto's server on loopback, behind the counting proxy), from spawn to the
first launch and the first product answer, and the DynamoDB calls and capacity each turn
costs, for this checkout and for COMMIT (a temporary git worktree) in the same run.

Per variant one unmeasured process runs first (it seeds the demo catalog and builds the search
index in its data directory, as the first container of a deployment does); the measured
processes then start with both present. The baseline, in the same run, is a bare Python
process importing ask_sdk_core. Capacity is what moto reports for ReturnConsumedCapacity=TOTAL
(the proxy adds it to every request), except for TransactWriteItems, which moto reports none
for: the proxy charges those as DynamoDB does (two write units per started KB of each item).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skill.bench.dynamodb_proxy import FaultProxy

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("lambda_turns.py")
DUMMY_AWS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}


@dataclass
class TurnCost:
    """DynamoDB work of one turn, summed over the measured runs."""

    calls: list[int] = field(default_factory=list)
    operations: dict[str, int] = field(default_factory=dict)
    read_units: list[float] = field(default_factory=list)
    write_units: list[float] = field(default_factory=list)


@dataclass
class Variant:
    """One checkout's figures: seconds from spawn to each answer, and per-turn costs."""

    name: str
    launch_s: list[float] = field(default_factory=list)
    product_s: list[float] = field(default_factory=list)
    turns: dict[str, TurnCost] = field(default_factory=dict)


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **DUMMY_AWS},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"moto server did not listen on port {port}")


def record_turn(variant: Variant, event: dict, proxy: FaultProxy, since_spawn_s: float) -> None:
    """Add one answered turn's DynamoDB calls and capacity (and its time, for the two timed turns)."""
    with proxy.faults.lock:
        operations = dict(proxy.faults.operations)
        reads, writes = proxy.faults.read_units, proxy.faults.write_units
    cost = variant.turns.setdefault(event["turn"], TurnCost())
    cost.calls.append(sum(operations.values()))
    for name, count in operations.items():
        cost.operations[name] = cost.operations.get(name, 0) + count
    cost.read_units.append(reads)
    cost.write_units.append(writes)
    if event["turn"] == "launch":
        variant.launch_s.append(since_spawn_s)
    elif event["turn"] == "product question":
        variant.product_s.append(since_spawn_s)


def one_process(tree: Path, env: dict[str, str], proxy: FaultProxy, variant: Variant | None) -> None:
    """Run the driver once; record its figures into `variant` (None: the warm-up run)."""
    started = time.time()
    # stderr goes to a file, not a pipe: a chatty stderr cannot block the driver
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [sys.executable, str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=errors, text=True, cwd=tree, env={**env, "PYTHONPATH": str(tree)},
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            for line in process.stdout:
                event = json.loads(line)
                if "done_at" not in event:
                    proxy.faults.reset_counts()
                    process.stdin.write("go\n")
                    process.stdin.flush()
                    continue
                if variant is not None:
                    record_turn(variant, event, proxy, event["done_at"] - started)
            process.wait(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
        errors.seek(0)
        last_lines = errors.read().strip().splitlines()[-5:]
    if process.returncode != 0:
        raise RuntimeError(f"the driver failed in {tree} (exit {process.returncode}): " + " | ".join(last_lines))


def measure(
    name: str,
    tree: Path,
    moto_url: str,
    proxy: FaultProxy,
    runs: int,
    work: Path,
    extra_env: dict[str, str] | None = None,
    empty_tmp: bool = False,
    prepare: Callable[[dict[str, str]], None] | None = None,
) -> Variant:
    """Warm up once (seeds the catalog), run `prepare`, then time `runs` fresh processes.

    `empty_tmp` gives every measured process an empty SHOPTALK_DATA_DIR, as a new Lambda
    container's /tmp: whatever index lives there has to be built again.
    """
    from knowledge.store.dynamodb import create_table, dynamodb_resource

    table = f"shoptalk-bench-{name}-{uuid.uuid4().hex[:6]}"
    os.environ.update(DUMMY_AWS)
    create_table(dynamodb_resource("us-east-1", moto_url), table)
    env = {
        **os.environ,
        **DUMMY_AWS,
        "SHOPTALK_STORE": "dynamodb",
        "SHOPTALK_DYNAMODB_TABLE": table,
        "SHOPTALK_DYNAMODB_ENDPOINT": proxy.url,
        "SHOPTALK_SKILL_ID": "amzn1.ask.skill.00000000-0000-0000-0000-00000000bench",
        "SHOPTALK_GENERATOR": "none",
        "SHOPTALK_SEED_DEMO": "1",
        "SHOPTALK_WARM_UP": "0",
        "SHOPTALK_DATA_DIR": str(work / name),
        "HF_HUB_OFFLINE": "1",
        **(extra_env or {}),
    }
    one_process(tree, env, proxy, None)
    if prepare is not None:
        prepare(env)
    variant = Variant(name)
    for run_number in range(runs):
        container = {"SHOPTALK_DATA_DIR": str(work / name / f"container-{run_number}")} if empty_tmp else {}
        one_process(tree, {**env, **container}, proxy, variant)
    return variant


def baseline(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import ask_sdk_core.skill"], check=True, cwd=PROJECT_ROOT)
        times.append(time.perf_counter() - started)
    return times


def report(variants: list[Variant], floor: list[float]) -> None:
    median = statistics.median
    print(f"baseline: bare `import ask_sdk_core.skill` process {median(floor):.2f} s (median of {len(floor)})")
    print("cold start, spawn to answer (median s):")
    for v in variants:
        print(f"  {v.name:<9} launch {median(v.launch_s):6.2f}   first product answer {median(v.product_s):6.2f}")
    print("DynamoDB per turn (median calls / read units / write units; operations summed over runs):")
    for v in variants:
        for turn, cost in v.turns.items():
            ops = ", ".join(f"{k} {n}" for k, n in sorted(cost.operations.items()))
            print(
                f"  {v.name:<8} {turn:<17} {median(cost.calls):4.0f} calls  {median(cost.read_units):5.1f} RCU"
                f"  {median(cost.write_units):5.1f} WCU   [{ops}]"
            )


def run(runs: int, before: str | None) -> int:
    """Measure this checkout (and `before`, if given) and print the figures."""
    moto, moto_url = start_moto()
    proxy = FaultProxy(moto_url)
    work = Path(tempfile.mkdtemp(prefix="shoptalk-bench-dynamodb-"))
    worktree = work / "before-tree"
    try:
        variants = []
        if before:
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), before], check=True, cwd=PROJECT_ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            variants.append(measure("before", worktree, moto_url, proxy, runs, work))
        variants.append(measure("after", PROJECT_ROOT, moto_url, proxy, runs, work))
        report(variants, baseline(runs))
    finally:
        proxy.close()
        moto.terminate()
        moto.wait(timeout=30)
        if worktree.exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=PROJECT_ROOT, check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run_index_backends(runs: int) -> int:
    """Cold Lambda-like containers (empty /tmp) on one DynamoDB table: embedded vs PostgreSQL index.

    The embedded variant builds its index in each new container before the first product
    answer; the PostgreSQL variant connects to the shared index, filled once beforehand by
    `python -m knowledge reindex --to postgres` (pgserver's PostgreSQL on a Unix socket).
    """
    from knowledge.index.postgres.local_server import LocalPostgres

    moto, moto_url = start_moto()
    proxy = FaultProxy(moto_url)
    work = Path(tempfile.mkdtemp(prefix="shoptalk-bench-index-"))
    server = LocalPostgres(work / "pg").start()
    try:
        dsn = server.create_database()

        def fill_shared_index(env: dict[str, str]) -> None:
            subprocess.run(
                [sys.executable, "-m", "knowledge", "reindex", "--to", "postgres", "--dsn", dsn],
                check=True, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )

        variants = [
            measure("embedded", PROJECT_ROOT, moto_url, proxy, runs, work, empty_tmp=True),
            measure(
                "postgres", PROJECT_ROOT, moto_url, proxy, runs, work,
                extra_env={"SHOPTALK_INDEX": "postgres", "SHOPTALK_INDEX_DSN": dsn},
                empty_tmp=True, prepare=fill_shared_index,
            ),
        ]
        report(variants, baseline(runs))
    finally:
        proxy.close()
        moto.terminate()
        moto.wait(timeout=30)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0
