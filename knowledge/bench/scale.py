"""Scale benchmark: ingest throughput, index memory and search latency at 100k / 1M passages.

Base passages come from every file in the shared data directory (Datafiniti and Alexa
reviews, McAuley Q&A, SubjQA reviews) through the project's importers and passage builder.
Embedding a million passages on two CPU cores takes hours, so:
  - ingest throughput is timed on a random sample of real passages, end to end through
    `SearchIndex.add_passages` (embedding + BM25 + columns), next to a naive one-at-a-time
    baseline measured in the same run;
  - the large indexes repeat the real base passages with variation: copy c of a passage
    belongs to product "<product>~c", and its vector is the vector of a sampled real passage
    plus small Gaussian noise, re-normalised. Texts (hence BM25) are real; vectors only
    stand in for real ones, which does not change memory or the cost of exact search.
Memory is counted twice: bytes of the index arrays and BM25 structures, and the process RSS
growth while building (measured after a garbage collection).
"""

from __future__ import annotations

import gc
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.bench.subjqa import load_split
from knowledge.index.fusion import FusionParams, fuse
from knowledge.index.lexical import release_free_memory
from knowledge.index.passages import ROLE_QUESTION, Passage
from knowledge.index.batches import collect_passages
from knowledge.index.search_index import DIMENSION, FLOAT16_ABOVE_ROWS, SearchIndex
from knowledge.model import Question, Review

SEED = 7


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class SizeReport:
    """Figures for one index size; `baseline_*` were measured in the same run."""

    passages: int
    build_seconds: float
    index_bytes: dict[str, int]
    rss_delta_bytes: int
    baseline_bytes: int  # float32 vectors + Python strings + the same BM25 (estimate)
    search: Latency
    search_filtered: Latency
    search_cpu: Latency  # CPU time of this process (less sensitive to shared load)
    search_filtered_cpu: Latency
    baseline_search: Latency
    baseline_search_filtered: Latency
    end_to_end: Latency  # search() including embedding the query


@dataclass(frozen=True)
class ScaleReport:
    base_passages: int
    base_sources: int
    ingest_sample: int
    ingest_per_second: float
    ingest_per_cpu_second: float  # passages per CPU-second used (load-independent)
    baseline_ingest_per_second: float
    baseline_ingest_sample: int
    query_embed: Latency
    sizes: tuple[SizeReport, ...]
    cpu_count: int


def load_base(data: Path, progress: bool = False) -> tuple[list[Review], list[Question]]:
    """Every review and question in the shared data directory, read by our importers."""
    from knowledge.importers import alexa_tsv, datafiniti, mcauley

    reviews: list[Review] = []
    questions: list[Question] = []
    reviews += datafiniti.parse(data / "reviews" / "datafiniti_amazon_devices.csv").reviews
    reviews += alexa_tsv.parse(data / "reviews" / "amazon_alexa.tsv").reviews
    for path in sorted((data / "qa").iterdir()):
        if path.name.startswith("qa_"):
            questions += mcauley.parse(path).questions
    for split in ("train", "dev", "test"):
        reviews += load_split(data / "subjqa" / f"{split}.csv").reviews
    return reviews, questions


def _latency(samples: Sequence[float]) -> Latency:
    ms = np.asarray(samples) * 1000
    return Latency(float(np.percentile(ms, 50)), float(np.percentile(ms, 95)))


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure_ingest(
    passages: Sequence[Passage], baseline_count: int
) -> tuple[float, float, float, np.ndarray]:
    """Passages/s through add_passages in batches (wall and per CPU-second of this process),
    one passage at a time (baseline, wall), and the vectors the batched run computed."""
    from knowledge.index.embedder import load_embedder

    load_embedder()  # model loading is a one-off per process, not ingest
    index = SearchIndex()
    start, cpu_start = time.perf_counter(), time.process_time()
    index.add_passages(passages, progress=False)
    batched = len(passages) / (time.perf_counter() - start)
    per_cpu_second = len(passages) / max(1e-9, time.process_time() - cpu_start)
    naive = SearchIndex()
    subset = passages[:baseline_count]
    start = time.perf_counter()
    for p in subset:
        naive.add_passages([p])
    one_by_one = len(subset) / (time.perf_counter() - start)
    return batched, per_cpu_second, one_by_one, index.vectors_matrix().astype(np.float32)


def build_scaled(
    base: Sequence[Passage],
    pool: np.ndarray,
    size: int,
    progress: bool = False,
) -> SearchIndex:
    """An index of `size` rows: base passages repeated with product/vector variation."""
    rng = np.random.default_rng(SEED)
    dtype = np.float16 if size > FLOAT16_ABOVE_ROWS else np.float32
    index = SearchIndex()
    index._reset(dtype)
    index._vectors.reserve(size)
    chunk = 20_000
    done = 0
    texts: list[str] = []
    while done < size:
        batch: list[Passage] = []
        targets: list[int] = []
        while len(batch) < chunk and done + len(batch) < size:
            row = done + len(batch)
            copy, i = divmod(row, len(base))
            p = base[i]
            if copy:
                p = Passage(
                    p.role, p.text, f"{p.product_id}~{copy}", p.source_id, f"{p.source_key}~{copy}",
                    p.context, p.rating, p.question, -1,
                )
            batch.append(p)
            target = -1
            if p.role == ROLE_QUESTION:
                # the Q&A row of the same source precedes its question row in `base`
                target = row - 1 if i > 0 and base[i - 1].source_id == p.source_id else -1
            targets.append(target)
        picks = rng.integers(0, len(pool), len(batch))
        vectors = pool[picks] + rng.normal(0, 0.02, (len(batch), DIMENSION)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index._append_rows(batch, vectors, targets, lexical=False)
        texts.extend(p.index_text for p in batch)
        done += len(batch)
        if progress:
            print(f"  built {done}/{size} rows", flush=True)
    index.lexical().build(texts, progress=progress)
    del texts
    release_free_memory()  # the texts list was only needed to build BM25
    return index


def baseline_search(
    index: SearchIndex, query: str, vector: np.ndarray, product_id: str | None, k: int
) -> list[int]:
    """Brute force: score every row, mask by product, fuse, full sort (no product rows)."""
    dense = index._vectors.scores(vector)
    lexical = index.lexical().scores(query)
    if product_id is not None:
        code = index._products.codes.get(product_id, -1)
        mask = index._products.as_array() == code
        dense, lexical = np.where(mask, dense, -np.inf), np.where(mask, lexical, 0.0)
    fused = fuse(dense, dense, lexical, FusionParams())
    return [int(i) for i in np.argsort(-fused)[:k]]


def time_searches(
    index: SearchIndex,
    queries: Sequence[tuple[str, np.ndarray, str]],
) -> dict[str, Latency]:
    out: dict[str, list[float]] = {
        "search": [], "filtered": [], "baseline": [], "baseline_filtered": [],
        "search_cpu": [], "filtered_cpu": [],
    }
    for text, vector, product in queries:
        for name, call in (
            ("search", lambda: index.search_vector(text, vector, None, 5)),
            ("filtered", lambda: index.search_vector(text, vector, product, 5)),
            ("baseline", lambda: baseline_search(index, text, vector, None, 5)),
            ("baseline_filtered", lambda: baseline_search(index, text, vector, product, 5)),
        ):
            start, cpu = time.perf_counter(), time.process_time()
            call()
            out[name].append(time.perf_counter() - start)
            if name in ("search", "filtered"):
                out[f"{name}_cpu"].append(time.process_time() - cpu)
    return {name: _latency(samples) for name, samples in out.items()}


def run_scale(
    data: Path,
    sizes: Sequence[int],
    ingest_sample: int = 2000,
    queries: int = 200,
    progress: bool = True,
) -> ScaleReport:
    """Measure everything for each size; see the module docstring for how rows are made."""
    from knowledge.index.embedder import embed

    def say(message: str) -> None:
        if progress:
            print(message, flush=True)

    reviews, questions = load_base(data)
    base = collect_passages(reviews, questions)
    say(f"base: {len(base)} passages from {len(reviews)} reviews and {len(questions)} questions")
    rng = random.Random(SEED)
    sample = rng.sample(base, min(ingest_sample, len(base)))
    say(f"timing ingest of {len(sample)} sampled passages (embedding included)")
    batched, per_cpu, naive, pool = measure_ingest(
        sample, baseline_count=min(200, len(sample))
    )

    query_texts = [q.text for q in questions]
    rng.shuffle(query_texts)
    query_texts = query_texts[:queries]
    embed_times = []
    query_vectors = []
    for text in query_texts:
        start = time.perf_counter()
        query_vectors.append(embed([text])[0])
        embed_times.append(time.perf_counter() - start)
    products = [p.product_id for p in base]

    reports = []
    for size in sizes:
        gc.collect()
        rss_before = _rss()
        start = time.perf_counter()
        say(f"building {size} rows")
        index = build_scaled(base, pool, size, progress=progress)
        build_seconds = time.perf_counter() - start
        gc.collect()
        rss_delta = _rss() - rss_before
        qs = [
            (t, v, products[rng.randrange(min(size, len(products)))])
            for t, v in zip(query_texts, query_vectors, strict=True)
        ]
        say(f"timing {len(qs)} queries x 4 settings")
        latencies = time_searches(index, qs)
        end_to_end = []
        for text in query_texts[: min(50, len(query_texts))]:
            begin = time.perf_counter()
            index.search(text, k=5)
            end_to_end.append(time.perf_counter() - begin)
        text_bytes = sum(len(index._texts[r]) + 49 for r in range(0, index.row_count, 97)) * 97
        bm25 = index.nbytes()["bm25"]
        reports.append(
            SizeReport(
                passages=index.row_count,
                build_seconds=build_seconds,
                index_bytes=index.nbytes(),
                rss_delta_bytes=rss_delta,
                baseline_bytes=index.row_count * DIMENSION * 4 + text_bytes + bm25,
                search=latencies["search"],
                search_filtered=latencies["filtered"],
                search_cpu=latencies["search_cpu"],
                search_filtered_cpu=latencies["filtered_cpu"],
                baseline_search=latencies["baseline"],
                baseline_search_filtered=latencies["baseline_filtered"],
                end_to_end=_latency(end_to_end),
            )
        )
        del index
        gc.collect()
    return ScaleReport(
        base_passages=len(base),
        base_sources=len(reviews) + len(questions),
        ingest_sample=len(sample),
        ingest_per_second=batched,
        ingest_per_cpu_second=per_cpu,
        baseline_ingest_per_second=naive,
        baseline_ingest_sample=min(200, len(sample)),
        query_embed=_latency(embed_times),
        sizes=tuple(reports),
        cpu_count=os.cpu_count() or 0,
    )


def format_report(report: ScaleReport) -> str:
    mb = 1024 * 1024
    lines = [
        f"base: {report.base_passages} passages from {report.base_sources} reviews/questions; "
        f"{report.cpu_count} CPUs",
        f"ingest (embedding + BM25 delta + columns), {report.ingest_sample} sampled passages: "
        f"{report.ingest_per_second:.0f} passages/s wall, "
        f"{report.ingest_per_cpu_second:.0f} per CPU-second; baseline one-at-a-time "
        f"({report.baseline_ingest_sample}): {report.baseline_ingest_per_second:.0f} passages/s",
        f"query embedding: p50 {report.query_embed.p50_ms:.1f} ms, p95 {report.query_embed.p95_ms:.1f} ms",
    ]
    for s in report.sizes:
        total = sum(s.index_bytes.values())
        parts = ", ".join(f"{k} {v / mb:.0f}" for k, v in s.index_bytes.items())
        lines += [
            f"--- {s.passages} rows (built in {s.build_seconds:.0f} s)",
            f"memory: index {total / mb:.0f} MB ({parts}); RSS growth {s.rss_delta_bytes / mb:.0f} MB; "
            f"baseline (float32 + Python strings + same BM25) {s.baseline_bytes / mb:.0f} MB",
            f"{'search latency (ms)':<28}{'p50':>8}{'p95':>8}   baseline p50/p95",
            f"{'  all products':<28}{s.search.p50_ms:>8.1f}{s.search.p95_ms:>8.1f}   "
            f"{s.baseline_search.p50_ms:.1f} / {s.baseline_search.p95_ms:.1f}",
            f"{'  one product':<28}{s.search_filtered.p50_ms:>8.1f}{s.search_filtered.p95_ms:>8.1f}   "
            f"{s.baseline_search_filtered.p50_ms:.1f} / {s.baseline_search_filtered.p95_ms:.1f}",
            f"{'  all products, CPU time':<28}{s.search_cpu.p50_ms:>8.1f}{s.search_cpu.p95_ms:>8.1f}",
            f"{'  one product, CPU time':<28}{s.search_filtered_cpu.p50_ms:>8.1f}"
            f"{s.search_filtered_cpu.p95_ms:>8.1f}",
            f"{'  end to end (embed query)':<28}{s.end_to_end.p50_ms:>8.1f}{s.end_to_end.p95_ms:>8.1f}",
        ]
    return "\n".join(lines)
