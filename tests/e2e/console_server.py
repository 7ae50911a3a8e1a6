"""Start `python -m knowledge console` as a real server process on a free loopback port over a
store seeded with the demo catalog and one account per role; stopped by the caller."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class ConsoleServer:
    url: str
    data_dir: Path
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(data_dir: Path, env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "knowledge", "--data-dir", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=300)
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done


@contextmanager
def console_server(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[ConsoleServer]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data_dir.parent), "OMP_NUM_THREADS": "1",
           "SHOPTALK_SEED_DEMO": "1", **(extra_env or {})}
    cli(data_dir, env, "stats")  # seeds the demo catalog
    for role in ("admin", "editor", "moderator"):
        cli(data_dir, env, "users", "add", role, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    port = free_port()
    log = (data_dir.parent / "console.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "knowledge", "console", "--host", "127.0.0.1",
                               "--port", str(port), "--data-dir", str(data_dir)], cwd=PROJECT_ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"console exited: {(data_dir.parent / 'console.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("console did not listen within 60 s") from None
                time.sleep(0.1)
        yield ConsoleServer(f"http://127.0.0.1:{port}", data_dir, env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
