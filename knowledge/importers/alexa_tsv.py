"""The Kaggle "Amazon Alexa Reviews" TSV: rating, date, variation, verified_reviews, feedback.

The file names no products, only a "variation" per review ("Black  Dot", "Charcoal Fabric",
"Configuration: Fire TV Stick"). Each variation becomes one product with a stable id and a
readable name: "Black  Dot" -> "Echo Dot (Black)", "Charcoal Fabric" -> "Echo (Charcoal
Fabric)", "Configuration: Fire TV Stick" -> "Fire TV Stick". Rows with empty review text (79
in the public file) are invalid: there is nothing to search or speak.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from knowledge.ids import stable_id
from knowledge.importers.checks import RowCheck
from knowledge.importers.jsonl import review_id
from knowledge.importers.normalize import clean_text
from knowledge.importers.records import ParseResult
from knowledge.importers.sources import iter_csv_rows, missing_columns
from knowledge.progress import progress
from knowledge.model import Product, Provenance, Review

FORMAT = "alexa-tsv"
SOURCE = "alexa-tsv"
REQUIRED_COLUMNS = ("rating", "date", "variation", "verified_reviews")
_MODELS = ("Dot", "Plus", "Show", "Spot", "Input", "Studio", "Auto", "Flex")


def product_for_variation(variation: str) -> tuple[str, str, tuple[str, ...]]:
    """(product id, display name, aliases) of one "variation" value."""
    text = clean_text(variation)
    if ":" in text:
        text = text.split(":", 1)[1].strip()
        name = text
    else:
        words = text.split()
        if words and words[-1].capitalize() in _MODELS and len(words) > 1:
            name = f"Echo {words[-1].capitalize()} ({' '.join(words[:-1])})"
        elif text.lower().startswith(("echo", "fire")):
            name = text
        else:
            name = f"Echo ({text})"
    model = re.sub(r"\s*\(.*\)$", "", name)
    colour = name[len(model):].strip(" ()")
    candidates = (model.lower(), f"{colour} {model}".lower() if colour else "")
    aliases = tuple(dict.fromkeys(a for a in candidates if a and a != name.lower()))
    return stable_id("product", SOURCE, text), name, aliases


def parse(path: Path, show_progress: bool = False) -> ParseResult:
    """Read the Alexa reviews TSV into Echo-family products and their reviews."""
    result = ParseResult(path=path, format=FORMAT)
    name = str(path)
    header_error = missing_columns(path, "\t", REQUIRED_COLUMNS, "not the Amazon Alexa reviews TSV?")
    if header_error is not None:
        result.errors.append(header_error)
        return result
    products: dict[str, Product] = {}
    seen: Counter[str] = Counter()
    for line, row, cells in progress(iter_csv_rows(path, "\t"), path.name, show_progress):
        result.rows += 1
        check = RowCheck(name, line, "\t".join(cells))
        rating = check.rating("rating", row.get("rating"))
        date = check.date("date", row.get("date"))
        variation = check.text("variation", row.get("variation"), required=True,
                               what="variation (it names the product)")
        text = check.text("verified_reviews", row.get("verified_reviews"), required=True,
                          what="review text")
        if not check.ok:
            result.errors.extend(check.errors)
            continue
        product_id, product_name, aliases = product_for_variation(variation)
        if product_id not in products:
            products[product_id] = Product(id=product_id, name=product_name, aliases=aliases,
                                           brand="Amazon", category="devices",
                                           provenance=Provenance(SOURCE, name, line))
        key = stable_id("key", product_id, str(rating), text, date)
        result.reviews.append(Review(
            id=review_id(product_id, rating, "", text, "", date, seen[key]),
            product_id=product_id, rating=rating, text=text, date=date,
            provenance=Provenance(SOURCE, name, line)))
        seen[key] += 1
    result.products = list(products.values())
    return result
