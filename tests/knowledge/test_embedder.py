"""The MiniLM embedder: precision choice, and bf16 vectors that keep the fp32 geometry."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.index import embedder
from knowledge.index.embedder import PRECISION_ENV, EmbedderError, embed, precision

TEXTS = (
    "The warm light makes reading in bed at night easy on the eyes.",
    "Battery life is excellent; I charge it every three weeks.",
    "The speaker sounds muddy at high volume and the bass distorts.",
    "Shipping took two weeks and the box arrived dented.",
    "Alexa understands my kids even from the next room.",
    "It is light enough to hold with one hand for hours.",
)


def test_precision_follows_the_environment_and_names_a_bad_value() -> None:
    assert precision({PRECISION_ENV: "fp32"}) == "fp32"
    assert precision({PRECISION_ENV: " BF16 "}) == "bf16"
    native = "bf16" if embedder._native_bf16() else "fp32"
    assert precision({}) == native
    assert precision({PRECISION_ENV: "auto"}) == native
    with pytest.raises(EmbedderError, match=f"{PRECISION_ENV} must be one of auto, fp32, bf16, not 'fp16'"):
        precision({PRECISION_ENV: "fp16"})


def test_bf16_vectors_are_unit_length_and_within_cosine_0999_of_fp32(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PRECISION_ENV, "fp32")
    exact = embed(TEXTS)
    monkeypatch.setenv(PRECISION_ENV, "bf16")
    fast = embed(TEXTS)
    assert fast.dtype == np.float32 and fast.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert (fast * exact).sum(axis=1).min() > 0.999
    # A query ranks the texts the same way in both precisions.
    monkeypatch.setenv(PRECISION_ENV, "fp32")
    query_exact = embed(["is it good for reading at night"])[0]
    monkeypatch.setenv(PRECISION_ENV, "bf16")
    query_fast = embed(["is it good for reading at night"])[0]
    assert np.argsort(-exact @ query_exact)[:3].tolist() == np.argsort(-fast @ query_fast)[:3].tolist()
