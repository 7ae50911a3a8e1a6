"""The interaction model files: Alexa's build rules, agreement with skill/intents.py and
between locales, the PRODUCT type generated from the catalog, the tools that write them."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest

from skill import intents
from knowledge.model import Product
from skill.tools.catalog_slot import product_slot_values, read_catalog_products, update_product_type, with_families
from skill.tools.cli import DEFAULT_CATALOG
from skill.tools.model_files import (
    MODELS_DIR,
    carrier_phrase_problems,
    invocation_name_problems,
    language_model,
    load_model,
    model_problems,
    undefined_slot_problems,
)
from skill.tools.package import build_package

LOCALES = ("en-US", "en-GB")


@pytest.fixture(params=LOCALES)
def model(request: pytest.FixtureRequest) -> dict:
    return load_model(MODELS_DIR / f"{request.param}.json")


def test_model_files_exist_for_both_locales() -> None:
    assert sorted(p.stem for p in MODELS_DIR.glob("*.json")) == sorted(LOCALES)


def test_models_pass_every_offline_build_rule(model: dict) -> None:
    assert model_problems(model) == []


def test_invocation_name(model: dict) -> None:
    assert language_model(model)["invocationName"] == intents.INVOCATION_NAME
    assert invocation_name_problems(intents.INVOCATION_NAME) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("shoptalk", "at least two words"),
        ("Shop Talk", "lower-case"),
        ("open shop talk", "launch or wake words: open"),
        ("shop talk skill", "skill"),
        ("alexa shopper", "alexa"),
        ("shop talk 2", "lower-case"),
        ("talk for shop", ""),
        ("shopping for", "connecting word"),
    ],
)
def test_invocation_name_rules_catch_bad_names(name: str, problem: str) -> None:
    found = " ".join(invocation_name_problems(name))
    if problem:
        assert problem in found, f"{name!r}: {found!r}"
    else:
        assert found == ""


def test_searchquery_rule_catches_a_sample_without_carrier_phrase(model: dict) -> None:
    broken = copy.deepcopy(model)
    intent = next(i for i in language_model(broken)["intents"] if i["name"] == intents.PRODUCT_QUESTION)
    intent["samples"].append("{Query}")
    intent["samples"].append("{Query} and {Query}")
    problems = carrier_phrase_problems(broken)
    assert any("'{Query}' has no carrier phrase" in p for p in problems)
    assert any("2 SearchQuery slots" in p for p in problems)


def test_every_searchquery_sample_has_a_carrier_phrase(model: dict) -> None:
    assert carrier_phrase_problems(model) == []
    checked = 0
    for intent in language_model(model)["intents"]:
        phrase = {s["name"] for s in intent.get("slots", []) if s["type"] == "AMAZON.SearchQuery"}
        for sample in intent.get("samples", []):
            if any(f"{{{p}}}" in sample for p in phrase):
                checked += 1
                stripped = sample
                for p in phrase:
                    stripped = stripped.replace(f"{{{p}}}", "")
                assert stripped.strip(), sample
    assert checked > 20


def test_undefined_slot_references_are_caught(model: dict) -> None:
    broken = copy.deepcopy(model)
    language_model(broken)["intents"][0]["samples"].append("tell me about {Nope}")
    assert any("undeclared slot Nope" in p for p in undefined_slot_problems(broken))


def test_model_intents_and_slots_match_the_constants(model: dict) -> None:
    declared = {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in language_model(model)["intents"]}
    assert set(declared) == set(intents.ALL_INTENTS)
    for name, slots in declared.items():
        assert slots == dict(intents.INTENT_SLOTS[name]), name


def test_locales_declare_the_same_intents_slots_and_dialog() -> None:
    us, gb = (load_model(MODELS_DIR / f"{l}.json") for l in LOCALES)

    def shape(doc: dict) -> dict:
        return {i["name"]: sorted(s["name"] for s in i.get("slots", [])) for i in language_model(doc)["intents"]}

    assert shape(us) == shape(gb)
    assert json.dumps(us["interactionModel"]["dialog"], sort_keys=True) == json.dumps(
        gb["interactionModel"]["dialog"], sort_keys=True
    )


def test_custom_intents_have_rich_samples(model: dict) -> None:
    for intent in language_model(model)["intents"]:
        if intent["name"] in intents.CUSTOM_INTENTS:
            samples = intent["samples"]
            assert len(samples) >= 11, f"{intent['name']} has only {len(samples)} samples"
            assert len(set(samples)) == len(samples), f"{intent['name']} repeats a sample"


def test_samples_are_speakable(model: dict) -> None:
    for intent_name, sample, _ in __import__("skill.tools.model_files", fromlist=["x"]).iter_samples(model):
        assert not any(ch.isdigit() for ch in sample), f"{intent_name}: numerals must be spelled: {sample!r}"
        assert sample == sample.strip() and "  " not in sample


def test_dialog_prompts_exist_and_rating_is_validated(model: dict) -> None:
    interaction = model["interactionModel"]
    prompt_ids = {p["id"] for p in interaction["prompts"]}
    for intent in interaction["dialog"]["intents"]:
        for slot in intent["slots"]:
            for prompt in slot.get("prompts", {}).values():
                assert prompt in prompt_ids
            for rule in slot.get("validations", []):
                assert rule["prompt"] in prompt_ids
        for prompt in intent.get("prompts", {}).values():
            assert prompt in prompt_ids
    review = next(i for i in interaction["dialog"]["intents"] if i["name"] == intents.LEAVE_REVIEW)
    rating = next(s for s in review["slots"] if s["name"] == intents.SLOT_RATING)
    assert rating["validations"][0]["values"] == ["1", "2", "3", "4", "5"]


def test_product_type_is_generated_from_the_demo_catalog(model: dict) -> None:
    products, families = with_families(read_catalog_products(DEFAULT_CATALOG))
    product_type = next(t for t in language_model(model)["types"] if t["name"] == intents.TYPE_PRODUCT)
    assert product_type["values"] == product_slot_values(products, families), (
        "PRODUCT is stale: run `python -m skill model products`"
    )
    ids = {v["id"] for v in product_type["values"]}
    assert ids == {p.family_id for p in products}


def test_products_command_rewrites_the_type_idempotently(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text(
        json.dumps({"type": "product", "id": "p1", "name": "Widget (Pro)", "aliases": ["the widget", "widget pro"]})
        + "\n"
        + json.dumps({"type": "review", "id": "r1", "product_id": "p1"})
        + "\n"
    )
    products, families = with_families(read_catalog_products(catalog))
    for _ in range(2):
        assert update_product_type(models / "en-US.json", products, families) == 1
    values = next(t for t in language_model(load_model(models / "en-US.json"))["types"] if t["name"] == "PRODUCT")["values"]
    assert values == [{"id": "fam-widget", "name": {"value": "Widget", "synonyms": ["widget pro", "the widget"]}}]


def test_listings_of_one_family_are_one_value_with_their_names_as_synonyms() -> None:
    listings = [
        Product("a", "Fire HD 8 Tablet, 16 GB - Includes Special Offers, Blue", brand="Amazon"),
        Product("b", "Fire HD 8 Tablet, 32 GB - Includes Special Offers, Black", brand="Amazon"),
        Product("c", "Fire HD 8 Kids Edition Tablet, 32 GB, Blue Kid-Proof Case", brand="Amazon"),
    ]
    products, families = with_families(listings)
    values = {v["id"]: v["name"] for v in product_slot_values(products, families)}
    assert set(values) == {"fam-fire-hd-8", "fam-fire-hd-8-kids-edition"}
    assert values["fam-fire-hd-8"]["value"] == "Fire HD 8"
    assert "fire hd 8 tablet 16 gb - includes special offers blue" in values["fam-fire-hd-8"]["synonyms"]


def test_bad_catalog_line_is_reported_with_file_and_line(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text('{"type": "product", "id": "p1", "name": "A"}\n{"type": "product", "id": "p2"}\n')
    with pytest.raises(ValueError, match=r"catalog.jsonl:2: product needs a non-empty 'name'"):
        read_catalog_products(catalog)


def test_skill_package_is_ask_cli_shaped(tmp_path: Path) -> None:
    out = tmp_path / "skill-package"
    written = build_package(out, endpoint_url="https://example.ngrok.app/alexa")
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "interactionModels/custom/en-GB.json",
        "interactionModels/custom/en-US.json",
        "skill.json",
    ]
    manifest = json.loads((out / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {
        "uri": "https://example.ngrok.app/alexa",
        "sslCertificateType": "Wildcard",
    }
    assert {"type": "CAN_FULFILL_INTENT_REQUEST"} in manifest["apis"]["custom"]["interfaces"]
    assert set(manifest["publishingInformation"]["locales"]) == set(LOCALES)
    for locale in LOCALES:
        phrases = manifest["publishingInformation"]["locales"][locale]["examplePhrases"]
        assert phrases[0] == "Alexa, open shop talk"
        copied = json.loads((out / "interactionModels" / "custom" / f"{locale}.json").read_text())
        assert copied == load_model(MODELS_DIR / f"{locale}.json")


def test_package_command_writes_the_package(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "skill-package"
    result = subprocess.run(
        [sys.executable, "-m", "skill", "model", "package", "--out", str(out), "--endpoint", "https://x.example/alexa",
         "--certificate", "Trusted"],
        capture_output=True, text=True, cwd=MODELS_DIR.parent, check=True,
    )
    assert "skill.json" in result.stdout
    endpoint = json.loads((out / "skill.json").read_text())["manifest"]["apis"]["custom"]["endpoint"]
    assert endpoint["sslCertificateType"] == "Trusted"
    check = subprocess.run([sys.executable, "-m", "skill", "model", "check"], capture_output=True, text=True, cwd=MODELS_DIR.parent)
    assert check.returncode == 0 and "en-US: ok" in check.stdout


def test_skill_package_needs_exactly_one_https_endpoint(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        build_package(tmp_path / "p", endpoint_url="http://example.com/alexa")
    with pytest.raises(ValueError, match="exactly one"):
        build_package(tmp_path / "p")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:shoptalk"
    build_package(tmp_path / "p", lambda_arn=arn)
    assert json.loads((tmp_path / "p" / "skill.json").read_text())["manifest"]["apis"]["custom"]["endpoint"] == {"uri": arn}


def test_products_command_reads_the_store(tmp_path: Path) -> None:
    import subprocess
    import sys

    from knowledge.config import KnowledgeConfig
    from knowledge.model import Product
    from knowledge.store import open_store

    store = open_store(KnowledgeConfig(data_dir=tmp_path / "data"))
    store.put_products([Product(id="new-gadget", name="New Gadget", aliases=("the gadget",))])
    store.close()
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    result = subprocess.run(
        [sys.executable, "-m", "skill", "model", "products", "--from-store", "--data-dir", str(tmp_path / "data"),
         "--models-dir", str(models)],
        capture_output=True, text=True, cwd=MODELS_DIR.parent, check=True,
    )
    assert "en-GB: PRODUCT has 21 values" in result.stdout
    for locale in LOCALES:
        values = next(t for t in language_model(load_model(models / f"{locale}.json"))["types"] if t["name"] == "PRODUCT")["values"]
        assert {"id": "fam-new-gadget", "name": {"value": "New Gadget", "synonyms": ["the gadget"]}} in values


# Our bounds for model size, kept well inside the sizes Alexa accepts for a custom skill
# (tens of thousands of custom slot values): a model this size builds quickly and stays reviewable.
MAX_SLOT_VALUES_PER_SKILL = 10_000
MAX_SAMPLES_PER_INTENT = 500
MAX_PHRASE_CHARS = 140


def _shape(sample: str) -> str:
    """A sample with its slot names blanked: two intents must not share one shape."""
    return re.sub(r"\{\w+\}", "{}", " ".join(sample.lower().split()))


def test_no_sample_is_shared_by_two_intents(model: dict) -> None:
    owner: dict[str, str] = {}
    for intent in language_model(model)["intents"]:
        for sample in intent.get("samples", []):
            shape = _shape(sample)
            assert owner.setdefault(shape, intent["name"]) == intent["name"], (
                f"{sample!r} is a sample of both {owner[shape]} and {intent['name']}")


def test_model_sizes_stay_within_bounds(model: dict) -> None:
    lm = language_model(model)
    values = [v for t in lm.get("types", []) for v in t["values"]]
    synonyms = sum(len(v["name"].get("synonyms", ())) for v in values)
    assert len(values) + synonyms <= MAX_SLOT_VALUES_PER_SKILL
    for value in values:
        assert len(value["name"]["value"]) <= MAX_PHRASE_CHARS
    for intent in lm["intents"]:
        assert len(intent.get("samples", [])) <= MAX_SAMPLES_PER_INTENT, intent["name"]


def test_the_catch_all_carries_open_speech_in_a_varied_phrase_slot(model: dict) -> None:
    lm = language_model(model)
    converse = next(i for i in lm["intents"] if i["name"] == intents.CONVERSE)
    assert "{Utterance}" in converse["samples"]
    phrase = next(t for t in lm["types"] if t["name"] == intents.TYPE_PHRASE)
    values = [v["name"]["value"] for v in phrase["values"]]
    assert len(values) >= 200 and len(set(values)) == len(values)
    assert len({len(v.split()) for v in values}) >= 4  # short and long phrases alike
