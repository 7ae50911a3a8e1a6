"""The content-team CLI through real subprocesses: exit codes, stdout JSON, stderr lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def run(data_dir: Path, *args: str, seed_demo: bool = False) -> subprocess.CompletedProcess[str]:
    if args and args[0] == "import" and "--with-index" not in args:
        args = (*args, "--no-index")  # keep these tests free of the embedding model
    args = tuple(a for a in args if a != "--with-index")
    env = {**os.environ, "SHOPTALK_SEED_DEMO": "1" if seed_demo else "0", "HF_HUB_OFFLINE": "1",
           "SHOPTALK_STORE": "sqlite"}
    return subprocess.run(
        [sys.executable, "-m", "knowledge", "--data-dir", str(data_dir), *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    return lines[0]


def stats(data_dir: Path) -> dict:
    result = run(data_dir, "stats", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- usage errors (exit 2) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "required: COMMAND"),
        (("bogus",), "invalid choice: 'bogus'"),
        (("search",), "search needs a QUERY"),
        (("search", "x", "-k", "0"), "-k must be at least 1"),
        (("search", "x", "--batch", "f.jsonl"), "not both"),
        (("import",), "the following arguments are required: FILE"),
        (("import", "/no/such/file.jsonl"), "/no/such/file.jsonl: no such file"),
        (("import", str(FIXTURES / "good.jsonl"), "--format", "xml"), "invalid choice: 'xml'"),
        (("moderation",), "required: ACTION"),
        (("report", "negative", "--as-of", "yesterday"), "--as-of must be a date"),
    ],
)
def test_bad_usage_exits_2_with_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run(tmp_path, *args)
    assert result.returncode == 2
    assert message in one_error_line(result)
    assert result.stdout == ""


def test_help_exits_0(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("import", "stats", "products", "search", "moderation", "report", "export"):
        assert command in result.stdout


# --- import, stats, products -------------------------------------------------------------------


def test_import_stats_products(tmp_path: Path) -> None:
    result = run(tmp_path, "import", str(FIXTURES / "good.jsonl"))
    assert result.returncode == 0, result.stderr
    assert "imported 2 new products (2 new families), 3 new reviews, 2 new questions, 2 new answers" in result.stdout
    assert stats(tmp_path) == {
        "products": 2, "reviews": 3,
        "reviews_by_status": {"published": 3, "pending": 0, "rejected": 0},
        "questions": 2, "answers": 2, "passages_indexed": None,
    }
    products = json.loads(run(tmp_path, "products", "--json").stdout)
    assert [p["id"] for p in products] == ["p-lamp", "p-kettle"]  # by name
    lamp = products[0]
    assert lamp["name"] == 'Reading Lamp 6"' and lamp["aliases"] == ["lamp", "the lamp"]
    assert (lamp["review_count"], lamp["average_rating"]) == (2, 3.5)
    again = run(tmp_path, "import", str(FIXTURES / "good.jsonl"))
    assert again.returncode == 0
    assert "imported 0 new products (0 new families), 0 new reviews, 0 new questions, 0 new answers" in again.stdout
    assert stats(tmp_path)["reviews"] == 3


def test_a_first_import_seeds_no_demo_catalog_but_a_first_start_does(tmp_path: Path) -> None:
    imported = tmp_path / "imported"
    result = run(imported, "import", str(FIXTURES / "good.jsonl"), seed_demo=True)
    assert result.returncode == 0, result.stderr
    assert "demo catalog" not in result.stderr
    assert stats(imported)["products"] == 2  # only what was imported
    assert run(imported, "stats", seed_demo=True).returncode == 0
    assert stats(imported)["products"] == 2  # a store with products is never seeded later
    started = tmp_path / "started"
    first = run(started, "stats", seed_demo=True)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines()[0].startswith("ShopTalk: the store is empty, so it is seeded with the bundled demo catalog")
    assert stats(started)["products"] == 20


def test_rejected_import_lists_every_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    run(tmp_path, "import", str(FIXTURES / "good.jsonl"))
    before = stats(tmp_path)
    result = run(tmp_path, "import", str(FIXTURES / "bad.jsonl"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    bad = str(FIXTURES / "bad.jsonl")
    assert lines[:-1] == [
        f"{bad}:2: rating: must be a whole number of stars from 1 to 5, got 7",
        f"{bad}:3: -: not valid JSON (Expecting ',' delimiter at column 76)",
        f"{bad}:4: type: unknown record type 'video' (must be one of family, product, review, question)",
        f"{bad}:5: text: missing (the review text is required)",
        f"{bad}:6: product_id: unknown product 'p-missing' (not in this import nor in the store)",
        f"{bad}:7: date: not a date: 'last tuesday' (use YYYY-MM-DD)",
        f"{bad}:8: answers[0].text: missing (the answer text is required)",
    ]
    assert lines[-1] == ("error: import rejected, nothing was written: 7 invalid row(s) "
                         "(fix them, or use --skip-invalid to import the rest)")
    assert stats(tmp_path) == before


def test_skip_invalid_reports_where_rejects_went(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    result = run(tmp_path, "import", str(FIXTURES / "bad.jsonl"), "--skip-invalid", "--rejects", str(rejects))
    assert result.returncode == 0, result.stderr
    assert f"skipped 7 invalid rows, written to {rejects}" in result.stdout
    assert result.stderr.strip() == f"warning: skipped 7 invalid rows; see {rejects}"
    assert len(rejects.read_text().splitlines()) == 7
    default = run(tmp_path, "import", str(FIXTURES / "alexa_small.tsv"), "--skip-invalid")
    assert default.returncode == 0
    written = list((tmp_path / "rejects").glob("alexa_small.tsv-*.rejects.jsonl"))
    assert len(written) == 1 and str(written[0]) in default.stdout


def test_unknown_format_is_bad_data(tmp_path: Path) -> None:
    result = run(tmp_path, "import", str(FIXTURES / "unknown.txt"))
    assert result.returncode == 1
    assert "cannot tell the format from its first line; give --format" in one_error_line(result)


def test_several_files_in_one_atomic_import(tmp_path: Path) -> None:
    result = run(tmp_path, "import", str(FIXTURES / "good.jsonl"), str(FIXTURES / "alexa_small.tsv"))
    assert result.returncode == 1  # the TSV has an empty review, so the JSONL is not imported either
    assert stats(tmp_path)["products"] == 0


# --- remove, export ----------------------------------------------------------------------------


def test_remove_product(tmp_path: Path) -> None:
    run(tmp_path, "import", str(FIXTURES / "good.jsonl"))
    result = run(tmp_path, "remove-product", "p-lamp")
    assert result.returncode == 0 and "removed product p-lamp" in result.stdout
    assert stats(tmp_path)["reviews"] == 1
    missing = run(tmp_path, "remove-product", "p-lamp")
    assert missing.returncode == 1
    assert one_error_line(missing) == "error: no product with id 'p-lamp' (see `products`)"


def test_export_round_trip(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for fixture in ("good.jsonl", "datafiniti_small.csv", "qa_Small_Things.json"):
        run(first, "import", str(FIXTURES / fixture), "--skip-invalid", "--rejects", str(tmp_path / "r"))
    exported = tmp_path / "export.jsonl"
    result = run(first, "export", str(exported))
    assert result.returncode == 0 and f"to {exported}" in result.stdout
    assert run(second, "import", str(exported)).returncode == 0
    assert stats(second) == stats(first)
    assert run(second, "products", "--json").stdout == run(first, "products", "--json").stdout
    again = tmp_path / "again.jsonl"
    run(second, "export", str(again))
    assert again.read_text() == exported.read_text()


# --- moderation queue --------------------------------------------------------------------------


def test_moderation_list_approve_reject(tmp_path: Path) -> None:
    queue = tmp_path / "queue.jsonl"
    queue.write_text(
        '{"type": "product", "id": "p", "name": "Lamp"}\n'
        '{"type": "review", "id": "r-held", "product_id": "p", "rating": 4, "text": "visit www.x.biz", "status": "pending"}\n'
        '{"type": "review", "id": "r-ok", "product_id": "p", "rating": 5, "text": "Lovely"}\n'
        '{"type": "question", "id": "q", "product_id": "p", "text": "Bright?", "answers": '
        '[{"id": "a-held", "text": "you idiot", "status": "pending"}]}\n'
    )
    assert run(tmp_path, "import", str(queue)).returncode == 0
    listed = json.loads(run(tmp_path, "moderation", "list", "--json").stdout)
    assert [(i["kind"], i["id"]) for i in listed] == [("review", "r-held"), ("answer", "a-held")]
    assert listed[1]["question"] == "Bright?"
    text = run(tmp_path, "moderation", "list").stdout
    assert "r-held" in text and text.strip().endswith("2 pending")
    approved = run(tmp_path, "moderation", "approve", "r-held")
    assert approved.returncode == 0 and "review r-held is now published" in approved.stdout
    assert run(tmp_path, "moderation", "reject", "a-held").returncode == 0
    assert json.loads(run(tmp_path, "moderation", "list", "--json").stdout) == []
    assert stats(tmp_path)["reviews_by_status"] == {"published": 2, "pending": 0, "rejected": 0}
    missing = run(tmp_path, "moderation", "approve", "nope")
    assert missing.returncode == 1
    assert "no review, question or answer with id 'nope'" in one_error_line(missing)


# --- reports -----------------------------------------------------------------------------------


def test_report_negative(tmp_path: Path) -> None:
    lines = ['{"type": "product", "id": "p-sour", "name": "Souring Gadget"}',
             '{"type": "product", "id": "p-steady", "name": "Steady Gadget"}']
    for i in range(8):
        lines.append(json.dumps({"type": "review", "product_id": "p-sour", "rating": 5,
                                 "text": f"great {i}", "date": f"2026-0{1 + i % 5}-1{i}"}))
        lines.append(json.dumps({"type": "review", "product_id": "p-steady", "rating": 3,
                                 "text": f"fine {i}", "date": f"2026-0{1 + i % 5}-1{i}"}))
    for i in range(4):
        lines.append(json.dumps({"type": "review", "id": f"sour-{i}", "product_id": "p-sour",
                                 "rating": 1, "text": f"broke {i}", "date": f"2026-10-1{i}"}))
        lines.append(json.dumps({"type": "review", "product_id": "p-steady", "rating": 3,
                                 "text": f"still fine {i}", "date": f"2026-10-1{i}"}))
    catalog = tmp_path / "trend.jsonl"
    catalog.write_text("\n".join(lines) + "\n")
    assert run(tmp_path, "import", str(catalog)).returncode == 0
    result = run(tmp_path, "report", "negative", "--json")
    assert result.returncode == 0, result.stderr
    (trend,) = json.loads(result.stdout)
    assert trend["product_id"] == "p-sour" and trend["recent_count"] == 4
    assert [e["id"] for e in trend["evidence"]] == ["sour-3", "sour-2", "sour-1", "sour-0"]
    text = run(tmp_path, "report", "negative").stdout
    assert "Souring Gadget (p-sour)" in text and "Steady" not in text
    assert json.loads(run(tmp_path, "report", "negative", "--json", "--days", "400").stdout) == []


# --- demo seeding and model-free commands ------------------------------------------------------


def test_first_run_seeds_the_demo_catalog(tmp_path: Path) -> None:
    result = run(tmp_path, "stats", "--json", seed_demo=True)
    assert result.returncode == 0, result.stderr
    numbers = json.loads(result.stdout)
    assert numbers["products"] >= 15 and numbers["reviews"] >= 200 and numbers["questions"] >= 50


def test_catalog_commands_do_not_load_the_embedding_model(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from knowledge.cli import main\n"
        f"for argv in (['stats'], ['products', '--json'], ['import', {str(FIXTURES / 'good.jsonl')!r}, '--no-index'],\n"
        "             ['moderation', 'list'], ['report', 'negative']):\n"
        f"    assert main(['--data-dir', {str(tmp_path)!r}, *argv]) == 0\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    env = {**os.environ, "SHOPTALK_SEED_DEMO": "0"}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


# --- search (loads the embedding model) --------------------------------------------------------


@pytest.mark.slow
def test_search_single_and_batch(tmp_path: Path) -> None:
    assert run(tmp_path, "import", str(FIXTURES / "good.jsonl"), "--no-index").returncode == 0
    result = run(tmp_path, "search", "the switch stopped working", "--json", "-k", "3")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["query"] == "the switch stopped working" and answer["product_id"] is None
    assert 1 <= len(answer["hits"]) <= 3
    top = answer["hits"][0]
    assert set(top) == {"text", "kind", "product_id", "score", "source_id"}
    assert top["product_id"] == "p-lamp" and "switch broke" in top["text"]
    assert stats(tmp_path)["passages_indexed"] >= 4  # read from the persisted index

    only_kettle = json.loads(run(tmp_path, "search", "is it loud", "--product", "p-kettle", "--json").stdout)
    assert only_kettle["hits"] and {h["product_id"] for h in only_kettle["hits"]} == {"p-kettle"}
    assert "q-1" in {h["source_id"] for h in only_kettle["hits"]}

    batch = tmp_path / "queries.jsonl"
    batch.write_text('{"query": "bright light for reading", "product_id": null}\n'
                     '{"query": "is the kettle loud", "product_id": "p-kettle"}\n'
                     '{"query": "switch broke"}\n')
    out = run(tmp_path, "search", "--batch", str(batch), "--json", "-k", "1")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.strip().splitlines()]
    assert [(r["query"], r["product_id"]) for r in rows] == [
        ("bright light for reading", None), ("is the kettle loud", "p-kettle"), ("switch broke", None)]
    assert all(len(r["hits"]) == 1 for r in rows)
    assert rows[0]["hits"][0]["source_id"] == "r-1"
    assert rows[1]["hits"][0]["product_id"] == "p-kettle"

    unknown = run(tmp_path, "search", "x", "--product", "p-nope")
    assert unknown.returncode == 1 and "unknown product 'p-nope'" in one_error_line(unknown)

    bad = tmp_path / "bad_queries.jsonl"
    bad.write_text('{"query": "fine"}\n{"query": ""}\nnot json\n{"query": "x", "product_id": 7}\n')
    failed = run(tmp_path, "search", "--batch", str(bad), "--json")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.strip().splitlines() == [
        f"{bad}:2: query: must be a non-empty string",
        f"{bad}:3: -: not valid JSON (Expecting value)",
        f"{bad}:4: product_id: must be a product id string or null",
        f"error: 3 bad line(s) in {bad}; nothing was searched",
    ]

    # a newly imported review is found by the next search without a rebuild
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"type": "review", "id": "r-new", "product_id": "p-kettle", "rating": 5, '
                     '"text": "The handle stays cool even when the water is boiling."}\n')
    imported = run(tmp_path, "import", str(extra), "--with-index")
    assert imported.returncode == 0 and "search index updated" in imported.stdout
    found = json.loads(run(tmp_path, "search", "does the handle get hot", "--json", "-k", "2").stdout)
    assert found["hits"][0]["source_id"] == "r-new"
    reindexed = run(tmp_path, "reindex")
    assert reindexed.returncode == 0 and "indexed" in reindexed.stdout


def _stderr_through_a_terminal(args: list[str]) -> bytes:
    """Run the CLI with stderr on a pseudo-terminal (120 columns); everything it drew there."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "SHOPTALK_SEED_DEMO": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "knowledge", *args], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert proc.wait(timeout=600) == 0
    return drawn


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(tmp_path: Path) -> None:
    qa = str(FIXTURES / "qa_Small_Things.json")
    drawn = _stderr_through_a_terminal(["--data-dir", str(tmp_path / "a"), "import", qa, "--no-index"])
    assert b"qa_Small_Things.json: " in drawn and b"rows" in drawn
    quiet = _stderr_through_a_terminal(["--data-dir", str(tmp_path / "b"), "--quiet", "import", qa, "--no-index"])
    assert b"rows" not in quiet
    piped = run(tmp_path / "c", "import", qa, "--no-index")
    assert piped.returncode == 0 and piped.stderr == ""


@pytest.mark.shared_data
def test_alexa_tsv_through_the_cli(shared_data: Path, tmp_path: Path) -> None:
    tsv = shared_data / "reviews" / "amazon_alexa.tsv"
    rejected = run(tmp_path, "import", str(tsv))
    assert rejected.returncode == 1 and rejected.stdout == ""
    lines = rejected.stderr.strip().splitlines()
    assert len(lines) == 80
    assert lines[0] == f"{tsv}:87: verified_reviews: is empty (the review text is required)"
    assert lines[-1].startswith("error: import rejected, nothing was written: 79 invalid row(s)")
    assert stats(tmp_path)["reviews"] == 0
    skipped = run(tmp_path, "import", str(tsv), "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert "3,071 new reviews" in skipped.stdout and "skipped 79 invalid rows" in skipped.stdout
    assert stats(tmp_path)["reviews"] == 3071
