"""Product families: title keys, spoken names, derivation on import, editing and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from knowledge.cli import main
from knowledge.families.derive import family_id_for_key, plan_families
from knowledge.families.editing import FamilyEditError, merge, rename, split
from knowledge.families.titles import family_key, spoken_names, variant_label, variant_words
from knowledge.importers import ImportOptions, export_store, import_files
from knowledge.model import Family, FamilyOrigin, Product
from knowledge.store.sqlite import SQLiteStore


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ('All-New Fire HD 8 Tablet, 8" HD Display, Wi-Fi, 32 GB - Includes Special Offers, Black', "fire hd 8"),
        ("Fire HD 8 Tablet with Alexa, 8 HD Display, 16 GB, Tangerine - with Special Offers", "fire hd 8"),
        ("Fire HD 8 Kids Edition Tablet, 8 Display, 32 GB, Blue Kid-Proof Case", "fire hd 8 kids edition"),
        ("Amazon Echo Show Alexa-enabled Bluetooth Speaker with 7\" Screen", "echo show"),
        ("Echo Show 8 (2nd Gen) HD smart display", "echo show 8"),
        ("Amazon - Kindle Voyage - 6\" - 4GB - Wi-Fi + 3G - Black", "kindle voyage"),
        ("Brand New Amazon Kindle Fire 16gb 7\" Ips Display Tablet Wifi 16 Gb Blue", "kindle fire"),
        ("Echo Dot (5th Gen, 2022 release) smart speaker - Charcoal", "echo dot"),
        ("Certified Refurbished Echo Dot (3rd Gen) - Sandstone", "echo dot"),
    ],
)
def test_the_family_key_keeps_what_names_the_product(title: str, key: str) -> None:
    assert family_key(title, "Amazon") == key


def test_titles_of_works_keep_every_word() -> None:
    assert family_key("Kind of Blue", category="music") == "kind of blue"
    assert family_key("Kind of Blue") == "kind of blue"  # a short title keeps colour words
    assert spoken_names(["Salt, Fat, Acid, Heat"], category="books")[0] == "Salt, Fat, Acid, Heat"


def test_spoken_names_are_what_people_say() -> None:
    assert spoken_names(["Amazon Tap - Alexa-Enabled Portable Bluetooth Speaker"], "Amazon")[0] == "Amazon Tap"
    assert spoken_names(["Amazon - Echo Plus w/ Built-In Hub - Silver"], "Amazon") == ("Echo Plus",)
    assert spoken_names(["Fire Tablet, 7 Display, Wi-Fi, 16 GB - Includes Special Offers, Black"])[0] == "Fire Tablet"
    charger = "Amazon 9W PowerFast Official OEM USB Charger and Power Adapter for Fire Tablets and Kindle eReaders"
    assert spoken_names([charger], "Amazon")[0] == "PowerFast Charger"


def test_a_listing_is_told_apart_by_its_variant() -> None:
    title = 'All-New Fire HD 8 Tablet, 8" HD Display, Wi-Fi, 16 GB - Includes Special Offers, Magenta'
    assert variant_label(title) == "16 GB, Magenta"
    assert variant_words(title) == {"16gb", "magenta"}
    assert variant_label("Kindle Voyage - 4GB - Wi-Fi + 3G - Black") == "4 GB, 3G, Black"


def _listing(pid: str, name: str, family_id: str = "") -> Product:
    return Product(id=pid, name=name, brand="Amazon", category="devices", family_id=family_id)


def test_planning_keeps_stored_families_follows_merges_and_parent_ids() -> None:
    products = [
        _listing("a", "Fire HD 8 Tablet, 16 GB, Blue"),
        _listing("b", "Fire HD 8 Tablet, 32 GB, Black"),
        _listing("c", "Kindle Oasis E-reader with Leather Cover - Merlot"),
        _listing("d", "Echo Show 8", family_id="fam-parent-b07"),
    ]
    merged = Family("fam-fire", "Fire", absorbed=("fam-fire-hd-8",))
    plan = plan_families(products, {"c": "fam-edited"}, [merged, Family("fam-edited", "Oasis")])
    assert {p.id: p.family_id for p in plan.products} == {
        "a": "fam-fire", "b": "fam-fire", "c": "fam-edited", "d": "fam-parent-b07"}
    assert [(f.id, f.name, f.origin) for f in plan.families] == [
        ("fam-parent-b07", "Echo Show 8", FamilyOrigin.PARENT)]
    assert family_id_for_key("fire hd 8") == "fam-fire-hd-8"


@pytest.fixture
def catalog(tmp_path: Path) -> SQLiteStore:
    lines = [
        {"type": "product", "id": "blue16", "name": "Fire HD 8 Tablet, 16 GB - Includes Special Offers, Blue", "brand": "Amazon"},
        {"type": "product", "id": "black32", "name": "Fire HD 8 Tablet, 32 GB - Includes Special Offers, Black", "brand": "Amazon"},
        {"type": "product", "id": "kids", "name": "Fire HD 8 Kids Edition Tablet, 32 GB, Blue Kid-Proof Case", "brand": "Amazon"},
        {"type": "product", "id": "show", "name": "Echo Show", "brand": "Amazon"},
        {"type": "product", "id": "show8", "name": "Echo Show 8 (3rd Gen)", "brand": "Amazon"},
        {"type": "review", "product_id": "blue16", "rating": 5, "text": "Great screen."},
        {"type": "review", "product_id": "black32", "rating": 4, "text": "Good battery."},
        {"type": "review", "product_id": "kids", "rating": 2, "text": "Case too bulky."},
    ]
    path = tmp_path / "catalog.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    report = import_files(store, [path], ImportOptions(progress=False))
    assert report.families_new == 4
    return store


def test_import_groups_listings_without_merging_different_products(catalog: SQLiteStore) -> None:
    family_of = {p.id: p.family_id for p in catalog.list_products()}
    assert family_of["blue16"] == family_of["black32"] == "fam-fire-hd-8"
    assert family_of["kids"] == "fam-fire-hd-8-kids-edition"
    assert family_of["show"] != family_of["show8"]
    stats = catalog.family_stats("fam-fire-hd-8")
    assert (stats.review_count, stats.average_rating) == (2, 4.5)


def test_export_and_reimport_keep_families_and_edits(catalog: SQLiteStore, tmp_path: Path) -> None:
    rename(catalog, "fam-fire-hd-8", "Fire HD Eight", add_spoken=["the hd 8"])
    out = io.StringIO()
    export_store(catalog, out)
    path = tmp_path / "export.jsonl"
    path.write_text(out.getvalue())
    again = SQLiteStore(tmp_path / "again.sqlite")
    import_files(again, [path], ImportOptions(progress=False))
    assert again.list_families() == catalog.list_families()
    assert {p.id: p.family_id for p in again.list_products()} == {p.id: p.family_id for p in catalog.list_products()}
    edited = again.get_family("fam-fire-hd-8")
    assert edited is not None and edited.name == "Fire HD Eight" and "the hd 8" in edited.spoken_names


def test_merge_split_and_rename(catalog: SQLiteStore) -> None:
    result = merge(catalog, "Fire HD 8", ["fam-fire-hd-8-kids-edition"])
    assert result.moved == 1 and catalog.get_family("fam-fire-hd-8-kids-edition") is None
    assert catalog.family_stats("fam-fire-hd-8").review_count == 3
    with pytest.raises(FamilyEditError, match="into itself"):
        merge(catalog, "fam-fire-hd-8", ["fam-fire-hd-8"])
    created = split(catalog, "fam-fire-hd-8", ["kids"], "Fire HD 8 Kids Edition").family
    assert created.id == "fam-fire-hd-8-kids-edition"
    left = catalog.get_family("fam-fire-hd-8")
    assert left is not None and created.id not in left.absorbed
    with pytest.raises(FamilyEditError, match="not a listing"):
        split(catalog, "fam-fire-hd-8", ["show"], "Other")
    with pytest.raises(FamilyEditError, match="every listing"):
        split(catalog, "fam-fire-hd-8", ["blue16", "black32"], "Other")
    with pytest.raises(FamilyEditError, match="no family"):
        rename(catalog, "fam-nope", "x")


def _cli(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--data-dir", str(tmp_path), "-q", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_families_cli_lists_edits_and_fails_clearly(catalog: SQLiteStore, tmp_path: Path) -> None:
    catalog.close()
    code, out, _ = _cli(tmp_path, "families", "list", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and rows["fam-fire-hd-8"]["review_count"] == 2
    assert [li["variant"] for li in rows["fam-fire-hd-8"]["listings"]] == ["16 GB, Blue", "32 GB, Black"]
    code, out, _ = _cli(tmp_path, "families", "merge", "fam-fire-hd-8", "fam-fire-hd-8-kids-edition")
    assert code == 0 and "1 listing(s) moved" in out
    code, _, err = _cli(tmp_path, "families", "show", "fam-nope")
    assert code == 1 and err.strip() == "error: no family 'fam-nope' (see `families list`)"
    code, _, err = _cli(tmp_path, "families", "rename", "fam-fire-hd-8")
    assert code == 2 and "give a new NAME" in err
    code, _, err = _cli(tmp_path, "families", "split", "fam-fire-hd-8", "kids")
    assert code == 2 and "--name" in err


@pytest.mark.usefixtures("shared_dir")
def test_the_datafiniti_file_has_its_families(shared_data: Path, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite")
    import_files(store, [shared_data / "reviews" / "datafiniti_amazon_devices.csv"], ImportOptions(progress=False))
    listings = {f.name: len(store.listings_of(f.id)) for f in store.list_families()}
    assert listings["Fire HD 8"] == 6 and listings["Echo Show"] == 2 and listings["Kindle Voyage"] == 2
    assert listings["Kindle Oasis"] == 2 and listings["Fire Kids Edition"] == 2 and "Amazon Tap" in listings
    assert store.family_stats("fam-fire-hd-8").review_count == 1069


def test_a_source_parent_id_groups_listings_into_one_family(tmp_path: Path) -> None:
    rows = [
        {"asin": "B001", "parent_asin": "P900", "question": "Does it fit a 2019 model?", "answer": "Yes."},
        {"asin": "B002", "parent_asin": "P900", "question": "Is the red one brighter?", "answer": "No."},
        {"asin": "B003", "question": "Is it loud?", "answer": "Very."},
    ]
    path = tmp_path / "qa_Appliances.json"
    path.write_text("".join(repr(r) + "\n" for r in rows))
    store = SQLiteStore(tmp_path / "s.sqlite")
    import_files(store, [path], ImportOptions(progress=False))
    family_of = {p.id: p.family_id for p in store.list_products()}
    assert family_of["B001"] == family_of["B002"] == "fam-p900" != family_of["B003"]
    parent = store.get_family("fam-p900")
    assert parent is not None and parent.origin is FamilyOrigin.PARENT


def test_the_aspects_cli_shows_a_family_and_fails_clearly(catalog: SQLiteStore, tmp_path: Path) -> None:
    catalog.close()
    code, out, _ = _cli(tmp_path, "aspects", "Fire HD 8", "--json")
    report = json.loads(out)
    assert code == 0 and report["family"] == "fam-fire-hd-8" and report["reviews"] == 2
    by_aspect = {a["aspect"]: a for a in report["aspects"]}
    assert by_aspect["screen"]["positive"] == 1 and by_aspect["battery"]["positive_share"] == 1.0
    code, out, _ = _cli(tmp_path, "aspects", "fam-fire-hd-8")
    assert code == 0 and "screen" in out and "100% positive" in out
    code, _, err = _cli(tmp_path, "aspects", "nope")
    assert code == 1 and "no family 'nope'" in err
    code, _, err = _cli(tmp_path, "aspects")
    assert code == 2 and "--reanalyse" in err
    code, out, _ = _cli(tmp_path, "aspects", "--reanalyse")
    assert code == 0 and out.strip() == "analysed 3 reviews"
