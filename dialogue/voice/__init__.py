"""Voice rendering: locale strings by key -> SSML-safe speech (see renderer.py)."""

from dialogue.voice.renderer import (
    MAX_SPEECH_CHARS,
    LocaleError,
    escape_ssml,
    fit_speech,
    load_strings,
    render,
    speak_number,
    strip_ssml,
)

__all__ = [
    "MAX_SPEECH_CHARS",
    "LocaleError",
    "escape_ssml",
    "fit_speech",
    "load_strings",
    "render",
    "speak_number",
    "strip_ssml",
]
