"""Generate the PRODUCT slot type from the catalog: one value per product, its speakable
name as the value, its aliases as synonyms and the catalog id as the value id (so entity
resolution hands the handler the product id directly)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from knowledge.model import Product
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
            products.append(Product(id=record["id"], name=record["name"], aliases=tuple(aliases)))
    return products


def product_slot_values(products: Iterable[Product]) -> list[dict[str, Any]]:
    """Slot type values for `products`, sorted by id so regeneration is stable."""
    values = []
    for product in sorted(products, key=lambda p: p.id):
        name = speakable(product.name)
        synonyms: list[str] = []
        for alias in product.aliases:
            spoken = speakable(alias)
            if spoken and spoken.lower() != name.lower() and spoken.lower() not in synonyms:
                synonyms.append(spoken.lower())
        value: dict[str, Any] = {"value": name}
        if synonyms:
            value["synonyms"] = synonyms
        values.append({"id": product.id, "name": value})
    return values


def update_product_type(model_file: Path, products: Sequence[Product]) -> int:
    """Rewrite the PRODUCT type of one model file; returns the number of values."""
    document = load_model(model_file)
    values = product_slot_values(products)
    types = language_model(document).setdefault("types", [])
    for slot_type in types:
        if slot_type.get("name") == TYPE_PRODUCT:
            slot_type["values"] = values
            break
    else:
        types.append({"name": TYPE_PRODUCT, "values": values})
    save_model(model_file, document)
    return len(values)
