"""Field checks shared by the importers; each failure becomes a RowError naming the field."""

from __future__ import annotations

from typing import Any

from knowledge.importers.normalize import clean_text, iso_date
from knowledge.importers.records import RowError
from knowledge.model import ReviewStatus


class RowCheck:
    """Collects the errors of one input row while its fields are read and converted."""

    def __init__(self, file: str, line: int, raw: str) -> None:
        self.file = file
        self.line = line
        self.raw = raw
        self.errors: list[RowError] = []

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(RowError(self.file, self.line, field, reason, self.raw))

    def text(self, field: str, value: Any, required: bool = False, what: str = "text") -> str:
        """A string field, whitespace-trimmed; missing or empty fails when `required`."""
        if value is None:
            if required:
                self.fail(field, f"missing (the {what} is required)")
            return ""
        if not isinstance(value, str):
            self.fail(field, f"must be a string, got {type(value).__name__}")
            return ""
        text = value.strip()
        if required and not text:
            self.fail(field, f"is empty (the {what} is required)")
        return text

    def rating(self, field: str, value: Any) -> int:
        """A star rating 1-5 given as an integer, an integral number or a digit string."""
        rating: int | None = None
        if isinstance(value, bool):
            rating = None
        elif isinstance(value, int):
            rating = value
        elif isinstance(value, float) and value.is_integer():
            rating = int(value)
        elif isinstance(value, str) and value.strip():
            try:
                number = float(value.strip())
            except ValueError:
                number = float("nan")
            rating = int(number) if number.is_integer() else None
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(field, "missing (a star rating 1-5 is required)")
            return 0
        if rating is None or not 1 <= rating <= 5:
            self.fail(field, f"must be a whole number of stars from 1 to 5, got {value!r}")
            return 0
        return rating

    def date(self, field: str, value: Any) -> str:
        """An ISO date (YYYY-MM-DD) from any common spelling; "" when absent."""
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(field, f"must be a date string, got {type(value).__name__}")
            return ""
        result = iso_date(value)
        if result is None:
            self.fail(field, f"not a date: {value!r} (use YYYY-MM-DD)")
            return ""
        return result

    def status(self, field: str, value: Any) -> ReviewStatus:
        """published (default), pending or rejected."""
        if value is None or value == "":
            return ReviewStatus.PUBLISHED
        try:
            return ReviewStatus(str(value).strip().lower())
        except ValueError:
            self.fail(field, f"must be published, pending or rejected, got {value!r}")
            return ReviewStatus.PUBLISHED

    def votes(self, field: str, value: Any) -> int:
        """A non-negative whole number; 0 when absent."""
        if value is None or value == "":
            return 0
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.fail(field, f"must be a whole number, got {value!r}")
            return 0
        try:
            votes = int(value)
        except ValueError:
            self.fail(field, f"must be a whole number, got {value!r}")
            return 0
        if votes < 0:
            self.fail(field, f"must not be negative, got {votes}")
            return 0
        return votes

    def strings(self, field: str, value: Any) -> tuple[str, ...]:
        """A list of strings (e.g. aliases), cleaned, empty ones dropped."""
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field, "must be a list of strings")
            return ()
        return tuple(dict.fromkeys(clean_text(v) for v in value if v.strip()))
