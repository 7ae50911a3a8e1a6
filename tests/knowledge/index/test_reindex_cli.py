"""`python -m knowledge reindex --to postgres` and the CLI on the PostgreSQL index.

A catalog imported with the embedded index is moved into PostgreSQL without re-embedding
(its vectors are copied), found there by `search`, kept current by later imports (a re-run
adds nothing), and re-embedded from the store with --embed; a bad DSN is one error line.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from knowledge.cli import main
from tests.knowledge.test_cli import FIXTURES

pytestmark = pytest.mark.slow


def cli(monkeypatch: pytest.MonkeyPatch, data_dir: Path, *argv: str, **env: str) -> tuple[int, str, str]:
    for name in ("SHOPTALK_INDEX", "SHOPTALK_INDEX_DSN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOPTALK_SEED_DEMO", "0")
    monkeypatch.setenv("SHOPTALK_STORE", "sqlite")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--data-dir", str(data_dir), "--quiet", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_a_catalog_moves_into_postgres_and_stays_current(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres_dsn: str
) -> None:
    code, out, err = cli(monkeypatch, tmp_path, "import", str(FIXTURES / "good.jsonl"))
    assert code == 0, err
    embedded = int(out.rsplit("search index updated: ", 1)[1].split()[0].replace(",", ""))

    code, out, err = cli(monkeypatch, tmp_path, "reindex", "--to", "postgres", "--dsn", postgres_dsn)
    assert code == 0, err
    assert f"indexed {embedded:,} passages in PostgreSQL (copied with their vectors" in out

    pg = {"SHOPTALK_INDEX": "postgres", "SHOPTALK_INDEX_DSN": postgres_dsn}
    code, out, err = cli(monkeypatch, tmp_path, "search", "is the light bright enough to read", **pg)
    assert code == 0, err
    assert "r-1" in out

    code, out, err = cli(monkeypatch, tmp_path, "import", str(FIXTURES / "datafiniti_small.csv"), "--skip-invalid", **pg)
    assert code == 0, err
    grown = int(out.rsplit("search index updated: ", 1)[1].split()[0].replace(",", ""))
    assert grown > embedded
    code, out, err = cli(monkeypatch, tmp_path, "import", str(FIXTURES / "datafiniti_small.csv"), "--skip-invalid", **pg)
    assert code == 0, err
    assert "search index updated" not in out or f"{grown:,} passages" in out

    code, out, err = cli(monkeypatch, tmp_path, "reindex", "--embed", **pg)
    assert code == 0, err
    assert f"indexed {grown:,} passages in PostgreSQL (embedded from the store)" in out


def test_a_bad_dsn_is_one_error_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, _, err = cli(monkeypatch, tmp_path, "reindex", "--to", "postgres", "--dsn", "host=/nonexistent dbname=x")
    assert code == 1
    assert err.startswith("error: cannot open the PostgreSQL index") and err.count("\n") == 1
    code, _, err = cli(monkeypatch, tmp_path, "reindex", "--to", "postgres")
    assert (code, err) == (1, "error: reindex --to postgres needs --dsn or SHOPTALK_INDEX_DSN\n")
