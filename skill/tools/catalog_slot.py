"""Generate the PRODUCT slot type from the catalog: one value per product family, its name as
the value, its spoken names, listing names and aliases as synonyms, and the family id as the
value id (entity resolution hands the handler the family, which the linker resolves to its
most-reviewed listing). A listing without a family is a value of its own, keyed by its id."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from knowledge.families.derive import plan_families
from knowledge.model import Family, Product
from skill.intents import TYPE_PRODUCT
from skill.tools.model_files import language_model, load_model, save_model

_UNSPEAKABLE = re.compile(r"[^\w\s'.-]+")


def speakable(text: str) -> str:
    """A catalog name as a slot value: symbols Alexa cannot take dropped, spaces collapsed."""
    return " ".join(_UNSPEAKABLE.sub(" ", text).split())


def read_catalog_products(path: Path) -> list[Product]:
    """The products of a catalog JSONL file (lines with "type": "product"; other record types
    such as reviews are skipped). Bad lines are reported with file and line number."""
    products: list[Product] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: invalid JSON: {exc.msg}") from exc
            if not isinstance(record, dict) or record.get("type", "product") != "product":
                continue
            for field in ("id", "name"):
                if not isinstance(record.get(field), str) or not record[field].strip():
                    raise ValueError(f"{path}:{number}: product needs a non-empty {field!r}")
            aliases = record.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise ValueError(f"{path}:{number}: 'aliases' must be a list of strings")
            products.append(Product(id=record["id"], name=record["name"], aliases=tuple(aliases),
                                    brand=str(record.get("brand") or ""),
                                    category=str(record.get("category") or ""),
                                    family_id=str(record.get("family_id") or "")))
    return products


def with_families(products: Sequence[Product], families: Sequence[Family] = ()) -> tuple[list[Product], list[Family]]:
    """The products with a family each and the families they use (derived where missing,
    as an import would)."""
    plan = plan_families(products, {}, families)
    return list(plan.products), [*families, *plan.families]


def product_slot_values(products: Iterable[Product], families: Iterable[Family] = ()) -> list[dict[str, Any]]:
    """Slot type values, one per family (or per listing without one), sorted by id so
    regeneration is stable."""
    by_family = {f.id: f for f in families}
    groups: dict[str, list[Product]] = {}
    for product in products:
        family_id = product.family_id if product.family_id in by_family else ""
        groups.setdefault(family_id or product.id, []).append(product)
    values = []
    for value_id in sorted(groups):
        listings = sorted(groups[value_id], key=lambda p: p.id)
        family = by_family.get(value_id)
        name = speakable(family.name if family else listings[0].name)
        spoken = [*(family.spoken_names if family else ()),
                  *(text for p in listings for text in (p.name, *p.aliases))]
        synonyms: list[str] = []
        for text in spoken:
            said = speakable(text).lower()
            if said and said != name.lower() and said not in synonyms:
                synonyms.append(said)
        value: dict[str, Any] = {"value": name}
        if synonyms:
            value["synonyms"] = synonyms
        values.append({"id": value_id, "name": value})
    return values


def update_product_type(model_file: Path, products: Sequence[Product], families: Sequence[Family] = ()) -> int:
    """Rewrite the PRODUCT type of one model file; returns the number of values."""
    document = load_model(model_file)
    values = product_slot_values(products, families)
    types = language_model(document).setdefault("types", [])
    for slot_type in types:
        if slot_type.get("name") == TYPE_PRODUCT:
            slot_type["values"] = values
            break
    else:
        types.append({"name": TYPE_PRODUCT, "values": values})
    save_model(model_file, document)
    return len(values)
