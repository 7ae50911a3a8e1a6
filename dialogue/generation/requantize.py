"""A Q8_0 copy of a Q4_1 GGUF file, made once into the model cache, for faster prompts.

llama.cpp's batched matrix kernels (llamafile sgemm) cover Q8_0 but not Q4_1, so the prompt of a
grounded answer, which dominates a short answer's latency, is processed about 1.8x faster from a
Q8_0 copy (measured here on one busy core: first token 0.47 s instead of 0.87 s) while decoding
stays as fast. Re-quantizing *up* from 4 to 8 bits keeps the Q4_1 weights almost exactly (each
Q4_1 value is representable to within 1/254 of its block's range), so it is the same model.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from dialogue.generation.models import ModelFileError


def q8_copy(source: Path, cache_dir: Path) -> Path:
    """`cache_dir`/<source stem>.q8_0.gguf, written once (atomically) from `source`."""
    target = cache_dir / f"{source.stem}.q8_0.gguf"
    if target.is_file():
        return target
    import llama_cpp

    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f".{target.name}.{os.getpid()}.partial"
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0
    params.allow_requantize = True
    params.nthread = 1
    try:
        status = llama_cpp.llama_model_quantize(
            str(source).encode(), str(partial).encode(), ctypes.byref(params)
        )
        if status != 0 or not partial.is_file():
            raise ModelFileError(f"could not convert {source} to Q8_0 (llama.cpp status {status})")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
