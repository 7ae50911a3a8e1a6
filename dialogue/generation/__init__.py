"""Text generation for ShopTalk: one Generator protocol, several backends, grounding, cleaning.

`build_generator(config)` returns the backend DialogueConfig.generator names ("llama_cpp",
the default; "transformers"; "bedrock"; "none"). Every call runs under a time budget and never
raises for a model failure. `grounded_answer` and `small_talk` (dialogue.generation.compose) do
prompt -> generate -> clean -> ground in one call; `ground` and `clean_for_voice` are usable on
their own. Importing this package is cheap: models and heavy libraries load on first use.
"""

from dialogue.generation.base import Generation, GenerationRequest, Generator, Message
from dialogue.generation.cleaning import clean_for_voice
from dialogue.generation.compose import GeneratedText, grounded_answer, small_talk
from dialogue.generation.factory import build_generator
from dialogue.generation.grounding import GroundedText, SentenceCheck, ground

__all__ = [
    "GeneratedText",
    "Generation",
    "GenerationRequest",
    "Generator",
    "GroundedText",
    "Message",
    "SentenceCheck",
    "build_generator",
    "clean_for_voice",
    "ground",
    "grounded_answer",
    "small_talk",
]
