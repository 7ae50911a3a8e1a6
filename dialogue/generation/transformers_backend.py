"""The portable backend and the speed baseline: transformers `generate` on the fp32 cache.

The model and tokenizer come from the fp32 copy that `conversion.ensure_converted` makes of
the SmolLM2 GGUF file (once, about 35 s); later processes load it in under a second. The time
budget is enforced twice: `generate` runs on the backend's worker thread and the turn waits
for it only until the deadline (dialogue.generation.budget), and a stopping criterion checked
after every decoding step makes the abandoned worker stop at its next token.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.generation.base import Deadline, Generation, GenerationRequest
from dialogue.generation.budget import BudgetedWorker, Progress
from dialogue.generation.conversion import ensure_converted
from dialogue.generation.loading import LazyModel, ModelLoadError, default_threads
from dialogue.generation.models import DEFAULT_MODEL, ModelSpec
from dialogue.generation.text import end_of_sentences, strip_template_tokens

if TYPE_CHECKING:
    import torch

NAME = "transformers"


@dataclass(frozen=True)
class LoadedModel:
    """A causal LM and its tokenizer, in eval mode on the CPU."""

    model: Any
    tokenizer: Any


def load_cached_model(
    cache_dir: Path, model: ModelSpec = DEFAULT_MODEL, threads: int | None = None
) -> LoadedModel:
    """Load the fp32 copy from the cache, converting the GGUF file first if needed.

    Sets torch's (process-wide) thread count to `threads`, by default the idle cores
    (loading.default_threads): oversubscribed torch threads are several times slower.
    """
    checkpoint = ensure_converted(cache_dir, model)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(threads or default_threads())
    lm = AutoModelForCausalLM.from_pretrained(str(checkpoint), dtype=torch.float32)
    lm.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(checkpoint))
    return LoadedModel(lm, tokenizer)


def _stop_criterion(
    progress: Progress,
    tokenizer: Any,
    prompt_length: int,
    stop: tuple[str, ...],
    max_sentences: int | None = None,
) -> Any:
    """A StoppingCriteria that ends generation when the caller gave up, the deadline passed or
    the text ends in a stop string or holds `max_sentences` complete sentences.

    Stop strings are checked on the decoded last few tokens here rather than with `generate`'s
    own `stop_strings`, which precomputes tables over the whole vocabulary on every call (about
    half a second for this model).
    """
    import torch
    from transformers import StoppingCriteria

    tail_tokens = 2 + max((len(s) for s in stop), default=0)

    class StopWhenDone(StoppingCriteria):
        def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> Any:
            progress.count()
            done = progress.should_stop()
            if not done and stop:
                tail = tokenizer.decode(input_ids[0, prompt_length:][-tail_tokens:])
                done = any(s in tail for s in stop)
            if not done and max_sentences is not None:
                new = tokenizer.decode(input_ids[0, prompt_length:], skip_special_tokens=True)
                done = end_of_sentences(new, max_sentences) is not None
            return torch.full((input_ids.shape[0],), done, dtype=torch.bool)

    return StopWhenDone()


class TransformersGenerator:
    """Generator backed by transformers on the cached fp32 SmolLM2-135M-Instruct."""

    def __init__(
        self, cache_dir: Path, model: ModelSpec = DEFAULT_MODEL, threads: int | None = None
    ) -> None:
        self.model = model
        self._cache_dir = cache_dir
        self._loaded: LazyModel[LoadedModel] = LazyModel(
            lambda: load_cached_model(cache_dir, model, threads), f"{model.title} with transformers"
        )
        self._worker = BudgetedWorker(f"transformers {model.key}")

    @property
    def name(self) -> str:
        """The backend name used in DialogueConfig.generator."""
        return NAME

    def warm_up(self) -> None:
        """Convert (first time only) and load the model now; raises ModelLoadError on failure."""
        self._loaded.get()

    def generate(self, request: GenerationRequest) -> Generation:
        """Greedy or sampled `generate`, stopped by `max_new_tokens`, stop strings or the budget."""
        deadline = Deadline(request.budget_s)
        try:
            loaded = self._loaded.get(timeout=deadline.remaining())
        except ModelLoadError as exc:
            return Generation("", 0, deadline.elapsed(), NAME, error=str(exc), finish_reason="error")
        if loaded is None:
            return Generation("", 0, deadline.elapsed(), NAME, timed_out=True, finish_reason="timeout")
        outcome = self._worker.run(
            lambda progress: self._generate(loaded, request, progress), deadline
        )
        if outcome.error is not None:
            return Generation(
                "", 0, deadline.elapsed(), NAME, error=f"transformers failed: {outcome.error}",
                finish_reason="error",
            )
        text = strip_template_tokens(outcome.progress.text)
        finish = outcome.finish if text or outcome.timed_out else "empty"
        return Generation(
            text=text,
            tokens=min(outcome.progress.tokens, request.max_new_tokens),
            elapsed_s=deadline.elapsed(),
            backend=NAME,
            timed_out=outcome.timed_out,
            finish_reason=finish,
            first_token_s=outcome.progress.first_token_s,
        )

    def _generate(self, loaded: LoadedModel, request: GenerationRequest, progress: Progress) -> str:
        """Run `generate` on the worker thread, leaving the text in `progress`; returns finish."""
        import torch
        from transformers import StoppingCriteriaList

        messages = request.messages if self.model.system_role else request.without_system()
        inputs = loaded.tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        prompt_length = inputs["input_ids"].shape[1]
        criterion = _stop_criterion(
            progress, loaded.tokenizer, prompt_length, request.stop, request.max_sentences
        )
        options: dict[str, Any] = {
            "max_new_tokens": request.max_new_tokens,
            "do_sample": not request.greedy,
            "pad_token_id": loaded.tokenizer.eos_token_id,
            "repetition_penalty": request.repetition_penalty,
            "stopping_criteria": StoppingCriteriaList([criterion]),
        }
        if request.ignore_eos:
            options["min_new_tokens"] = request.max_new_tokens
        if request.greedy:
            options.update(temperature=None, top_p=None, top_k=None)
        else:
            options["temperature"] = request.temperature
        with torch.inference_mode():
            output = loaded.model.generate(**inputs, **options)
        new_tokens = output[0, prompt_length:]
        eos = loaded.tokenizer.eos_token_id
        count = int(new_tokens.shape[0])
        if count and int(new_tokens[-1]) == eos:
            count -= 1
        text = loaded.tokenizer.decode(new_tokens, skip_special_tokens=True)
        for stop in request.stop:
            text = text.split(stop, 1)[0]
        if request.max_sentences is not None:
            end = end_of_sentences(text, request.max_sentences)
            if end is not None:
                text = text[:end]
                progress.parts[:] = [text]
                progress.tokens = count
                return "timeout" if progress.should_stop() else "stop"
        progress.parts[:] = [text]
        progress.tokens = count
        if progress.should_stop():
            return "timeout"
        return "length" if count >= request.max_new_tokens else "stop"
