"""Recognise an input file's format from its first bytes (gzip is looked through)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from knowledge.importers.sources import head_bytes

FORMATS = ("jsonl", "datafiniti", "alexa-tsv", "mcauley-qa", "epqa")


class UnknownFormat(Exception):
    """The file's content matches none of the importers; the message says how to proceed."""


def _first_line(head: bytes) -> str:
    text = head.decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def detect_format(path: Path) -> str:
    """One of FORMATS, judged from the first non-empty line of the (decompressed) file."""
    first = _first_line(head_bytes(path, 65536))
    if not first:
        raise UnknownFormat(f"{path}: the file is empty")
    if re.match(r"^\{\s*\"", first):
        return "jsonl"
    if re.match(r"^\{\s*'", first):
        return "mcauley-qa"
    if "\t" in first:
        header = {h.strip().lower() for h in first.split("\t")}
        if {"verified_reviews", "variation"} <= header:
            return "alexa-tsv"
    header = {h.strip().lower() for h in next(csv.reader([first]), [])}
    if {"asins", "reviews.rating", "reviews.text"} <= header:
        return "datafiniti"
    if {"asin", "candidate", "source", "title"} <= header:
        return "epqa"
    raise UnknownFormat(
        f"{path}: cannot tell the format from its first line; "
        f"give --format ({', '.join(FORMATS)})"
    )
