"""Our JSONL interchange format: one JSON object per line, "type" family | product | review | question.

Reading is tolerant of other tools' files (unknown fields are ignored, ids optional) and
strict about what matters (types, ratings, dates, required text), reporting each problem as
file:line, field, reason. `write_jsonl` writes the same format back so an export re-imports
to the same store state (ids, statuses and provenance included).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from knowledge.ids import stable_id
from knowledge.importers.checks import RowCheck
from knowledge.importers.normalize import clean_text, normalise_name
from knowledge.importers.records import ParseResult
from knowledge.model import Answer, Family, FamilyOrigin, Product, Provenance, Question, Review

FORMAT = "jsonl"
RECORD_TYPES = ("family", "product", "review", "question")
_TYPES_TEXT = ", ".join(RECORD_TYPES)
FAMILY_ORIGINS = tuple(o.value for o in FamilyOrigin)


def review_id(product_id: str, rating: int, title: str, text: str, author: str, date: str,
              occurrence: int) -> str:
    """Content-derived review id; `occurrence` tells identical reviews in one file apart."""
    return stable_id("review", product_id, str(rating), title, text, author, date, str(occurrence))


def question_id(product_id: str, text: str) -> str:
    """Content-derived question id: the same question about the same product is one record."""
    return stable_id("question", product_id, text)


def answer_id(question_id_: str, text: str, author: str, date: str) -> str:
    return stable_id("answer", question_id_, text, author, date)


def _provenance(check: RowCheck, obj: dict[str, Any], default_source: str) -> Provenance:
    given = obj.get("provenance")
    if isinstance(given, dict):
        line = given.get("line", 0)
        return Provenance(
            source=str(given.get("source") or default_source),
            source_file=str(given.get("file") or ""),
            source_line=line if isinstance(line, int) and not isinstance(line, bool) else 0,
        )
    if given is not None:
        check.fail("provenance", "must be an object {source, file, line}")
    source = obj.get("source")
    return Provenance(
        source=source.strip() if isinstance(source, str) and source.strip() else default_source,
        source_file=check.file,
        source_line=check.line,
    )


def _optional_id(check: RowCheck, obj: dict[str, Any]) -> str:
    value = obj.get("id")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        check.fail("id", f"must be a non-empty string, got {value!r}")
        return ""
    return str(value).strip()


def _product(check: RowCheck, obj: dict[str, Any], source: str) -> Product | None:
    pid = _optional_id(check, obj)
    if not pid and "id" not in obj:
        check.fail("id", "missing (a product needs its catalog id)")
    name = normalise_name(check.text("name", obj.get("name"), required=True, what="product name"))
    product = Product(
        id=pid,
        name=name,
        aliases=check.strings("aliases", obj.get("aliases")),
        brand=clean_text(check.text("brand", obj.get("brand"))),
        category=clean_text(check.text("category", obj.get("category"))),
        provenance=_provenance(check, obj, source),
        family_id=clean_text(check.text("family_id", obj.get("family_id"))),
    )
    return product if check.ok else None


def _family(check: RowCheck, obj: dict[str, Any]) -> Family | None:
    fid = _optional_id(check, obj)
    if not fid and "id" not in obj:
        check.fail("id", "missing (a family needs an id that its products' family_id names)")
    name = normalise_name(check.text("name", obj.get("name"), required=True, what="family name"))
    origin = obj.get("origin", FamilyOrigin.EDITED.value)
    if origin not in FAMILY_ORIGINS:
        check.fail("origin", f"must be one of {', '.join(FAMILY_ORIGINS)}, got {origin!r}")
        origin = FamilyOrigin.EDITED.value
    family = Family(
        id=fid,
        name=name,
        spoken_names=check.strings("spoken_names", obj.get("spoken_names")),
        origin=FamilyOrigin(origin),
        absorbed=check.strings("absorbed", obj.get("absorbed")),
    )
    return family if check.ok else None


def _review(check: RowCheck, obj: dict[str, Any], source: str, seen: Counter[str]) -> Review | None:
    rid = _optional_id(check, obj)
    product_id = check.text("product_id", obj.get("product_id"), required=True, what="product id")
    rating = check.rating("rating", obj.get("rating"))
    text = check.text("text", obj.get("text"), required=True, what="review text")
    title = clean_text(check.text("title", obj.get("title")))
    author = clean_text(check.text("author", obj.get("author")))
    date = check.date("date", obj.get("date"))
    status = check.status("status", obj.get("status"))
    user_id = check.text("user_id", obj.get("user_id"))
    provenance = _provenance(check, obj, source)
    if not check.ok:
        return None
    if not rid:
        key = stable_id("key", product_id, str(rating), title, text, author, date)
        rid = review_id(product_id, rating, title, text, author, date, seen[key])
        seen[key] += 1
    return Review(id=rid, product_id=product_id, rating=rating, text=text, title=title,
                  author=author, date=date, status=status, provenance=provenance, user_id=user_id)


def _answers(check: RowCheck, value: Any, qid: str, source: str,
             provenance: Provenance) -> tuple[Answer, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.fail("answers", "must be a list of answer objects")
        return ()
    answers: list[Answer] = []
    for i, item in enumerate(value):
        where = f"answers[{i}]"
        if not isinstance(item, dict):
            check.fail(where, "must be an object with at least 'text'")
            continue
        before = len(check.errors)
        raw_id = item.get("id")
        aid = str(raw_id).strip() if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else ""
        if raw_id is not None and not aid:
            check.fail(f"{where}.id", f"must be a non-empty string, got {raw_id!r}")
        text = check.text(f"{where}.text", item.get("text"), required=True, what="answer text")
        author = clean_text(check.text(f"{where}.author", item.get("author")))
        date = check.date(f"{where}.date", item.get("date"))
        votes = check.votes(f"{where}.votes", item.get("votes"))
        status = check.status(f"{where}.status", item.get("status"))
        user_id = check.text(f"{where}.user_id", item.get("user_id"))
        given = item.get("provenance")
        answer_provenance = provenance
        if isinstance(given, dict):
            answer_provenance = _provenance(check, item, source)
        if len(check.errors) == before:
            answers.append(Answer(id=aid or answer_id(qid, text, author, date), question_id=qid,
                                  text=text, author=author, date=date, votes=votes,
                                  status=status, provenance=answer_provenance, user_id=user_id))
    return tuple(answers)


def _question(check: RowCheck, obj: dict[str, Any], source: str) -> Question | None:
    qid = _optional_id(check, obj)
    product_id = check.text("product_id", obj.get("product_id"), required=True, what="product id")
    text = check.text("text", obj.get("text"), required=True, what="question text")
    author = clean_text(check.text("author", obj.get("author")))
    date = check.date("date", obj.get("date"))
    status = check.status("status", obj.get("status"))
    user_id = check.text("user_id", obj.get("user_id"))
    provenance = _provenance(check, obj, source)
    qid = qid or (question_id(product_id, text) if product_id and text else "")
    answers = _answers(check, obj.get("answers"), qid, source, provenance)
    if not check.ok:
        return None
    return Question(id=qid, product_id=product_id, text=text, author=author, date=date,
                    answers=answers, status=status, provenance=provenance, user_id=user_id)


def parse_lines(lines: Iterable[str], path: Path, default_source: str = "jsonl") -> ParseResult:
    """Parse JSONL text lines (numbered from 1) into records and row errors."""
    result = ParseResult(path=path, format=FORMAT)
    seen: Counter[str] = Counter()
    name = str(path)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result.rows += 1
        check = RowCheck(name, number, line.rstrip("\n"))
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            check.fail("-", f"not valid JSON ({exc.msg} at column {exc.colno})")
            result.errors.extend(check.errors)
            continue
        if not isinstance(obj, dict):
            check.fail("-", f"each line must be a JSON object, got {type(obj).__name__}")
            result.errors.extend(check.errors)
            continue
        kind = obj.get("type")
        if kind == "family":
            family = _family(check, obj)
            if family is not None:
                result.families.append(family)
        elif kind == "product":
            product = _product(check, obj, default_source)
            if product is not None:
                result.products.append(product)
        elif kind == "review":
            review = _review(check, obj, default_source, seen)
            if review is not None:
                result.reviews.append(review)
        elif kind == "question":
            question = _question(check, obj, default_source)
            if question is not None:
                result.questions.append(question)
        elif kind is None:
            check.fail("type", f"missing (must be one of {_TYPES_TEXT})")
        else:
            check.fail("type", f"unknown record type {kind!r} (must be one of {_TYPES_TEXT})")
        result.errors.extend(check.errors)
    return result


# --- writing ---------------------------------------------------------------------------------


def _provenance_obj(provenance: Provenance) -> dict[str, Any]:
    return {"source": provenance.source, "file": provenance.source_file, "line": provenance.source_line}


def _drop_empty(obj: dict[str, Any], keep: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k in keep or v not in ("", None, (), [])}


def family_record(family: Family) -> dict[str, Any]:
    return _drop_empty({"type": "family", "id": family.id, "name": family.name,
                        "spoken_names": list(family.spoken_names), "origin": family.origin.value,
                        "absorbed": list(family.absorbed)}, ("spoken_names",))


def product_record(product: Product) -> dict[str, Any]:
    return _drop_empty({"type": "product", "id": product.id, "name": product.name,
                        "aliases": list(product.aliases), "brand": product.brand,
                        "category": product.category, "family_id": product.family_id,
                        "provenance": _provenance_obj(product.provenance)}, ("aliases",))


def review_record(review: Review) -> dict[str, Any]:
    return _drop_empty({"type": "review", "id": review.id, "product_id": review.product_id,
                        "rating": review.rating, "title": review.title, "text": review.text,
                        "author": review.author, "date": review.date,
                        "status": review.status.value, "user_id": review.user_id,
                        "provenance": _provenance_obj(review.provenance)}, ())


def answer_record(answer: Answer) -> dict[str, Any]:
    return _drop_empty({"id": answer.id, "text": answer.text, "author": answer.author,
                        "date": answer.date, "votes": answer.votes,
                        "status": answer.status.value, "user_id": answer.user_id,
                        "provenance": _provenance_obj(answer.provenance)}, ("votes",))


def question_record(question: Question) -> dict[str, Any]:
    return _drop_empty({"type": "question", "id": question.id,
                        "product_id": question.product_id, "text": question.text,
                        "author": question.author, "date": question.date,
                        "status": question.status.value, "user_id": question.user_id,
                        "provenance": _provenance_obj(question.provenance),
                        "answers": [answer_record(a) for a in question.answers]}, ("answers",))


def iter_records(products: Iterable[Product], reviews: Iterable[Review],
                 questions: Iterable[Question],
                 families: Iterable[Family] = ()) -> Iterator[dict[str, Any]]:
    """Families, then products (reviews and questions refer to them), reviews, questions."""
    for family in families:
        yield family_record(family)
    for product in products:
        yield product_record(product)
    for review in reviews:
        yield review_record(review)
    for question in questions:
        yield question_record(question)


def write_jsonl(out: IO[str], records: Iterable[dict[str, Any]]) -> int:
    """Write one compact JSON object per line; returns how many lines."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


__all__ = ["FORMAT", "RECORD_TYPES", "iter_records", "parse_lines", "write_jsonl"]
