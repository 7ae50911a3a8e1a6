"""Builds every generator backend for the contract suite: real local models, Bedrock stubbed.

Bedrock is the only fake (an AWS service): botocore's Stubber answers each Converse call with
a response in the documented shape, after checking the request parameters we send (token
limit, temperature, stop sequences). A small simulated network latency lets the time-budget
case time out the way a slow service would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dialogue.generation.base import GenerationRequest, Generator
from dialogue.generation.bedrock_backend import BedrockGenerator, converse_arguments

BEDROCK_MODEL = "amazon.nova-micro-v1:0"
BEDROCK_REPLY = "Reviewers say the battery lasts about two days and charging is slow."


def converse_response(text: str, output_tokens: int, stop_reason: str = "end_turn") -> dict[str, Any]:
    """A Converse API response in the documented shape."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop_reason,
        "usage": {"inputTokens": 42, "outputTokens": output_tokens, "totalTokens": 42 + output_tokens},
        "metrics": {"latencyMs": 120},
    }


def stubbed_bedrock(latency_s: float = 0.0) -> tuple[BedrockGenerator, Any]:
    """A BedrockGenerator on a real botocore client whose calls the returned Stubber answers."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    if latency_s:
        client.meta.events.register(
            "before-parameter-build.bedrock-runtime.Converse", lambda **_: time.sleep(latency_s)
        )
    stubber = Stubber(client)
    stubber.activate()
    return BedrockGenerator(BEDROCK_MODEL, "us-east-1", client=client), stubber


@dataclass
class Harness:
    """One backend under test plus how to prime it for a request.

    `expect(request)` queues the stubbed service reply for Bedrock (checking the parameters
    sent) and does nothing for local backends; `settle()` waits until an abandoned (timed
    out) Bedrock call has consumed its reply, so replies never go to the wrong call. `produces_text` is False for "none";
    `can_time_out` is False for "none", which answers at once.
    """

    generator: Generator
    expect: Callable[[GenerationRequest], None] = field(default=lambda request: None)
    settle: Callable[[], None] = field(default=lambda: None)
    produces_text: bool = True
    can_time_out: bool = True


def bedrock_harness(latency_s: float = 0.2) -> Harness:
    """The Bedrock backend with a stubbed service that honours maxTokens like the real one."""
    generator, stubber = stubbed_bedrock(latency_s)

    def expect(request: GenerationRequest) -> None:
        words = BEDROCK_REPLY.split()[: request.max_new_tokens]
        tokens = min(len(words), request.max_new_tokens)
        stop = "max_tokens" if tokens < len(BEDROCK_REPLY.split()) else "end_turn"
        stubber.add_response(
            "converse",
            converse_response(" ".join(words), tokens, stop),
            expected_params=converse_arguments(BEDROCK_MODEL, request),
        )

    def settle() -> None:
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                stubber.assert_no_pending_responses()
                return
            except AssertionError:
                time.sleep(0.01)

    return Harness(generator=generator, expect=expect, settle=settle)
