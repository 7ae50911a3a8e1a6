"""Generator benchmark: tokens per second of each local backend next to plain transformers, and
the choice of model by measurement (grounded-answer quality on SubjQA dev, and speed).

    python -m dialogue.bench.generators [--runs 5] [--questions 40] [--no-gemma]
        [--copies q4_0,bf16] [--perplexity-reviews 40] [--json out.json]

Speed: the same prompt, greedy, exactly 40 new tokens, through (a) plain transformers `generate`
on the fp32 copy of SmolLM2-135M-Instruct (the baseline), (b) our transformers backend on the
same copy, (c) our llama.cpp backend as the product runs it (the Q8_0 copy of the GGUF file,
with prompts on a bf16 copy where the CPU has native bf16) and, where that split applies, on
the Q8_0 copy alone, (d) llama.cpp on Gemma 3 270M, and (e) llama.cpp on other re-quantized
copies of SmolLM2's file (`--copies`). Every backend is warmed once, then the runs go
round-robin so load spikes on a shared machine hit all of them alike; the median is reported.

Quality: for SubjQA dev questions (answerable ones, in file order), the top passages of that
item's reviews by BM25 are the evidence; each model answers through the product's prompt and
every generated sentence goes through the grounding check. Reported: share of sentences that
survive (lexical only, and lexical + MiniLM), share of answers with something to speak, and
the share that survives against another item's evidence (how often the check lets a claim
through that the evidence does not support; lower is better).

Same model? Each file llama.cpp can run for SmolLM2 (the shipped Q4_1, the product's Q8_0 copy
and the `--copies`) gets its perplexity on the first SubjQA dev reviews (dialogue.bench.perplexity).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dialogue.bench.perplexity import PerplexityResult, dev_reviews, perplexity
from dialogue.config import DialogueConfig
from dialogue.generation.base import Generation, GenerationRequest, Generator
from dialogue.generation.grounding import Embed, ground
from dialogue.generation.models import GEMMA3_270M, SMOLLM2_135M, ModelFileError
from dialogue.generation.prompts import MAX_PASSAGES, PASSAGE_CHARS, answer_evidence, answer_request
from dialogue.generation.text import split_sentences

SPEED_QUESTIONS = (
    "What do customers say about the reading experience and the battery?",
    "Is it good for reading at night?",
    "How long does the battery last?",
    "Is the screen easy to read?",
    "Is it worth buying?",
    "What do people dislike about it?",
)
SPEED_PASSAGES = (
    "I read every night in bed and the warm light is easy on the eyes; no glare at all.",
    "Battery life is excellent, I charge it maybe once every three weeks with an hour a day.",
    "The page turns are quick and the screen is crisp, although the case is sold separately.",
    "It is light enough to hold with one hand for hours, and it survived a drop onto tiles.",
    "Setup took five minutes; my whole library synced and the store is easy to browse.",
    "The ads on the lock screen annoyed me, so I paid to remove them after the first week.",
)
NO_LIMIT_S = 600.0  # the benchmark measures speed, not the product's time budget
DEFAULT_SUBJQA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "subjqa" / "dev.csv"


@dataclass(frozen=True)
class SpeedResult:
    """Median figures of one backend over `runs` runs of the same prompt."""

    backend: str
    model: str
    runs: int
    median_tokens: float
    median_elapsed_s: float
    median_tokens_per_s: float
    load_s: float
    median_first_token_s: float = 0.0  # prompt processing and the first token
    median_decode_tokens_per_s: float = 0.0  # after the first token
    speedup: float = 0.0  # tokens/s relative to plain transformers generate
    decode_speedup: float = 0.0  # decode tokens/s relative to plain transformers generate


@dataclass(frozen=True)
class QualityResult:
    """Grounded-answer quality of one model on SubjQA dev questions."""

    model: str
    questions: int
    sentences: int
    survive_lexical: float
    survive_semantic: float
    answers_usable: float
    mismatched_survive: float
    median_latency_s: float
    median_tokens: float
    timeouts: int
    examples: tuple[tuple[str, str, str], ...] = ()  # (question, generated, spoken)


@dataclass
class GeneratorBenchmark:
    """Everything one run of the benchmark measured."""

    prompt_tokens: int = 0
    new_tokens: int = 40
    speed: list[SpeedResult] = field(default_factory=list)
    quality: list[QualityResult] = field(default_factory=list)
    perplexity: list[PerplexityResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_markdown(self) -> str:
        """The figures as Markdown tables (what BENCHMARKS.md quotes)."""
        lines = [
            f"Speed: the product's grounded-answer prompt (median {self.prompt_tokens} prompt "
            f"tokens; round i uses prompt variant i for every backend), greedy, exactly "
            f"{self.new_tokens} new tokens, median of the runs, end-to-end (prompt processing "
            "included), warm process.",
            "",
            "| backend | model | runs | new tokens | latency (s) | first token (s) | tokens/s "
            "end-to-end | vs plain | decode tokens/s | vs plain | load (s) |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in self.speed:
            lines.append(
                f"| {s.backend} | {s.model} | {s.runs} | {s.median_tokens:.0f} | "
                f"{s.median_elapsed_s:.2f} | {s.median_first_token_s:.2f} | "
                f"{s.median_tokens_per_s:.1f} | {s.speedup:.1f}x | "
                f"{s.median_decode_tokens_per_s:.1f} | {s.decode_speedup:.1f}x | {s.load_s:.2f} |"
            )
        if self.quality:
            lines += [
                "",
                "Grounded-answer quality on SubjQA dev (answerable questions in file order; "
                f"evidence: the best {MAX_PASSAGES} BM25 passages of the item's reviews, trimmed "
                f"to {PASSAGE_CHARS} characters, in the prompt and in the grounding check):",
                "",
                "| model | questions | sentences | survive (lexical) | survive (lexical + MiniLM) "
                "| answers with a grounded sentence | survive vs another item's evidence | "
                "median latency (s) | median tokens | timeouts |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for q in self.quality:
                lines.append(
                    f"| {q.model} | {q.questions} | {q.sentences} | {q.survive_lexical:.0%} | "
                    f"{q.survive_semantic:.0%} | {q.answers_usable:.0%} | {q.mismatched_survive:.0%} | "
                    f"{q.median_latency_s:.2f} | {q.median_tokens:.0f} | {q.timeouts} |"
                )
        if self.perplexity:
            first = self.perplexity[0]
            lines += [
                "",
                f"Same model? Perplexity of each file llama.cpp can run for SmolLM2 on the first "
                f"{first.texts} SubjQA dev reviews ({first.tokens} predicted tokens; lower is better):",
                "",
                "| file | MB | perplexity |",
                "| --- | ---: | ---: |",
            ]
            for r in self.perplexity:
                lines.append(f"| {r.label} ({r.file}) | {r.megabytes:.0f} | {r.perplexity:.2f} |")
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines)


def speed_request(new_tokens: int, variant: int = 0) -> GenerationRequest:
    """The product's grounded-answer prompt, in one of six variants, with plain greedy decoding.

    Every backend gets the same variant in a round. The variants start with different
    passages, so llama.cpp cannot reuse the previous prompt from its cache beyond the shared
    system prompt and the start of the user turn (about 40 tokens, which it also reuses in the
    product, where every answer request starts the same way); transformers processes the whole
    prompt every time. No repetition penalty, no two-sentence early stop, no stop strings and
    no end of text before `new_tokens` (`ignore_eos`): every backend generates exactly
    `new_tokens` tokens, so tokens per second compares like with like even where two backends'
    numerics make their greedy texts differ.
    """
    first = variant % len(SPEED_PASSAGES)
    passages = [SPEED_PASSAGES[(first + k) % len(SPEED_PASSAGES)] for k in range(3)]
    request = answer_request(
        SPEED_QUESTIONS[variant % len(SPEED_QUESTIONS)],
        passages,
        max_new_tokens=new_tokens,
        budget_s=NO_LIMIT_S,
    )
    return dataclasses.replace(
        request, repetition_penalty=1.0, max_sentences=None, stop=(), ignore_eos=True
    )


class PlainTransformers:
    """The baseline: transformers `generate` called directly, no budget, no worker thread."""

    name = "plain transformers generate"

    def __init__(self, cache_dir: Path, threads: int) -> None:
        from dialogue.generation.transformers_backend import load_cached_model

        self._loaded = load_cached_model(cache_dir, SMOLLM2_135M, threads=threads)

    def prompt_tokens(self, request: GenerationRequest) -> int:
        """How many tokens the chat-templated prompt has."""
        ids = self._loaded.tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in request.messages],
            add_generation_prompt=True,
            return_dict=True,
        )["input_ids"]
        return len(ids)

    def generate(self, request: GenerationRequest) -> Generation:
        import torch

        from transformers import StoppingCriteria, StoppingCriteriaList

        started = time.monotonic()
        first: list[float] = []

        class FirstToken(StoppingCriteria):
            """Observes when the first new token exists; never stops generation."""

            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                if not first:
                    first.append(time.monotonic() - started)
                return torch.zeros((input_ids.shape[0],), dtype=torch.bool)

        inputs = self._loaded.tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in request.messages],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        with torch.inference_mode():
            output = self._loaded.model.generate(
                **inputs,
                max_new_tokens=request.max_new_tokens,
                min_new_tokens=request.max_new_tokens if request.ignore_eos else None,
                do_sample=False,
                temperature=None,
                top_p=None,
                top_k=None,
                pad_token_id=self._loaded.tokenizer.eos_token_id,
                stopping_criteria=StoppingCriteriaList([FirstToken()]),
            )
        new = output[0, inputs["input_ids"].shape[1] :]
        count = int(new.shape[0]) - int(int(new[-1]) == self._loaded.tokenizer.eos_token_id)
        text = self._loaded.tokenizer.decode(new, skip_special_tokens=True)
        return Generation(
            text.strip(),
            count,
            time.monotonic() - started,
            self.name,
            first_token_s=first[0] if first else None,
        )


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def measure_speed(
    contenders: Sequence[tuple[str, str, Callable[[GenerationRequest], Generation], float]],
    requests: Sequence[GenerationRequest],
    runs: int,
    log: TextIO,
) -> list[SpeedResult]:
    """Warm each contender on requests[0], then `runs` round-robin rounds, round i on
    requests[1 + i % (len - 1)] for every contender; medians per contender."""
    # Keyed by position: several contenders may share a backend name (llama.cpp on other files).
    samples: list[list[Generation]] = [[] for _ in contenders]
    for name, _, generate, _ in contenders:
        warm = generate(requests[0])
        print(f"  warm-up {name}: {warm.tokens} tokens in {warm.elapsed_s:.2f} s: {warm.text[:70]!r}", file=log)
    timed = list(requests[1:]) or list(requests)
    for round_index in range(runs):
        request = timed[round_index % len(timed)]
        for position, (name, model, generate, _) in enumerate(contenders):
            result = generate(request)
            if result.error or result.timed_out:
                raise RuntimeError(f"{name} ({model}) failed during the benchmark: {result}")
            samples[position].append(result)
        print(f"  round {round_index + 1}/{runs} done", file=log)
    results = []
    for (name, model, _, load_s), runs_of in zip(contenders, samples, strict=True):
        results.append(
            SpeedResult(
                backend=name,
                model=model,
                runs=len(runs_of),
                median_tokens=_median([g.tokens for g in runs_of]),
                median_elapsed_s=_median([g.elapsed_s for g in runs_of]),
                median_tokens_per_s=_median([g.tokens_per_s for g in runs_of]),
                load_s=load_s,
                median_first_token_s=_median([g.first_token_s or 0.0 for g in runs_of]),
                median_decode_tokens_per_s=_median(
                    [g.decode_tokens_per_s or 0.0 for g in runs_of]
                ),
            )
        )
    baseline = results[0].median_tokens_per_s or 1.0
    decode_baseline = results[0].median_decode_tokens_per_s or 1.0
    return [
        SpeedResult(
            **{
                **asdict(r),
                "speedup": r.median_tokens_per_s / baseline,
                "decode_speedup": r.median_decode_tokens_per_s / decode_baseline,
            }
        )
        for r in results
    ]


@dataclass(frozen=True)
class QualityCase:
    """One SubjQA question with the top passages of its item's reviews."""

    item_id: str
    question: str
    passages: tuple[str, ...]


def _passages_of(reviews: Sequence[str], window: int = 2) -> list[str]:
    """Reviews cut into windows of `window` sentences (what the index stores, roughly)."""
    passages = []
    for review in reviews:
        sentences = split_sentences(review)
        for start in range(0, max(1, len(sentences)), window):
            chunk = " ".join(sentences[start : start + window]).strip()
            if len(chunk) >= 20:
                passages.append(chunk)
    return passages


def load_quality_cases(path: Path, limit: int, top_k: int = 3) -> list[QualityCase]:
    """Answerable SubjQA questions (file order, one per item and question) with BM25 evidence."""
    import bm25s

    if not path.is_file():
        raise FileNotFoundError(f"SubjQA dev file not found: {path}")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for required in ("item_id", "question", "review", "human_ans_spans"):
        if rows and required not in rows[0]:
            raise ValueError(f"{path}: column {required!r} missing (line 1)")
    reviews: dict[str, list[str]] = {}
    for row in rows:
        item_reviews = reviews.setdefault(row["item_id"], [])
        if row["review"] not in item_reviews:
            item_reviews.append(row["review"])
    cases: list[QualityCase] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row["item_id"], row["question"].strip().lower())
        if key in seen or row["human_ans_spans"].strip() == "ANSWERNOTFOUND":
            continue
        seen.add(key)
        corpus = _passages_of(reviews[row["item_id"]])
        if not corpus:
            continue
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)
        k = min(top_k, len(corpus))
        ids, _ = retriever.retrieve(
            bm25s.tokenize([row["question"]], stopwords="en", show_progress=False), k=k, show_progress=False
        )
        cases.append(QualityCase(row["item_id"], row["question"], tuple(corpus[i] for i in ids[0])))
        if len(cases) >= limit:
            break
    return cases


def measure_quality(
    model: str, generator: Generator, cases: Sequence[QualityCase], embed: Embed | None, log: TextIO
) -> QualityResult:
    """Answer every case through the product prompt and check each sentence against evidence."""
    checked = kept_lexical = kept_semantic = usable = 0
    mismatched_checked = mismatched_kept = 0
    latencies: list[float] = []
    tokens: list[float] = []
    timeouts = 0
    examples: list[tuple[str, str, str]] = []
    for index, case in enumerate(cases):
        request = answer_request(case.question, case.passages, budget_s=NO_LIMIT_S)
        result = generator.generate(request)
        evidence = answer_evidence(case.question, case.passages)
        latencies.append(result.elapsed_s)
        tokens.append(result.tokens)
        timeouts += int(result.timed_out)
        truncated = result.finish_reason == "length"
        lexical = ground(result.text, evidence, truncated=truncated)
        semantic = ground(result.text, evidence, embed=embed, truncated=truncated) if embed else lexical
        other = next((c for c in cases[index + 1 :] + cases[:index] if c.item_id != case.item_id), None)
        checked += len(lexical.checks)
        kept_lexical += len(lexical.kept)
        kept_semantic += len(semantic.kept)
        usable += int(semantic.grounded)
        if other is not None:
            other_evidence = answer_evidence(other.question, other.passages)
            mismatch = ground(result.text, other_evidence, embed=embed, truncated=truncated)
            mismatched_checked += len(mismatch.checks)
            mismatched_kept += len(mismatch.kept)
        if len(examples) < 3:
            examples.append((case.question, result.text, semantic.text))
        if (index + 1) % 10 == 0:
            print(f"  {model}: {index + 1}/{len(cases)} questions", file=log)
    return QualityResult(
        model=model,
        questions=len(cases),
        sentences=checked,
        survive_lexical=kept_lexical / checked if checked else 0.0,
        survive_semantic=kept_semantic / checked if checked else 0.0,
        answers_usable=usable / len(cases) if cases else 0.0,
        mismatched_survive=mismatched_kept / mismatched_checked if mismatched_checked else 0.0,
        median_latency_s=_median(latencies),
        median_tokens=_median(tokens),
        timeouts=timeouts,
        examples=tuple(examples),
    )


def _timed_warm_up(generator: Generator) -> float:
    started = time.monotonic()
    generator.warm_up()
    return time.monotonic() - started


def run_generator_benchmark(
    config: DialogueConfig | None = None,
    *,
    runs: int = 5,
    new_tokens: int = 40,
    questions: int = 40,
    gemma: bool = True,
    copies: Sequence[str] = (),
    perplexity_reviews: int = 40,
    subjqa: Path = DEFAULT_SUBJQA,
    log: TextIO = sys.stderr,
) -> GeneratorBenchmark:
    """Measure speed of every local backend and grounded-answer quality of each model.

    The fp32 conversion for the transformers backends is made in `config.model_cache_dir`
    on first use (about 35 s, once). Gemma is skipped with a note when its package is absent.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from dialogue.generation.llama_cpp_backend import LlamaCppGenerator
    from dialogue.generation.transformers_backend import TransformersGenerator

    import torch

    from dialogue.generation.loading import default_threads

    config = config or DialogueConfig.from_env()
    cache_dir = config.model_cache_dir
    bench = GeneratorBenchmark(new_tokens=new_tokens)
    requests = [speed_request(new_tokens, variant) for variant in range(len(SPEED_PASSAGES))]
    threads = default_threads()
    torch.set_num_threads(threads)  # every backend gets the same number of threads
    bench.notes.append(
        f"every backend ran with {threads} thread(s) for decoding and prompt processing: "
        "SHOPTALK_MODEL_THREADS or half the cores (dialogue.generation.loading.default_threads; "
        "torch.set_num_threads for both transformers rows); llama.cpp keeps the longest common "
        "token prefix of consecutive prompts, which here is the system prompt and the start of the "
        "user turn, as in the product, while transformers processes every prompt in full"
    )

    print("loading models ...", file=log)
    started = time.monotonic()
    plain = PlainTransformers(cache_dir, threads)
    plain_load = time.monotonic() - started
    bench.prompt_tokens = round(_median([plain.prompt_tokens(r) for r in requests]))
    ours_tf = TransformersGenerator(cache_dir, threads=threads)
    smol = LlamaCppGenerator(SMOLLM2_135M, cache_dir, n_threads=threads)
    smol_load = _timed_warm_up(smol)
    contenders: list[tuple[str, str, Callable[[GenerationRequest], Generation], float]] = [
        ("plain transformers generate (baseline)", "SmolLM2-135M fp32", plain.generate, plain_load),
        ("transformers backend", "SmolLM2-135M fp32", ours_tf.generate, _timed_warm_up(ours_tf)),
    ]
    models: list[tuple[str, Generator]] = []
    if smol.prefill_file is not None:
        q8_only = LlamaCppGenerator(SMOLLM2_135M, cache_dir, n_threads=threads, split_prefill=False)
        contenders.append(
            ("llama_cpp backend, one file", "SmolLM2-135M Q4_1 run as Q8_0", q8_only.generate, _timed_warm_up(q8_only))
        )
        models.append((f"{SMOLLM2_135M.title}, one file", q8_only))
        default_title = f"{SMOLLM2_135M.title}, prompts on BF16 (default)"
        default_model = "SmolLM2-135M Q4_1 run as Q8_0, prompts on BF16"
    else:
        default_title = f"{SMOLLM2_135M.title} (default)"
        default_model = "SmolLM2-135M Q4_1 run as Q8_0"
    contenders.append(("llama_cpp backend (default)", default_model, smol.generate, smol_load))
    models.insert(0, (default_title, smol))
    copy_generators: list[LlamaCppGenerator] = []
    for kind in copies:
        spec = dataclasses.replace(
            SMOLLM2_135M,
            key=f"{SMOLLM2_135M.key}-{kind}",
            title=f"SmolLM2-135M-Instruct (Q4_1 GGUF, run as {kind.upper()})",
            run_as=kind,
            prefill_as=None,
        )
        copy = LlamaCppGenerator(spec, cache_dir, n_threads=threads)
        label = f"SmolLM2-135M Q4_1 run as {kind.upper()}"
        contenders.append(("llama_cpp backend", label, copy.generate, _timed_warm_up(copy)))
        models.append((spec.title, copy))
        copy_generators.append(copy)
    if gemma:
        try:
            gem = LlamaCppGenerator(GEMMA3_270M, cache_dir, n_threads=threads)
            contenders.append(("llama_cpp backend", "Gemma 3 270M Q4_K_M", gem.generate, _timed_warm_up(gem)))
            models.append((GEMMA3_270M.title, gem))
        except (ModelFileError, RuntimeError) as exc:
            bench.notes.append(f"Gemma 3 270M skipped: {exc}")
    print(f"speed: {runs} round-robin runs of {len(contenders)} backends", file=log)
    bench.speed = measure_speed(contenders, requests, runs, log)

    if questions > 0:
        try:
            cases = load_quality_cases(subjqa, questions)
        except FileNotFoundError as exc:
            bench.notes.append(f"quality skipped: {exc}")
            cases = []
        if cases:
            from dialogue.generation.compose import knowledge_embed

            embed = knowledge_embed()
            if embed is None:
                bench.notes.append("MiniLM embedder not installed: semantic column equals lexical")
            for title, generator in models:
                print(f"quality: {title} on {len(cases)} SubjQA dev questions", file=log)
                bench.quality.append(measure_quality(title, generator, cases, embed, log))
    if perplexity_reviews > 0:
        try:
            reviews = dev_reviews(subjqa, perplexity_reviews)
        except (FileNotFoundError, ValueError) as exc:
            bench.notes.append(f"perplexity skipped: {exc}")
            reviews = []
        if reviews:
            files = [("shipped", SMOLLM2_135M.gguf_path(cache_dir))]
            files += [
                (f"run as {g.model.run_as}", g.model_file)
                for g in (smol, *copy_generators)
                if g.model_file is not None
            ]
            for label, path in files:
                print(f"perplexity: {path.name} on {len(reviews)} reviews", file=log)
                bench.perplexity.append(perplexity(label, path, reviews, threads))
    bench.notes.append(
        "measured on a 2-core machine shared with other jobs: absolute figures are noisy; the "
        "ratios come from round-robin runs in one process and are the more reliable part"
    )
    return bench


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the Markdown tables; optionally write all figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m dialogue.bench.generators", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per backend (median reported)")
    parser.add_argument("--new-tokens", type=int, default=40, help="max new tokens per generation")
    parser.add_argument("--questions", type=int, default=40, help="SubjQA dev questions (0: skip quality)")
    parser.add_argument("--no-gemma", action="store_true", help="leave Gemma 3 270M out")
    parser.add_argument(
        "--copies",
        default="",
        help="comma-separated extra GGUF types to run SmolLM2 as (q4_0, bf16) for comparison",
    )
    parser.add_argument(
        "--perplexity-reviews", type=int, default=40, help="SubjQA dev reviews for perplexity (0: skip)"
    )
    parser.add_argument("--subjqa", type=Path, default=DEFAULT_SUBJQA, help="SubjQA dev.csv")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    from dialogue.generation.requantize import KINDS

    copies = [kind.strip().lower() for kind in args.copies.split(",") if kind.strip()]
    unknown = [kind for kind in copies if kind not in KINDS]
    if unknown:
        parser.error(f"--copies: unknown type {unknown[0]!r}; expected some of {', '.join(KINDS)}")
    bench = run_generator_benchmark(
        runs=args.runs,
        new_tokens=args.new_tokens,
        questions=args.questions,
        gemma=not args.no_gemma,
        copies=copies,
        perplexity_reviews=args.perplexity_reviews,
        subjqa=args.subjqa,
    )
    print(bench.to_markdown())
    for quality in bench.quality:
        for question, generated, spoken in quality.examples:
            print(f"\n[{quality.model}] Q: {question}\n  generated: {generated!r}\n  spoken: {spoken!r}")
    if args.json:
        args.json.write_text(json.dumps(asdict(bench), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
