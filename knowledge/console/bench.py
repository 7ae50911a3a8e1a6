"""`python -m knowledge.console.bench [--data-dir DIR] [--requests N]`: page latency of the console.

Imports the Datafiniti reviews and the three McAuley Q&A files from ../shared/data into a fresh
SQLite store (unless `--data-dir` already holds them), serves the console with waitress on a
loopback port in this process, logs in over HTTP and fetches each page N times, printing p50 /
p95 / max per page next to the baseline of the same run: the static stylesheet, which measures
the server and HTTP cost alone. The first fetch of each page (the figures cache warming) is
reported as "cold"; the login before it renders the very first dashboard, which computes the
dashboard's figures (the console itself starts computing them in the background at start-up).
Past their 30 s life the figures are recomputed in a background thread while the old ones are
served, so `--requests` large enough to span that still measures what a user waits for.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import socket
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from knowledge.config import KnowledgeConfig

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FILES = ("reviews/datafiniti_amazon_devices.csv", "qa/qa_Appliances.json.gz", "qa/qa_Video_Games.json.gz",
         "qa/qa_Cell_Phones_and_Accessories.json")
PASSWORD = "benchmark password"


def _prepare(data_dir: Path) -> tuple[object, float]:
    from knowledge.console.accounts import create_account
    from knowledge.console.records import Role
    from knowledge.importers import ImportOptions, import_files
    from knowledge.store.sqlite import SQLiteStore

    store = SQLiteStore(data_dir / "shoptalk.sqlite")
    took = 0.0
    if not store.has_products():
        missing = [f for f in FILES if not (SHARED / f).is_file()]
        if missing:
            raise SystemExit(f"error: the benchmark needs {', '.join(missing)} under {SHARED}")
        start = time.perf_counter()
        import_files(store, [SHARED / f for f in FILES], ImportOptions(progress=False))
        took = time.perf_counter() - start
    if store.get_account("bench") is None:
        create_account(store, "bench", Role.ADMIN, PASSWORD)
    return store, took


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.console.bench", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse a store (default: a fresh temporary one)")
    parser.add_argument("--requests", type=int, default=40, help="fetches per page (default 40)")
    args = parser.parse_args(argv)
    import waitress.server

    from knowledge.console.app import create_app
    from knowledge.console.config import ConsoleConfig

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="console-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    store, import_s = _prepare(data_dir)
    counts = store.counts()  # type: ignore[attr-defined]
    knowledge = KnowledgeConfig(data_dir=data_dir, seed_demo_catalog=False)
    app = create_app(store, knowledge, ConsoleConfig(secret_key="bench-" + "x" * 40))  # type: ignore[arg-type]
    port = _free_port()
    server = waitress.server.create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    start = time.perf_counter()
    opener.open(urllib.request.Request(f"{base}/login", data=urllib.parse.urlencode(
        {"name": "bench", "password": PASSWORD, "csrf_token": token}).encode()), timeout=30).read()
    first_ms = (time.perf_counter() - start) * 1000
    top = store.list_families()  # type: ignore[attr-defined]
    busiest = max(top, key=lambda f: store.family_stats(f.id).review_count)  # type: ignore[attr-defined]
    listing = store.listings_of(busiest.id)[0]  # type: ignore[attr-defined]
    pages = {
        "baseline: /static/console.css": "/static/console.css",
        "dashboard": "/",
        "catalog (most reviewed)": "/catalog/",
        "catalog search 'echo'": "/catalog/?q=echo",
        f"family {busiest.id}": f"/catalog/family/{busiest.id}",
        f"listing {listing.id}": f"/catalog/product/{listing.id}",
        "unanswered questions": "/catalog/questions",
        "moderation queue": "/moderation/",
        "polls": "/polls/",
        "alerts": "/alerts/",
        "audit log": "/admin/audit",
    }
    print(f"store: {counts.products:,} products, {counts.reviews:,} reviews, {counts.questions:,} questions, "
          f"{counts.answers:,} answers" + (f" (imported in {import_s:.1f} s)" if import_s else " (reused)"))
    print(f"login (argon2 check) and the first dashboard, which computes every figure once: {first_ms:.0f} ms")
    print(f"{'page':<44} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name, path in pages.items():
        times = []
        for i in range(args.requests + 1):
            start = time.perf_counter()
            with opener.open(f"{base}{path}", timeout=60) as response:
                response.read()
                if response.status != 200 or response.url != f"{base}{path}":
                    raise SystemExit(f"error: {path} answered {response.status} at {response.url}")
            times.append((time.perf_counter() - start) * 1000)
        cold, warm = times[0], times[1:]
        p95 = _percentile(warm, 0.95)
        if not name.startswith("baseline"):
            worst = max(worst, p95)
        print(f"{name[:44]:<44} {cold:8.1f} {statistics.median(warm):8.1f} {p95:8.1f} {max(warm):8.1f}")
    print(f"worst page p95: {worst:.1f} ms (target 200 ms): {'PASS' if worst <= 200 else 'FAIL'}")
    store.close()  # type: ignore[attr-defined]  (the server thread is a daemon: it ends with the process)
    return 0 if worst <= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
