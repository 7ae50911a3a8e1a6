"""ePQA (amazon-science/contextual-product-qa) CSV: product questions with their candidates.

Each row pairs a shopper's question with one candidate from the product's page: `source`
"review" (a review sentence), "cqa" (a community answer, written "<answer> Question: <the
community question>"), or "bullet" / "attribute" / "description" (catalog copy). The
importer keeps what ShopTalk stores: each ASIN becomes a product named by `title`, review
candidates become reviews and cqa candidates questions with one answer each (the same
community question on one product is one question). Catalog-copy rows are read and checked
but not stored. The shopper's question, `qid` and `label` are benchmark data and are ignored
here (see knowledge.bench.epqa). ePQA gives no star ratings; reviews get UNRATED_STARS,
because the store requires 1-5 and a neutral middle moves no average by much.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.ids import stable_id
from knowledge.importers.checks import RowCheck
from knowledge.importers.jsonl import answer_id, question_id
from knowledge.importers.normalize import clean_text, normalise_name
from knowledge.importers.records import ParseResult
from knowledge.importers.sources import iter_csv_rows, missing_columns
from knowledge.model import Answer, Product, Provenance, Question, Review
from knowledge.progress import progress

FORMAT = "epqa"
SOURCE = "epqa"
REQUIRED_COLUMNS = ("ASIN", "candidate", "source", "title")
STORED_SOURCES = ("review", "cqa")
CATALOG_SOURCES = ("bullet", "attribute", "description")
QUESTION_MARK = " Question: "
UNRATED_STARS = 3


@dataclass(frozen=True)
class CqaCandidate:
    """A community Q&A candidate split into its community question and its answer."""

    question: str
    answer: str


def split_cqa(candidate: str) -> CqaCandidate | None:
    """ "<answer> Question: <question>" -> its parts (cleaned); None when not in that shape."""
    text = f" {candidate.strip()} "
    at = text.rfind(QUESTION_MARK)
    if at < 0:
        return None
    answer = clean_text(text[:at])
    question = clean_text(text[at + len(QUESTION_MARK) :])
    if not answer or not question:
        return None
    return CqaCandidate(question, answer)


def review_record_id(asin: str, text: str) -> str:
    """The id of the review made from a review candidate (the same text on one ASIN is one)."""
    return stable_id("review", SOURCE, asin, text)


def cqa_record_ids(asin: str, cqa: CqaCandidate) -> tuple[str, str]:
    """(question id, answer id) of the records made from a cqa candidate."""
    qid = question_id(asin, cqa.question)
    return qid, answer_id(qid, cqa.answer, "", "")


def parse(path: Path, show_progress: bool = False) -> ParseResult:
    """Read an ePQA CSV into products, reviews and community questions with answers."""
    result = ParseResult(path=path, format=FORMAT)
    name = str(path)
    header_error = missing_columns(path, ",", REQUIRED_COLUMNS, "not an ePQA candidates CSV?")
    if header_error is not None:
        result.errors.append(header_error)
        return result
    products: dict[str, Product] = {}
    reviews: dict[str, Review] = {}
    questions: dict[str, Question] = {}
    for line, row, cells in progress(iter_csv_rows(path, ","), path.name, show_progress):
        result.rows += 1
        check = RowCheck(name, line, ",".join(cells))
        asin = check.text("ASIN", row.get("ASIN"), required=True, what="product ASIN")
        title = normalise_name(check.text("title", row.get("title"), required=True,
                                          what="product title"))
        source = check.text("source", row.get("source"), required=True, what="candidate source")
        candidate = clean_text(check.text("candidate", row.get("candidate"), required=True,
                                          what="candidate text"))
        if source and source not in STORED_SOURCES + CATALOG_SOURCES:
            check.fail("source", f"must be one of {', '.join(STORED_SOURCES + CATALOG_SOURCES)}, "
                                 f"got {source!r}")
        cqa = split_cqa(candidate) if source == "cqa" and candidate else None
        if source == "cqa" and candidate and cqa is None:
            check.fail("candidate", "a cqa candidate must read '<answer> Question: <question>' "
                                    "with both parts non-empty")
        if " " in asin or "," in asin:
            check.fail("ASIN", f"not an ASIN: {asin!r}")
        if not check.ok:
            result.errors.extend(check.errors)
            continue
        provenance = Provenance(SOURCE, name, line)
        known = products.get(asin)
        if known is None:
            products[asin] = Product(id=asin, name=title, provenance=provenance)
        elif known.name != title:
            check.fail("title", f"ASIN {asin} is titled {known.name!r} at line "
                                f"{known.provenance.source_line}, here {title!r}")
            result.errors.extend(check.errors)
            continue
        if source == "review":
            rid = review_record_id(asin, candidate)
            reviews.setdefault(rid, Review(id=rid, product_id=asin, rating=UNRATED_STARS,
                                           text=candidate, provenance=provenance))
        elif cqa is not None:
            qid, aid = cqa_record_ids(asin, cqa)
            question = questions.get(qid) or Question(id=qid, product_id=asin, text=cqa.question,
                                                      provenance=provenance)
            if all(a.id != aid for a in question.answers):
                answer = Answer(id=aid, question_id=qid, text=cqa.answer, provenance=provenance)
                question = replace(question, answers=(*question.answers, answer))
            questions[qid] = question
    result.products = list(products.values())
    result.reviews = list(reviews.values())
    result.questions = list(questions.values())
    return result
