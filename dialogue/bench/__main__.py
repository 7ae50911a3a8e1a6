"""Turn latency of the dialogue manager, and the generators' tokens per second, in one run.

    python -m dialogue.bench [--data-dir DIR] [--repeat 3] [--runs 5] [--questions 0] [--no-gemma]
                             [--no-generators] [--torch-threads N]

On the demo catalog (a fresh temporary store unless --data-dir is given), in one warm process
(index and models loaded and exercised once before timing): p50/p95 of
  - extractive answer turns (generator "none"): link -> search -> answerable? -> compose;
  - generated answer turns (the default llama_cpp backend, up to 40 new tokens, 1.5 s budget):
    the same, plus generate -> ground; also the share of turns that spoke generated text;
  - review summary turns and social chat turns (a scripted chat with yes/no and free text).
A turn is one DialogueManager call, exactly what a handler does between reading the slots and
rendering the reply. Then the generator benchmark of dialogue.bench.generators runs in the
same process (tokens/s of each backend next to plain transformers `generate`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dialogue.config import DialogueConfig
from dialogue.manager import DialogueManager
from dialogue.reply import Reply
from dialogue.state import DialogueState

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("kindle paperwhite", "is it good for reading at night"),
    ("kindle paperwhite", "how long does the battery last"),
    ("echo dot", "how is the sound for music"),
    ("echo dot", "is it easy to set up"),
    ("fire kids tablet", "is the case sturdy enough for a toddler"),
    ("fire tv stick", "is the remote easy to use"),
    ("echo show", "is the screen good for video calls"),
    ("echo buds", "do they stay in during a run"),
    ("project hail mary", "is the ending satisfying"),
    ("salt fat acid heat", "is it good for beginners"),
    ("sapiens", "is it hard to read"),
    ("the very hungry caterpillar", "is it good for a one year old"),
    ("remain in light", "how does the vinyl sound"),
    ("kind of blue", "is it a good first jazz album"),
    ("coffee maker", "does it keep the coffee hot"),
    ("roomba", "does it get stuck on rugs"),
    ("air purifier", "is it loud at night"),
    ("cast iron skillet", "does it rust"),
    ("smart plug", "does it work with alexa routines"),
    ("ok computer", "is the remaster loud"),
)
SUMMARIES = ("echo dot", "kindle paperwhite", "roomba", "sapiens", "blue joni mitchell", "air purifier")
CHAT_SCRIPT: tuple[tuple[str, str], ...] = (
    ("", ""), ("books", ""), ("", "yes"), ("it sounds great", ""), ("", "no"), ("music", ""),
    ("", "yes"), ("i like jazz", ""), ("the echo dot", ""), ("", "yes"), ("how small it is", ""),
    ("", "no"), ("cooking", ""), ("", "yes"), ("maybe someday", ""), ("gadgets", ""), ("", "yes"),
    ("", "no"), ("hiking in the mountains", ""), ("", "yes"),
)


@dataclass(frozen=True)
class Latency:
    """Latency figures of one kind of turn, in milliseconds."""

    name: str
    samples: tuple[float, ...]
    note: str = ""

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
        return ordered[index]

    def row(self) -> str:
        return (
            f"| {self.name} | {len(self.samples)} | {statistics.median(self.samples):.0f} | "
            f"{self.percentile(95):.0f} | {max(self.samples):.0f} | {self.note} |"
        )


def _timed(turn: Callable[[], Reply]) -> tuple[float, Reply]:
    started = time.perf_counter()
    reply = turn()
    return (time.perf_counter() - started) * 1000, reply


def measure_answers(manager: DialogueManager, repeat: int) -> tuple[list[float], int]:
    """Latency of every product question, `repeat` times; and how many spoke generated text."""
    samples, generated = [], 0
    for _ in range(repeat):
        for product, question in QUESTIONS:
            ms, reply = _timed(lambda: manager.product_question(DialogueState(), question, product))
            samples.append(ms)
            generated += any(s.key == "answers.generated" for s in reply.speech)
    return samples, generated


def measure_summaries(manager: DialogueManager, repeat: int) -> list[float]:
    """Latency of review summaries (first computation and cached)."""
    samples = []
    for _ in range(repeat):
        for product in SUMMARIES:
            ms, _ = _timed(lambda: manager.review_summary(DialogueState(), product))
            samples.append(ms)
    return samples


def measure_chat(manager: DialogueManager, repeat: int) -> list[float]:
    """Latency of chat turns along a scripted conversation (a new session each repeat)."""
    samples = []
    for run in range(repeat):
        state = DialogueState()
        for utterance, yes_no in CHAT_SCRIPT:
            ms, reply = _timed(
                lambda: manager.chat(state, utterance, user_id=f"bench-{run}", yes_no=yes_no)
            )
            samples.append(ms)
            state = reply.state or state
    return samples


def build_manager(data_dir: Path, generator: str) -> DialogueManager:
    """A manager on the store in `data_dir` (demo catalog seeded) with the real index."""
    from dialogue.generation import build_generator
    from knowledge.config import KnowledgeConfig
    from knowledge.index import open_index
    from knowledge.store import open_store

    knowledge = KnowledgeConfig(data_dir=data_dir)
    store = open_store(knowledge)
    index = open_index(store, knowledge)
    config = DialogueConfig.from_env({**os.environ, "SHOPTALK_GENERATOR": generator})
    model = build_generator(config)
    if generator != "none":
        model.warm_up()
    return DialogueManager(store, lambda: index, lambda: model, config)


def run(data_dir: Path, repeat: int, log: Callable[[str], None]) -> list[Latency]:
    """Every latency measurement, warm."""
    log("loading store, index and embedder ...")
    extractive = build_manager(data_dir, "none")
    measure_answers(extractive, 1)  # warm-up: index, embedder, linker caches
    measure_summaries(extractive, 1)
    log("timing extractive answers, summaries and chat ...")
    answers, _ = measure_answers(extractive, repeat)
    summaries = measure_summaries(extractive, repeat)
    chat = measure_chat(extractive, repeat)
    results = [
        Latency("extractive answer", tuple(answers), "target p95 <= 300 ms"),
        Latency("review summary", tuple(summaries)),
        Latency("chat turn (templated small talk)", tuple(chat)),
    ]
    log("loading the llama_cpp generator ...")
    generating = build_manager(data_dir, "llama_cpp")
    measure_answers(generating, 1)
    log("timing generated answers and chat with generated small talk ...")
    generated, used = measure_answers(generating, repeat)
    results.append(
        Latency(
            "generated answer (llama_cpp, <= 40 new tokens)",
            tuple(generated),
            f"target p50 <= 800 ms, p95 <= 1500 ms; generated text spoken in {used}/{len(generated)} "
            "turns (the rest: budget or grounding fell back to the extractive answer)",
        )
    )
    results.append(Latency("chat turn (generated small talk)", tuple(measure_chat(generating, repeat))))
    return results


def to_markdown(results: Sequence[Latency]) -> str:
    lines = [
        "| turn | n | p50 ms | p95 ms | max ms | note |",
        "|---|---|---|---|---|---|",
        *(r.row() for r in results),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["understanding"]:  # `python -m dialogue.bench understanding --spec FILE`
        from dialogue.bench.understanding import main as understanding_main

        return understanding_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m dialogue.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="store to use (default: a fresh demo store)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the question list")
    parser.add_argument("--runs", type=int, default=5, help="generator benchmark: timed runs per backend")
    parser.add_argument("--questions", type=int, default=0, help="generator benchmark: SubjQA quality questions")
    parser.add_argument("--no-gemma", action="store_true", help="generator benchmark: leave Gemma 3 270M out")
    parser.add_argument("--no-generators", action="store_true", help="skip the tokens/s section")
    parser.add_argument(
        "--torch-threads",
        type=int,
        help="torch threads for the query embedder (default: torch's own choice, as the product "
        "runs today; on a busy 2-core machine 1 thread embeds a query many times faster)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="shoptalk-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        results = run(data_dir, args.repeat, log)
        import torch

        print(
            f"## Turn latency (warm process, DialogueManager calls, demo catalog, "
            f"torch threads {torch.get_num_threads()})\n"
        )
        print(to_markdown(results))
        if not args.no_generators:
            from dialogue.bench.generators import run_generator_benchmark

            bench = run_generator_benchmark(
                runs=args.runs, questions=args.questions, gemma=not args.no_gemma
            )
            print("\n## Generators (dialogue.bench.generators)\n")
            print(bench.to_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
