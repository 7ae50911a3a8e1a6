"""Convert the SmolLM2 GGUF file into a plain fp32 transformers checkpoint, once, into a cache.

transformers can read the GGUF file itself (`from_pretrained(dir, gguf_file=...)`), but it
de-quantises every tensor on each load, about 35 s on 2 cores. We do that once, with progress
shown, and save an fp32 copy (model + tokenizer) under the model cache; later loads take under
a second. The model loaded from GGUF is marked as quantised, which makes `save_pretrained`
refuse it, so the copy is rebuilt from its config and state dict before saving. The cache
folder is written under a temporary name and renamed when complete, so a crash never leaves
a half-written cache that would be trusted later.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from dialogue.generation.models import DEFAULT_MODEL, ModelSpec

LOG = logging.getLogger(__name__)
CONVERSION_STEPS = ("read GGUF", "rebuild fp32", "save model", "save tokenizer")
STALE_AFTER_S = 600.0  # a conversion takes about 35 s; older work folders were abandoned


def cached_checkpoint_dir(cache_dir: Path, model: ModelSpec = DEFAULT_MODEL) -> Path:
    """Where the fp32 copy of `model` lives inside `cache_dir`."""
    return cache_dir / f"{model.key}-fp32"


def is_converted(cache_dir: Path, model: ModelSpec = DEFAULT_MODEL) -> bool:
    """True when a complete fp32 copy is in the cache."""
    target = cached_checkpoint_dir(cache_dir, model)
    return (target / "config.json").is_file() and any(target.glob("*.safetensors"))


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def ensure_converted(
    cache_dir: Path, model: ModelSpec = DEFAULT_MODEL, progress: bool = True
) -> Path:
    """The fp32 checkpoint folder of `model`, converting the GGUF file first if needed."""
    target = cached_checkpoint_dir(cache_dir, model)
    if is_converted(cache_dir, model):
        return target
    _offline()
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = model.gguf_path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(cache_dir, target.name)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache_dir))
    bar = tqdm(
        total=len(CONVERSION_STEPS),
        desc=f"converting {gguf.name} to an fp32 cache (one time, about 35 s)",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        bar.set_postfix_str(CONVERSION_STEPS[0])
        quantized = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
        )
        bar.update()
        bar.set_postfix_str(CONVERSION_STEPS[1])
        config = quantized.config
        if hasattr(config, "quantization_config"):
            delattr(config, "quantization_config")
        plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        plain.load_state_dict(quantized.state_dict())
        del quantized
        bar.update()
        bar.set_postfix_str(CONVERSION_STEPS[2])
        plain.save_pretrained(str(work))
        bar.update()
        bar.set_postfix_str(CONVERSION_STEPS[3])
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        tokenizer.save_pretrained(str(work))
        bar.update()
        try:
            work.rename(target)
        except OSError:
            if not is_converted(cache_dir, model):  # not a concurrent conversion that won
                raise
    finally:
        bar.close()
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    LOG.info("cached fp32 copy of %s in %s", model.title, target)
    return target


def _remove_abandoned(cache_dir: Path, name: str) -> None:
    """Delete work folders of conversions that died mid-way (process killed at exit)."""
    now = time.time()
    for folder in cache_dir.glob(f".{name}.*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
