"""Perplexity of a GGUF file on real reviews: how far a re-quantized copy moves the model.

The generator benchmark compares the file SmolLM2 ships as (Q4_1) with the copies llama.cpp
could run instead (Q8_0, the product's; Q4_0; bf16). Speed alone would pick the smallest copy;
perplexity on the same review text says whether it is still the same model.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_TOKENS_PER_TEXT = 400  # long reviews are cut; the context window stays small


@dataclass(frozen=True)
class PerplexityResult:
    """Perplexity of one model file over `texts` reviews (`tokens` predicted tokens)."""

    label: str
    file: str
    megabytes: float
    texts: int
    tokens: int
    perplexity: float


def dev_reviews(path: Path, limit: int) -> list[str]:
    """The first `limit` distinct reviews of a SubjQA CSV, in file order."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "review" not in reader.fieldnames:
            raise ValueError(f"{path}: column 'review' missing (line 1)")
        reviews: list[str] = []
        for row in reader:
            text = row["review"].replace(" ANSWERNOTFOUND", "").strip()
            if text and text not in reviews:
                reviews.append(text)
                if len(reviews) == limit:
                    break
    return reviews


def perplexity(label: str, model_file: Path, texts: Sequence[str], threads: int) -> PerplexityResult:
    """exp(mean negative log-likelihood) of every token after the first, text by text."""
    from llama_cpp import Llama

    llama = Llama(
        model_path=str(model_file),
        n_ctx=MAX_TOKENS_PER_TEXT + 8,
        n_threads=threads,
        n_threads_batch=threads,
        logits_all=True,
        verbose=False,
    )
    total_nll = 0.0
    predicted = 0
    for text in texts:
        tokens = llama.tokenize(text.encode("utf-8"), add_bos=True)[:MAX_TOKENS_PER_TEXT]
        if len(tokens) < 2:
            continue
        llama.reset()
        llama.eval(tokens)
        logits = np.asarray(llama.scores[: len(tokens) - 1], dtype=np.float64)
        top = logits.max(axis=1, keepdims=True)
        log_norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
        chosen = logits[np.arange(len(tokens) - 1), tokens[1:]]
        total_nll += float((log_norm - chosen).sum())
        predicted += len(tokens) - 1
    return PerplexityResult(
        label=label,
        file=model_file.name,
        megabytes=model_file.stat().st_size / 1e6,
        texts=len(texts),
        tokens=predicted,
        perplexity=float(np.exp(total_nll / predicted)) if predicted else float("nan"),
    )
