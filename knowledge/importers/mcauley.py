"""McAuley/UCSD Amazon community Q&A: one Python-literal dict per line, gzipped or plain.

Each line holds one question with one answer (asin, question, answer, answerTime, unixTime,
questionType, answerType). Lines asking the same question about the same ASIN become one
question with several answers. The files name products only by ASIN, so each ASIN becomes a
product named "Product <ASIN>" in the category taken from the file name (qa_Appliances ->
"Appliances"); such a product never replaces one the store already knows by that id.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from knowledge.families.derive import family_id_for_parent
from knowledge.importers.checks import RowCheck
from knowledge.importers.jsonl import answer_id, question_id
from knowledge.importers.normalize import date_from_unix, iso_date
from knowledge.importers.records import ParseResult
from knowledge.importers.sources import iter_lines
from knowledge.model import Answer, Product, Provenance, Question
from knowledge.progress import progress

FORMAT = "mcauley-qa"
SOURCE = "mcauley-qa"
_RELATIVE = re.compile(r"^(?:\d+|an?|one)\s+(?:minute|hour|day|week|month|year)s?\s+ago$|^(?:today|yesterday)$", re.I)
_CATEGORY = re.compile(r"^qa_(?P<name>.+?)\.json", re.I)


def category_from_filename(path: Path) -> str:
    """ "qa_Cell_Phones_and_Accessories.json" -> "Cell Phones and Accessories"; "" otherwise."""
    match = _CATEGORY.match(path.name)
    return match.group("name").replace("_", " ") if match else ""


def placeholder_name(asin: str) -> str:
    return f"Product {asin}"


def _answer_date(check: RowCheck, obj: dict[str, Any]) -> str:
    unix = obj.get("unixTime")
    if isinstance(unix, (int, float)) and not isinstance(unix, bool) and unix > 0:
        return date_from_unix(unix)
    text = obj.get("answerTime")
    if isinstance(text, str) and _RELATIVE.match(text.strip()):
        return ""  # "14 days ago" relative to an unknown crawl date: the date is unknown
    if isinstance(text, str) and text.strip():
        parsed = iso_date(text)
        if parsed is None:
            check.fail("answerTime", f"not a date: {text!r}")
            return ""
        return parsed
    return ""


def parse(path: Path, show_progress: bool = False) -> ParseResult:
    """Read a McAuley Q&A file into ASIN-named products and their questions with answers."""
    result = ParseResult(path=path, format=FORMAT)
    name = str(path)
    category = category_from_filename(path)
    products: dict[str, Product] = {}
    questions: dict[str, Question] = {}
    for line, text in progress(iter_lines(path), path.name, show_progress):
        if not text.strip():
            continue
        result.rows += 1
        check = RowCheck(name, line, text)
        try:
            obj = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
            check.fail("-", f"not a Python literal dict ({type(exc).__name__})")
            result.errors.extend(check.errors)
            continue
        if not isinstance(obj, dict):
            check.fail("-", f"each line must be a dict literal, got {type(obj).__name__}")
            result.errors.extend(check.errors)
            continue
        asin = check.text("asin", obj.get("asin"), required=True, what="product ASIN")
        question_text = check.text("question", obj.get("question"), required=True,
                                   what="question text")
        answer_text = check.text("answer", obj.get("answer"))
        parent = check.text("parent_asin", obj.get("parent_asin"))  # McAuley 2023 rows carry it
        date = _answer_date(check, obj)
        if not check.ok:
            result.errors.extend(check.errors)
            continue
        provenance = Provenance(SOURCE, name, line)
        if asin not in products:
            products[asin] = Product(id=asin, name=placeholder_name(asin), category=category,
                                     provenance=provenance,
                                     family_id=family_id_for_parent(parent) if parent else "")
        qid = question_id(asin, question_text)
        question = questions.get(qid) or Question(id=qid, product_id=asin, text=question_text,
                                                  provenance=provenance)
        if answer_text:
            aid = answer_id(qid, answer_text, "", date)
            if all(a.id != aid for a in question.answers):
                answer = Answer(id=aid, question_id=qid, text=answer_text, date=date,
                                provenance=provenance)
                question = replace(question, answers=(*question.answers, answer))
        questions[qid] = question
    result.products = list(products.values())
    result.weak_product_ids = set(products)
    result.questions = list(questions.values())
    return result
