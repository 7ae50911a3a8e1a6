"""The voice renderer: locale strings, SSML escaping, natural numbers, length limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialogue.reply import Say
from dialogue.voice import renderer
from dialogue.voice.renderer import (
    LOCALES_DIR,
    LocaleError,
    escape_ssml,
    fit_speech,
    load_strings,
    render,
    speak_number,
    strip_ssml,
)


def test_every_locale_has_every_key() -> None:
    locales = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())
    assert {"en-US", "en-GB"} <= set(locales)
    keys = {locale: set(load_strings(locale)) for locale in locales}
    union = set().union(*keys.values())
    for locale, have in keys.items():
        assert not union - have, f"{locale} lacks {sorted(union - have)}"


def test_every_locale_file_family_exists_in_every_locale() -> None:
    families = {p.name: {f.name for f in p.glob('*.json')} for p in LOCALES_DIR.iterdir() if p.is_dir()}
    first = next(iter(families.values()))
    for locale, files in families.items():
        assert files == first, f"{locale} has files {sorted(files)}, expected {sorted(first)}"


@pytest.mark.parametrize(
    "hostile",
    ['<audio src="https://evil.example/x.mp3"/>', "Tom & Jerry", "</speak><speak>", "it's \"great\""],
)
def test_params_are_escaped_so_user_text_cannot_inject_tags(hostile: str) -> None:
    speech = render([Say("launch.welcome_back", {"name": hostile})], "en-US")
    assert "<" not in speech and ">" not in speech.replace("&gt;", "")
    assert "&" not in speech.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace(
        "&quot;", ""
    ).replace("&apos;", "")
    assert hostile in strip_ssml(speech)


def test_escape_ssml_escapes_all_five_characters() -> None:
    assert escape_ssml("<a href='x'>&\"") == "&lt;a href=&apos;x&apos;&gt;&amp;&quot;"


@pytest.mark.parametrize(
    ("value", "spoken"),
    [(4.3, "four point three"), (845, "845"), (4.0, "four"), (3.25, "three point two"), (0.5, "zero point five")],
)
def test_numbers_are_spoken_naturally(value: float, spoken: str) -> None:
    assert speak_number(value) == spoken


def test_numbers_in_params_are_spoken() -> None:
    strings = load_strings("en-US")
    key = next(k for k, v in strings.items() if "{name}" in v)
    assert "four point three" in render([Say(key, {"name": 4.3})], "en-US")


def test_unknown_key_and_missing_param_are_clear_errors() -> None:
    with pytest.raises(LocaleError, match="no string 'no.such.key'"):
        render([Say("no.such.key")], "en-US")
    with pytest.raises(LocaleError, match="needs parameters"):
        render([Say("launch.welcome_back")], "en-US")


def test_unknown_locale_falls_back_to_default() -> None:
    assert render([Say("goodbye")], "de-DE") == render([Say("goodbye")], "en-US")


def test_duplicate_key_across_files_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "xx-XX"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"k": "one"}))
    (folder / "b.json").write_text(json.dumps({"k": "two"}))
    monkeypatch.setattr(renderer, "LOCALES_DIR", tmp_path)
    renderer.load_strings.cache_clear()
    try:
        with pytest.raises(LocaleError, match="'k' is defined in both .*a.json and .*b.json"):
            renderer.load_strings("xx-XX")
    finally:
        renderer.load_strings.cache_clear()


def test_broken_locale_file_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "xx-XX"
    folder.mkdir()
    (folder / "core.json").write_text('{\n  "a": "b",\n  oops\n}')
    monkeypatch.setattr(renderer, "LOCALES_DIR", tmp_path)
    renderer.load_strings.cache_clear()
    try:
        with pytest.raises(LocaleError, match=r"core.json: line 3"):
            renderer.load_strings("xx-XX")
    finally:
        renderer.load_strings.cache_clear()


def test_long_speech_is_cut_at_a_sentence_within_alexas_limit() -> None:
    sentence = "This review says the battery lasts &amp; lasts. "
    speech = fit_speech(sentence * 400)
    assert len(speech) < 8000
    assert speech.endswith(".")
    assert not speech.endswith("&amp")


def test_strings_are_valid_ssml_fragments() -> None:
    import xml.etree.ElementTree as ET

    for locale in ("en-US", "en-GB"):
        for key, text in load_strings(locale).items():
            filled = text.replace("{", "").replace("}", "")
            ET.fromstring(f"<speak>{filled}</speak>")  # raises on a stray & or <


def test_overlong_speech_keeps_its_closing_question() -> None:
    long = "The battery lasts and lasts. " * 400
    speech = render([Say("launch.welcome_back", {"name": long}), Say("launch.prompt")], "en-US")
    assert len(speech) < 8000
    assert speech.endswith("lasts. What would you like to talk about?")
