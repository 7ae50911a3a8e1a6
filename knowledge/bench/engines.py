"""`python -m knowledge.bench engines`: the embedded index and PostgreSQL side by side.

For each size (default 100k and 1M passages) both backends hold the same rows, made as the
scale benchmark makes them (knowledge.bench.scale.build_scaled: real texts, so real BM25;
vectors sampled from real passage embeddings plus noise). Measured in one run, per backend:
ingest passages/s without embedding (embedded: columns + BM25; PostgreSQL: COPY with BM25
statistics, then the HNSW build, and live inserts into the built graph), search p50/p95
unfiltered and filtered by product, how often the two return the same top 5, recall@10 of
HNSW against an exact scan, and N concurrent searching clients for D seconds. A local
PostgreSQL (pgserver) is started and stopped unless --dsn names one; its shared_buffers is
set as for a server of its own (a quarter of the memory, at most 4 GB; PostgreSQL's advice,
and Aurora gives it more), so the index can stay in the database's cache as in production.
Each backend is timed in a phase of its own after WARMUP_QUERIES other queries, so one
backend's memory traffic does not empty the caches the other's figures depend on.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.bench.engines_recall import LEXICAL_RECALL_QUERIES, hnsw_recall_at_10, lexical_recall
from knowledge.bench.scale import Latency, _latency, build_scaled, load_base
from knowledge.index.passages import Passage
from knowledge.index.batches import collect_passages

SEED = 11
LIVE_INSERTS = 2_000
WARMUP_QUERIES = 100


@dataclass(frozen=True)
class Concurrency:
    clients: int
    seconds: float
    searches: int
    errors: int
    latency: Latency
    first_error: str = ""


@dataclass(frozen=True)
class BackendFigures:
    name: str
    bulk_per_second: float  # rows loaded per second (PostgreSQL: COPY, graph not built)
    graph_seconds: float  # PostgreSQL: HNSW build; embedded: 0
    live_per_second: float  # passages/s added one source at a time into the built index
    search: Latency
    filtered: Latency
    concurrency: Concurrency | None
    disk_bytes: int = 0


@dataclass(frozen=True)
class SizeFigures:
    passages: int
    backends: tuple[BackendFigures, ...]
    same_top5: float  # share of queries whose top-5 source ids agree (unfiltered)
    same_top5_filtered: float
    recall_at_10: dict[int, float] = field(default_factory=dict)  # ef_search -> recall
    lexical_recall: float = 0.0  # share of the exact BM25 top 50 among the lexical candidates


@dataclass(frozen=True)
class EnginesReport:
    base_passages: int
    queries: int
    sizes: tuple[SizeFigures, ...]
    server: str


def run_engines(
    data: Path,
    sizes: Sequence[int],
    queries: int = 200,
    clients: int = 50,
    duration: float = 30.0,
    recall_queries: int = 100,
    dsn: str | None = None,
    work_dir: Path | None = None,
    progress: bool = True,
) -> EnginesReport:
    """Measure both backends at each size (see the module docstring)."""
    import tempfile

    from knowledge.index.embedder import embed
    from knowledge.index.postgres.local_server import LocalPostgres

    def say(message: str) -> None:
        if progress:
            print(message, flush=True)

    reviews, questions = load_base(data)
    base = collect_passages(reviews, questions)
    rng = random.Random(SEED)
    sample = rng.sample(base, min(2_000, len(base)))
    say(f"base: {len(base)} passages; embedding {len(sample)} of them for the vector pool")
    pool = embed([p.index_text for p in sample]).astype(np.float32)
    texts = [q.text for q in questions]
    rng.shuffle(texts)
    texts = texts[: queries + WARMUP_QUERIES]
    vectors = embed(texts).astype(np.float32)

    server = None
    with tempfile.TemporaryDirectory(prefix="engines-bench-", dir=work_dir) as tmp:
        if dsn is None:
            server = LocalPostgres(Path(tmp) / "pg", {"shared_buffers": dedicated_shared_buffers()}).start()
        try:
            reports = []
            for size in sizes:
                size_dsn = server.create_database() if server is not None else dsn
                try:
                    reports.append(
                        _measure_size(base, pool, size, texts, vectors, size_dsn, clients,
                                      duration, recall_queries, rng, say)
                    )
                finally:
                    if server is not None:
                        server.drop_database(size_dsn)
        finally:
            version = _server_version(server, dsn)
            if server is not None:
                server.stop()
    return EnginesReport(len(base), len(texts) - WARMUP_QUERIES, tuple(reports), version)


def dedicated_shared_buffers() -> str:
    """shared_buffers for a server of its own: a quarter of physical memory, at most 4 GB."""
    import os

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(128, min(4096, memory // 4 // 2**20))}MB"


def _measure_size(
    base: Sequence[Passage],
    pool: np.ndarray,
    size: int,
    texts: Sequence[str],
    vectors: np.ndarray,
    dsn: str,
    clients: int,
    duration: float,
    recall_queries: int,
    rng: random.Random,
    say: Callable[[str], None],
) -> SizeFigures:
    from knowledge.index.postgres import Connection, PostgresIndex
    from knowledge.index.transfer import embedded_passages

    say(f"[{size:,}] building the embedded index")
    start = time.perf_counter()
    embedded = build_scaled(base, pool, size)
    embedded_bulk = size / (time.perf_counter() - start)
    passages, matrix = embedded_passages(embedded)
    products = [p.product_id for p in passages]
    every = [(t, v, products[rng.randrange(len(products))]) for t, v in zip(texts, vectors, strict=True)]
    warmup, qs = every[:WARMUP_QUERIES], every[WARMUP_QUERIES:]

    pg = PostgresIndex(Connection(dsn))
    pg.drop_vector_index()
    say(f"[{size:,}] COPY into PostgreSQL")
    start = time.perf_counter()
    pg.add_passages(passages, matrix, progress=False)
    pg_bulk = size / (time.perf_counter() - start)
    say(f"[{size:,}] building HNSW")
    start = time.perf_counter()
    pg.build_vector_index("3GB")
    graph_seconds = time.perf_counter() - start

    say(f"[{size:,}] timing {len(qs)} queries on each backend, one backend after the other")
    timings = {name: _timed_queries(index, warmup, qs) for name, index in (("embedded", embedded), ("postgres", pg))}
    latencies = {name: t.latencies for name, t in timings.items()}
    agree = sum(a == b for a, b in zip(timings["embedded"].tops["search"], timings["postgres"].tops["search"]))
    agree_filtered = sum(
        a == b for a, b in zip(timings["embedded"].tops["filtered"], timings["postgres"].tops["filtered"])
    )

    say(f"[{size:,}] recall@10 of HNSW against exact search")
    recall = {ef: hnsw_recall_at_10(pg, vectors[:recall_queries], ef) for ef in (40, 200)}
    say(f"[{size:,}] lexical candidates against an exact BM25 scan")
    lexical_share = lexical_recall(pg, [t for t, _, _ in qs[:LEXICAL_RECALL_QUERIES]])

    concurrency: dict[str, Concurrency] = {}
    if clients and duration:
        say(f"[{size:,}] {clients} concurrent clients for {duration:.0f} s on each backend")
        concurrency["embedded"] = _concurrent(lambda: embedded, qs, clients, duration)
        concurrency["postgres"] = _concurrent(lambda: PostgresIndex(Connection(dsn), migrate=False), qs, clients, duration)
    say(f"[{size:,}] live inserts into the built indexes")
    live = _live_passages(passages, matrix)
    live_rates = {}
    for name, index in (("embedded", embedded), ("postgres", pg)):
        start = time.perf_counter()
        for chunk in _by_source(live[0]):
            index.add_passages([live[0][i] for i in chunk], live[1][chunk])
        live_rates[name] = len(live[0]) / (time.perf_counter() - start)

    disk = int(pg._db.run(lambda c: c.execute("SELECT pg_database_size(current_database())").fetchone()[0]))
    pg.close()
    figures = tuple(
        BackendFigures(
            name=name,
            bulk_per_second=bulk,
            graph_seconds=graph,
            live_per_second=live_rates[name],
            search=_latency(latencies[name]["search"]),
            filtered=_latency(latencies[name]["filtered"]),
            concurrency=concurrency.get(name),
            disk_bytes=disk if name == "postgres" else 0,
        )
        for name, bulk, graph in (("embedded", embedded_bulk, 0.0), ("postgres", pg_bulk, graph_seconds))
    )
    del embedded
    return SizeFigures(size, figures, agree / len(qs), agree_filtered / len(qs), recall, lexical_share)


@dataclass(frozen=True)
class TimedQueries:
    latencies: dict[str, list[float]]  # mode ("search", "filtered") -> seconds per query
    tops: dict[str, list[list[str]]]  # mode -> each query's top-5 source ids


def _timed_queries(
    index: object, warmup: Sequence[tuple[str, np.ndarray, str]], qs: Sequence[tuple[str, np.ndarray, str]]
) -> TimedQueries:
    """Each query unfiltered and filtered by its product, after the unmeasured `warmup` ones."""
    for text, vector, product in warmup:
        for pid in (None, product):
            index.search_vector(text, vector, pid, 5)  # type: ignore[attr-defined]
    latencies: dict[str, list[float]] = {"search": [], "filtered": []}
    tops: dict[str, list[list[str]]] = {"search": [], "filtered": []}
    for text, vector, product in qs:
        for mode, pid in (("search", None), ("filtered", product)):
            begin = time.perf_counter()
            hits = index.search_vector(text, vector, pid, 5)  # type: ignore[attr-defined]
            latencies[mode].append(time.perf_counter() - begin)
            tops[mode].append([h.source_id for h in hits])
    return TimedQueries(latencies, tops)


def _live_passages(passages: Sequence[Passage], matrix: np.ndarray) -> tuple[list[Passage], np.ndarray]:
    """LIVE_INSERTS passages as new sources (fresh keys), the way reviews arrive one by one."""
    out = []
    for p in passages[:LIVE_INSERTS]:
        out.append(Passage(p.role, p.text, p.product_id, f"{p.source_id}~live", f"{p.source_key}~live",
                           p.context, p.rating, p.question, p.target))
    return out, matrix[: len(out)]


def _by_source(passages: Sequence[Passage]) -> list[list[int]]:
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        groups.setdefault(p.source_key, []).append(i)
    return list(groups.values())


def _concurrent(
    make_index: Callable[[], object],
    qs: Sequence[tuple[str, np.ndarray, str]],
    clients: int,
    duration: float,
) -> Concurrency:
    """`clients` threads, each with its own index handle, searching for `duration` seconds."""
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(seed: int) -> None:
        local_rng = random.Random(seed)
        try:
            index = make_index()
        except Exception as exc:  # noqa: BLE001 - counted as an error of this client
            with lock:
                errors.append(f"open: {exc}")
            start_line.wait()
            return
        start_line.wait()
        mine = []
        while time.perf_counter() < stop_at[0]:
            text, vector, product = qs[local_rng.randrange(len(qs))]
            begin = time.perf_counter()
            try:
                index.search_vector(text, vector, product if local_rng.random() < 0.5 else None, 5)  # type: ignore[attr-defined]
                mine.append(time.perf_counter() - begin)
            except Exception as exc:  # noqa: BLE001 - the figure is the error count
                with lock:
                    errors.append(repr(exc))
        with lock:
            samples.extend(mine)
        close = getattr(index, "close", None)
        if close is not None:
            close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    stop_at[0] = float("inf")
    for t in threads:
        t.start()
    start_line.wait()  # every client has opened its index
    began = time.perf_counter()
    stop_at[0] = began + duration
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return Concurrency(clients, elapsed, len(samples), len(errors),
                       _latency(samples or [0.0]), errors[0] if errors else "")


def _server_version(server: object, dsn: str | None) -> str:
    import psycopg

    target = dsn or (server.dsn() if server is not None else None)  # type: ignore[attr-defined]
    if target is None:
        return ""
    with psycopg.connect(target) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        vector = conn.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    return f"PostgreSQL {pg}, pgvector {vector[0] if vector else '?'}"


def format_report(report: EnginesReport) -> str:
    lines = [f"{report.server}; {report.base_passages:,} base passages, {report.queries} queries"]
    for size in report.sizes:
        lines.append(f"\n{size.passages:,} passages")
        lines.append(f"{'':<10}{'bulk/s':>10}{'graph s':>9}{'live/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
                     f"{'filt p50':>10}{'filt p95':>10}")
        for b in size.backends:
            lines.append(
                f"{b.name:<10}{b.bulk_per_second:>10,.0f}{b.graph_seconds:>9.1f}{b.live_per_second:>9,.0f}"
                f"{b.search.p50_ms:>9.1f}{b.search.p95_ms:>9.1f}{b.filtered.p50_ms:>10.1f}{b.filtered.p95_ms:>10.1f}"
            )
        for b in size.backends:
            c = b.concurrency
            if c is not None:
                lines.append(
                    f"{b.name}: {c.clients} clients x {c.seconds:.0f} s: {c.searches:,} searches "
                    f"({c.searches / c.seconds:.0f}/s), {c.errors} errors, p50 {c.latency.p50_ms:.0f} ms, "
                    f"p95 {c.latency.p95_ms:.0f} ms" + (f"; first error: {c.first_error}" if c.errors else "")
                )
        disk = next((b.disk_bytes for b in size.backends if b.disk_bytes), 0)
        lines.append(f"PostgreSQL database size: {disk / 2**30:.2f} GiB")
        lines.append(
            "recall@10 of HNSW vs exact: "
            + ", ".join(f"ef_search={ef}: {r:.3f}" for ef, r in sorted(size.recall_at_10.items()))
        )
        lines.append(f"lexical candidates hold {100 * size.lexical_recall:.0f}% of the exact BM25 top 50 "
                     f"({LEXICAL_RECALL_QUERIES} queries, distinct texts)")
        lines.append(f"same top 5 as embedded: {100 * size.same_top5:.0f}% unfiltered, "
                     f"{100 * size.same_top5_filtered:.0f}% filtered")
    return "\n".join(lines)
