"""Imports through the console: upload, check every row, show the errors, then import on
confirmation; the check and the import each run in a background thread, and the job's page
follows them (it refreshes itself every second and shows the phase, the file's size and the
time so far).

The check is the CLI importer's own (`knowledge.importers.runner`: the file's parser, the
merge of duplicate ids and the product references against the store), and the import is
`import_files`, all-or-nothing, so the console accepts exactly what `python -m knowledge
import` accepts. Uploads live in `<data-dir>/console-uploads/<token>/` until imported or
discarded.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from knowledge.importers import ImportOptions, ImportRejected, UnknownFormat, UnreadableFile, import_files
from knowledge.importers.detect import detect_format
from knowledge.importers.records import RowError
from knowledge.importers.runner import _check_references, _merge, parse_file
from knowledge.store.base import Store, StoreError

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SHOWN_ERRORS = 500  # a file with thousands of bad rows shows the first ones and the count
KEEP_S = 24 * 3600  # a finished or abandoned job (and its upload) is forgotten after a day


@dataclass
class ImportJob:
    """One uploaded file on its way into the store."""

    token: str
    file_name: str
    path: Path
    uploaded_by: str
    format: str = ""
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    products: int = 0
    reviews: int = 0
    questions: int = 0
    size_bytes: int = 0
    phase: str = "checking"  # checking -> checked -> importing -> done | failed
    started: float = 0.0
    finished: float = 0.0
    summary: str = ""
    failure: str = ""

    @property
    def elapsed_s(self) -> float:
        """Seconds the running (or last) step took so far."""
        return (self.finished or time.monotonic()) - self.started if self.started else 0.0

    @property
    def valid(self) -> bool:
        return not self.errors and not self.failure


def safe_file_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "upload"
    return cleaned[:100]


class ImportJobs:
    """The uploads of one console process, by token."""

    def __init__(self, store: Store, upload_dir: Path, after_import: Callable[[], None] = lambda: None) -> None:
        self._store = store
        self._after_import = after_import
        self._dir = upload_dir
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> ImportJob | None:
        if not TOKEN_PATTERN.match(token):
            return None
        with self._lock:
            return self._jobs.get(token)

    def check(self, file_name: str, data: bytes, uploaded_by: str, fmt: str | None = None) -> ImportJob:
        """Save an upload and check every row in the background (nothing is written to the
        store); the job is "checking" until then, "checked" after."""
        self._forget_old()
        token = secrets.token_urlsafe(18)
        folder = self._dir / token
        folder.mkdir(parents=True, exist_ok=False)
        path = folder / safe_file_name(file_name)
        path.write_bytes(data)
        job = ImportJob(token, path.name, path, uploaded_by, size_bytes=len(data), phase="checking",
                        started=time.monotonic())
        with self._lock:
            self._jobs[token] = job
        threading.Thread(target=self._check, args=(job, fmt), name=f"check-{token[:6]}", daemon=True).start()
        return job

    def _check(self, job: ImportJob, fmt: str | None) -> None:
        options = ImportOptions(format=fmt, progress=False)
        try:
            job.format = fmt or detect_format(job.path)
            result = parse_file(job.path, options)
            batch = _merge([result])
            _check_references(batch, self._store)
            job.rows = result.rows
            job.errors = sorted(batch.errors, key=lambda e: (e.line, e.field))
            job.products, job.reviews, job.questions = len(batch.products), len(batch.reviews), len(batch.questions)
        except (UnknownFormat, UnreadableFile, UnicodeDecodeError, OSError, StoreError) as exc:
            job.failure = str(exc)
        finally:
            job.finished = time.monotonic()
            job.phase = "checked"

    def start(self, token: str) -> ImportJob | None:
        """Import a checked, valid upload in the background; None when there is no such job."""
        with self._lock:
            job = self._jobs.get(token)
            if job is None or not job.valid or job.phase != "checked":
                return job
            job.phase, job.started, job.finished = "importing", time.monotonic(), 0.0
        threading.Thread(target=self._run, args=(job,), name=f"import-{token[:6]}", daemon=True).start()
        return job

    def _run(self, job: ImportJob) -> None:
        try:
            report = import_files(self._store, [job.path], ImportOptions(format=job.format or None, progress=False))
            job.summary = report.summary()
            job.phase = "done"
            if report.added_anything:
                self._after_import()
        except ImportRejected as exc:  # the store changed between the check and the import
            job.errors = list(exc.errors)
            job.failure, job.phase = str(exc), "failed"
        except (StoreError, UnknownFormat, UnreadableFile, OSError) as exc:
            job.failure, job.phase = str(exc), "failed"
        finally:
            job.finished = time.monotonic()
            shutil.rmtree(job.path.parent, ignore_errors=True)

    def _forget_old(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [t for t, j in self._jobs.items()
                   if j.phase not in ("checking", "importing") and now - (j.finished or j.started) > KEEP_S]
            jobs = [self._jobs.pop(t) for t in old]
        for job in jobs:
            shutil.rmtree(job.path.parent, ignore_errors=True)

    def discard(self, token: str) -> None:
        with self._lock:
            job = self._jobs.pop(token, None)
        if job is not None and job.phase == "checked":
            shutil.rmtree(job.path.parent, ignore_errors=True)

    def shown_errors(self, job: ImportJob) -> list[RowError]:
        return [replace(e, file=job.file_name) for e in job.errors[:SHOWN_ERRORS]]
