"""Cold start: a fresh `python -m skill chat` process, from spawn to the first spoken answer.

Measured for the launch ("open shop talk") and for a first product question right after it,
with caches existing (a warm-up run fills the store, index and model caches first). The
baseline, in the same run, is a bare `python -c "import ask_sdk_core"` process: the floor any
Python Alexa skill pays.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 5.0
PRODUCT_QUESTION = "is the paperwhite any good for reading at night"  # needs the search index


@dataclass(frozen=True)
class Sample:
    """One fresh process: seconds from spawn to each answer (launch, product question)."""

    launch_s: float
    product_s: float
    cpu_s: float  # CPU seconds the whole process used (user + system): independent of load


def _environment(data_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    if data_dir is not None:
        env["SHOPTALK_DATA_DIR"] = str(data_dir)
    return env


def baseline(runs: int) -> list[float]:
    """Seconds for a bare Python process importing ask_sdk_core."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import ask_sdk_core.skill"], check=True, cwd=PROJECT_ROOT)
        times.append(time.perf_counter() - started)
    return times


def one_chat_process(data_dir: Path | None, user: str) -> Sample:
    """Spawn the simulator, say "open shop talk" then a product question, time each answer."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "chat", "--json", "--user", user],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        cwd=PROJECT_ROOT, env=_environment(data_dir),
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("open shop talk\n")
        process.stdin.flush()
        launch = json.loads(process.stdout.readline())
        launch_s = time.perf_counter() - started
        process.stdin.write(PRODUCT_QUESTION + "\n")
        process.stdin.flush()
        answer = json.loads(process.stdout.readline())
        product_s = time.perf_counter() - started
        process.stdin.close()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    if not launch.get("speech") or not answer.get("speech"):
        raise RuntimeError(f"no spoken answer: {launch!r} / {answer!r}")
    if "went wrong" in answer["speech"]:
        raise RuntimeError(f"the product question failed: {answer['speech']!r}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(launch_s, product_s, cpu_s)


def _summary(values: Sequence[float]) -> str:
    return f"median {statistics.median(values):5.2f} s   min {min(values):5.2f} s   max {max(values):5.2f} s"


def run(runs: int, data_dir: Path | None) -> int:
    """Warm up caches, then measure; prints a small report and returns 0 when within target."""
    print(f"cold start of `python -m skill chat`, {runs} fresh processes each (caches warmed first)")
    warm = one_chat_process(data_dir, "bench-warmup")
    print(f"  warm-up run (fills caches): launch {warm.launch_s:.2f} s, product {warm.product_s:.2f} s")
    base = baseline(runs)
    samples = [one_chat_process(data_dir, f"bench-{i}") for i in range(runs)]
    launch = [s.launch_s for s in samples]
    product = [s.product_s for s in samples]
    print(f"  baseline  python -c 'import ask_sdk_core.skill'   {_summary(base)}")
    print(f"  launch    spawn -> answer to 'open shop talk'      {_summary(launch)}")
    print(f"  product   spawn -> answer to '{PRODUCT_QUESTION}'  {_summary(product)}")
    print(f"  cpu       CPU time of the whole chat process          {_summary([s.cpu_s for s in samples])}")
    print(f"  machine   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with load)")
    worst = statistics.median(product)
    verdict = "within" if worst <= TARGET_S else "OVER"
    print(f"  target    <= {TARGET_S:.1f} s to the first spoken answer: {verdict} (median product {worst:.2f} s)")
    return 0 if worst <= TARGET_S else 1
