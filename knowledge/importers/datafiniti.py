"""Datafiniti "Consumer Reviews of Amazon Products" CSV: one review per row, product by ASIN.

Columns used: name, asins, brand, reviews.rating, reviews.text, reviews.title, reviews.date.
The product id is the row's ASIN; "asins" may list several, comma-separated, in which case
the first one already seen in the file wins (else the first listed), so a product never
splits in two. Product names repeat on every row and are normalised once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from knowledge.ids import stable_id
from knowledge.importers.checks import RowCheck
from knowledge.importers.jsonl import review_id
from knowledge.importers.normalize import clean_text, normalise_name, short_alias
from knowledge.importers.records import ParseResult
from knowledge.importers.sources import iter_csv_rows, missing_columns
from knowledge.progress import progress
from knowledge.model import Product, Provenance, Review

FORMAT = "datafiniti"
SOURCE = "datafiniti"
REQUIRED_COLUMNS = ("name", "asins", "reviews.rating", "reviews.text")
CATEGORY = "devices"


def parse(path: Path, show_progress: bool = False) -> ParseResult:
    """Read a Datafiniti CSV into products (by ASIN) and their reviews."""
    result = ParseResult(path=path, format=FORMAT)
    name = str(path)
    header_error = missing_columns(path, ",", REQUIRED_COLUMNS, "not a Datafiniti reviews CSV?")
    if header_error is not None:
        result.errors.append(header_error)
        return result
    products: dict[str, Product] = {}
    seen: Counter[str] = Counter()
    for line, row, cells in progress(iter_csv_rows(path, ","), path.name, show_progress):
        result.rows += 1
        check = RowCheck(name, line, ",".join(cells))
        asins = [a.strip() for a in row.get("asins", "").split(",") if a.strip()]
        if not asins:
            check.fail("asins", "is empty (the product's ASIN is required)")
        product_name = normalise_name(check.text("name", row.get("name"), required=True,
                                                 what="product name"))
        rating = check.rating("reviews.rating", row.get("reviews.rating"))
        text = check.text("reviews.text", row.get("reviews.text"), required=True, what="review text")
        title = clean_text(row.get("reviews.title") or "")
        date = check.date("reviews.date", row.get("reviews.date"))
        if not check.ok:
            result.errors.extend(check.errors)
            continue
        product_id = next((a for a in asins if a in products), asins[0])
        brand = clean_text(row.get("brand") or "")
        known = products.get(product_id)
        if known is None:
            alias = short_alias(product_name, brand)
            products[product_id] = Product(
                id=product_id, name=product_name, aliases=(alias,) if alias else (),
                brand=brand, category=CATEGORY, provenance=Provenance(SOURCE, name, line))
        elif product_name.casefold() != known.name.casefold() and len(known.aliases) < 5:
            alias = product_name.lower()
            if alias not in known.aliases:
                products[product_id] = Product(
                    id=known.id, name=known.name, aliases=(*known.aliases, alias),
                    brand=known.brand, category=known.category, provenance=known.provenance)
        key = stable_id("key", product_id, str(rating), title, text, date)
        result.reviews.append(Review(
            id=review_id(product_id, rating, title, text, "", date, seen[key]),
            product_id=product_id, rating=rating, text=text, title=title, date=date,
            provenance=Provenance(SOURCE, name, line)))
        seen[key] += 1
    result.products = list(products.values())
    return result
