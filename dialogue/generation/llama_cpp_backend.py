"""The fast default backend: llama-cpp-python runs the GGUF file directly on the CPU.

Tokens are streamed on the backend's worker thread (see dialogue.generation.budget), so the
turn gets its answer, or what exists of it, when the time budget runs out, even while the
prompt is still being processed. The model loads once per process (about 0.3 s for
SmolLM2-135M) on a background thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.generation.base import Deadline, Generation, GenerationRequest
from dialogue.generation.budget import BudgetedWorker, Progress
from dialogue.generation.loading import LazyModel, ModelLoadError, default_threads
from dialogue.generation.models import DEFAULT_MODEL, ModelFileError, ModelSpec
from dialogue.generation.text import end_of_sentences, strip_template_tokens

if TYPE_CHECKING:
    from llama_cpp import Llama

NAME = "llama_cpp"
DEFAULT_CONTEXT = 1024


class LlamaCppGenerator:
    """Generator backed by llama.cpp on one GGUF model (SmolLM2-135M-Instruct by default)."""

    def __init__(
        self,
        model: ModelSpec = DEFAULT_MODEL,
        cache_dir: Path | None = None,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int | None = None,
        split_prefill: bool = True,
    ) -> None:
        self.model = model
        self._split_prefill = split_prefill
        self._cache_dir = cache_dir or Path.home() / ".shoptalk" / "models"
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self.threads: int | None = None  # the thread count chosen when the model loaded
        self.model_file: Path | None = None  # the GGUF file llama.cpp runs, once loaded
        self.prefill_file: Path | None = None  # the copy prompts run on, if any (split_prefill)
        self._llama: LazyModel[Llama] = LazyModel(self._load, f"{model.title} with llama.cpp")
        self._worker = BudgetedWorker(f"llama.cpp {model.key}")

    @property
    def name(self) -> str:
        """The backend name used in DialogueConfig.generator."""
        return NAME

    def _load(self) -> Llama:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelFileError(
                "llama-cpp-python is not installed (pip install -r requirements.txt; "
                "it compiles from source, about 12 minutes on 2 cores)"
            ) from exc
        source = self.model.gguf_path(self._cache_dir)
        path = source
        if self.model.run_as:
            from dialogue.generation.requantize import requantized_copy

            path = requantized_copy(source, self._cache_dir, self.model.run_as)
        self.model_file = path
        self.threads = self._n_threads or default_threads()
        options: dict[str, Any] = {
            "n_ctx": self._n_ctx,
            "n_threads": self.threads,
            # prompt processing; llama-cpp-python defaults to all cores
            "n_threads_batch": self.threads,
            # Flash attention: measured here (1 thread, load 5) the ~75 new prompt tokens took
            # 0.29 s instead of 0.43 s and a 40-token answer 0.58 s instead of 0.87 s.
            "flash_attn": True,
            "chat_format": self.model.chat_format,
            "verbose": False,
        }
        prefill = self._prefill_file(source)
        if prefill is None:
            return Llama(model_path=str(path), **options)
        from dialogue.generation.split_prefill import SplitPrefillLlama

        self.prefill_file = prefill
        return SplitPrefillLlama(model_path=str(path), prefill_model_path=str(prefill), **options)

    def _prefill_file(self, source: Path) -> Path | None:
        """The copy of `source` prompts are processed on, when the model names one and the CPU gains."""
        if not self.model.prefill_as or not self._split_prefill:
            return None
        from dialogue.generation.requantize import requantized_copy
        from dialogue.generation.split_prefill import native_bf16

        if self.model.prefill_as == "bf16" and not native_bf16():
            return None
        return requantized_copy(source, self._cache_dir, self.model.prefill_as)

    def warm_up(self) -> None:
        """Load the model now (raises ModelLoadError if it cannot be loaded)."""
        self._llama.get()

    def generate(self, request: GenerationRequest) -> Generation:
        """Stream up to `max_new_tokens` tokens; return what exists when the budget runs out."""
        deadline = Deadline(request.budget_s)
        try:
            llama = self._llama.get(timeout=deadline.remaining())
        except ModelLoadError as exc:
            return self._result("", 0, deadline, error=str(exc), finish="error")
        if llama is None:
            return self._result("", 0, deadline, timed_out=True, finish="timeout")
        outcome = self._worker.run(lambda progress: self._stream(llama, request, progress), deadline)
        if outcome.error is not None:
            return self._result(
                "", 0, deadline, error=f"llama.cpp failed: {outcome.error}", finish="error"
            )
        text = outcome.progress.text
        finish = outcome.finish if text.strip() or outcome.timed_out else "empty"
        return self._result(
            text,
            outcome.progress.tokens,
            deadline,
            timed_out=outcome.timed_out,
            finish=finish,
            first_token_s=outcome.progress.first_token_s,
        )

    def _stream(self, llama: Llama, request: GenerationRequest, progress: Progress) -> str:
        """Generate on the worker thread into `progress`; returns the finish reason."""
        chunks: Iterator[Any]
        # Ending the text early is made impossible for benchmarks (see GenerationRequest).
        no_eos = {llama.token_eos(): -1e9} if request.ignore_eos else None
        if self.model.chat_format is None:
            chunks = llama.create_completion(
                prompt=request.as_completion_prompt(),
                max_tokens=request.max_new_tokens,
                temperature=request.temperature,
                repeat_penalty=request.repetition_penalty,
                # A base model's answer ends at a blank line, unless the text may not end early.
                stop=[*request.stop] + ([] if request.ignore_eos else ["\n\n"]),
                logit_bias=no_eos,
                stream=True,
            )
        else:
            messages = request.messages if self.model.system_role else request.without_system()
            chunks = llama.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                max_tokens=request.max_new_tokens,
                temperature=request.temperature,
                repeat_penalty=request.repetition_penalty,
                stop=list(request.stop) or None,
                logit_bias=no_eos,
                stream=True,
            )
        finish = "stop"
        try:
            for chunk in chunks:
                choice = chunk["choices"][0]
                content = choice["delta"].get("content") if "delta" in choice else choice.get("text")
                if content:
                    progress.add(content)
                    if request.max_sentences is not None and _enough_sentences(
                        progress, request.max_sentences
                    ):
                        return "stop"
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
                elif progress.should_stop():
                    return "timeout"
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return finish

    def _result(
        self,
        text: str,
        tokens: int,
        deadline: Deadline,
        *,
        timed_out: bool = False,
        error: str | None = None,
        finish: str = "stop",
        first_token_s: float | None = None,
    ) -> Generation:
        return Generation(
            text=strip_template_tokens(text),
            tokens=tokens,
            elapsed_s=deadline.elapsed(),
            backend=NAME,
            timed_out=timed_out,
            error=error,
            finish_reason=finish,
            first_token_s=first_token_s,
        )


def _enough_sentences(progress: Progress, count: int) -> bool:
    """True (and the text cut there) once `progress` holds `count` complete sentences."""
    text = progress.text
    end = end_of_sentences(text, count)
    if end is None:
        return False
    progress.parts[:] = [text[:end]]
    return True
