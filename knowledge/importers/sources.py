"""Opening input files: gzip by magic bytes, UTF-8 with or without BOM, rows with line numbers."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from knowledge.importers.records import RowError

GZIP_MAGIC = b"\x1f\x8b"


class UnreadableFile(Exception):
    """The file cannot be opened or decoded; the message names the file and why."""


def head_bytes(path: Path, size: int = 4096) -> bytes:
    """The first `size` bytes of the (decompressed) file, for format sniffing."""
    try:
        with path.open("rb") as raw:
            start = raw.read(2)
        opener = gzip.open if start == GZIP_MAGIC else open
        with opener(path, "rb") as f:
            return f.read(size)
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path}: is a directory, not a file") from None
    except (OSError, EOFError) as exc:
        raise UnreadableFile(f"{path}: cannot read ({exc})") from None


def open_text(path: Path) -> TextIO:
    """Open a plain or gzipped UTF-8 file (a leading BOM is dropped) for reading text."""
    head_bytes(path, 2)
    with path.open("rb") as raw:
        start = raw.read(2)
    if start == GZIP_MAGIC:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number from 1, line without its newline) for every line of the file."""
    number = 0
    with open_text(path) as f:
        try:
            for number, line in enumerate(f, start=1):
                yield number, line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"{path}:{number + 1}: not UTF-8 text ({exc.reason})") from None
        except (OSError, EOFError) as exc:  # a truncated or corrupt gzip stream
            raise UnreadableFile(f"{path}:{number + 1}: cannot read ({exc})") from None


def iter_csv_rows(path: Path, delimiter: str) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    """(first line of the row, row by header name, raw cells) for every data row.

    Quoted cells may span lines, so the row's own starting line is tracked from the reader's
    line count rather than by counting rows.
    """
    with open_text(path) as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"{path}: not UTF-8 text ({exc.reason})") from None
        names = [h.strip() for h in header]
        last_line = reader.line_num
        try:
            for cells in reader:
                start = last_line + 1
                last_line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                yield start, dict(zip(names, cells, strict=False)), cells
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"{path}:{last_line + 1}: not UTF-8 text ({exc.reason})") from None
        except (OSError, EOFError) as exc:
            raise UnreadableFile(f"{path}:{last_line + 1}: cannot read ({exc})") from None
        except csv.Error as exc:
            raise UnreadableFile(f"{path}:{reader.line_num}: malformed CSV ({exc})") from None


def header_of(path: Path, delimiter: str) -> list[str]:
    """The header cells of a delimited file (BOM and surrounding spaces removed)."""
    with open_text(path) as f:
        first = f.readline()
    return [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]


def missing_columns(path: Path, delimiter: str, required: tuple[str, ...], hint: str) -> RowError | None:
    """The header error of a delimited file lacking any `required` column, else None.

    `hint` names the format the file was expected to be, e.g. "not a Datafiniti reviews CSV?".
    """
    header = header_of(path, delimiter)
    missing = [c for c in required if c not in header]
    if not missing:
        return None
    return RowError(str(path), 1, "header", f"missing column(s) {', '.join(missing)} ({hint})")
