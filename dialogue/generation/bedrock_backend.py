"""The hosted backend: Amazon Bedrock through boto3's Converse API.

For deployments that prefer a hosted model to one in the process. The boto3 client is created
on first use (boto3 is imported only then). The call runs on a worker thread and the turn waits
for it only within the budget; a slow or failing service yields a timed-out or error
Generation (never an exception), so the caller speaks the extractive answer. Late replies are
discarded; botocore's own read timeout ends the abandoned call soon after.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from dialogue.generation.base import Deadline, Generation, GenerationRequest
from dialogue.generation.text import strip_template_tokens

NAME = "bedrock"
_STOP_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}


def converse_arguments(model_id: str, request: GenerationRequest) -> dict[str, Any]:
    """The keyword arguments of `bedrock-runtime.converse` for `request`.

    Converse wants the system text apart and the conversation to start with a user turn;
    blank messages are left out because the service rejects empty text blocks.
    """
    messages = [
        {"role": m.role, "content": [{"text": m.content}]}
        for m in request.messages
        if m.role != "system" and m.content.strip()
    ]
    if not messages or messages[0]["role"] != "user":
        messages.insert(0, {"role": "user", "content": [{"text": "Hello."}]})
    inference: dict[str, Any] = {
        "maxTokens": request.max_new_tokens,
        "temperature": request.temperature,
    }
    if request.stop:
        inference["stopSequences"] = list(request.stop)
    arguments: dict[str, Any] = {
        "modelId": model_id,
        "messages": messages,
        "inferenceConfig": inference,
    }
    if request.system.strip():
        arguments["system"] = [{"text": request.system}]
    return arguments


def reply_text(response: dict[str, Any]) -> str:
    """The text blocks of a Converse response's output message, joined."""
    content = response.get("output", {}).get("message", {}).get("content", [])
    return "".join(block.get("text", "") for block in content if isinstance(block, dict))


class BedrockGenerator:
    """Generator backed by a Bedrock model (Amazon Nova Micro by default) via Converse."""

    def __init__(
        self,
        model_id: str,
        region: str,
        read_timeout_s: float = 3.0,
        client: Any | None = None,
    ) -> None:
        self.model_id = model_id
        self.region = region
        self._read_timeout_s = read_timeout_s
        self._client = client
        self._client_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bedrock")

    @property
    def name(self) -> str:
        """The backend name used in DialogueConfig.generator."""
        return NAME

    def client(self) -> Any:
        """The bedrock-runtime client, created on first use with short timeouts and one try."""
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.client(
                    "bedrock-runtime",
                    region_name=self.region,
                    config=Config(
                        connect_timeout=2,
                        read_timeout=self._read_timeout_s,
                        retries={"max_attempts": 1, "mode": "standard"},
                    ),
                )
            return self._client

    def warm_up(self) -> None:
        """Create the client (credentials and endpoint are resolved now, not mid-turn)."""
        self.client()

    def generate(self, request: GenerationRequest) -> Generation:
        """One Converse call, waited for within `request.budget_s`."""
        deadline = Deadline(request.budget_s)
        try:
            future: Future[dict[str, Any]] = self._pool.submit(
                lambda: self.client().converse(**converse_arguments(self.model_id, request))
            )
            response = future.result(timeout=deadline.remaining())
        except FutureTimeout:
            future.cancel()
            return Generation("", 0, deadline.elapsed(), NAME, timed_out=True, finish_reason="timeout")
        except Exception as exc:  # noqa: BLE001 - service and client errors mean: fall back
            return Generation(
                "", 0, deadline.elapsed(), NAME, error=f"bedrock converse failed: {exc}",
                finish_reason="error",
            )
        text = strip_template_tokens(reply_text(response))
        tokens = int(response.get("usage", {}).get("outputTokens", 0))
        finish = _STOP_REASONS.get(str(response.get("stopReason", "end_turn")), "error")
        error = None
        if finish == "error":
            error = f"bedrock stopped with {response.get('stopReason')!r}"
            text = ""
        return Generation(
            text=text,
            tokens=tokens,
            elapsed_s=deadline.elapsed(),
            backend=NAME,
            error=error,
            finish_reason=finish if text or error else "empty",
        )
