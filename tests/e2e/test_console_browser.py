"""The console in a real browser: headless Debian Chromium driven by Playwright against
`python -m knowledge console` on loopback. Log in; import a file with a bad row, see the error,
fix it and import; approve a pending review and find it in the catalog; create a poll, vote
through the skill simulator, see the chart; receive an alert by e-mail and acknowledge it.

Set SHOPTALK_SCREENSHOTS_DIR to keep the screenshots (the README's come from this test).
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.alerts.owners import new_owner
from knowledge.model import Review, ReviewStatus
from knowledge.store.sqlite import SQLiteStore
from tests.conftest import PROJECT_ROOT
from tests.e2e.console_server import PASSWORD, ConsoleServer, cli, console_server
from tests.knowledge.console.receivers import smtp_server

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BAD = ('{"type": "product", "id": "p-e2e", "name": "Garden Speaker"}\n'
       '{"type": "review", "product_id": "p-e2e", "rating": 9, "text": "Nine stars!"}\n')
GOOD = ('{"type": "product", "id": "p-e2e", "name": "Garden Speaker"}\n'
        '{"type": "review", "product_id": "p-e2e", "rating": 5, "text": "Fills the whole garden with sound."}\n')


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[object]:
    if not CHROMIUM.is_file():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright from requirements-dev.txt")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
            viewport={"width": 1100, "height": 760})
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            context.close()


def _shot(page: object, name: str) -> None:
    folder = os.environ.get("SHOPTALK_SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))  # type: ignore[attr-defined]


def _vote(server: ConsoleServer, user: str, option: str) -> str:
    done = subprocess.run([sys.executable, "-m", "skill", "chat", "--json", "--user", user, "--data-dir",
                           str(server.data_dir), "--generator", "none", "--no-warm-up"],
                          input=f"open shop talk\ni vote for {option}\nstop\n", capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=server.env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_console_in_a_real_browser(tmp_path: Path, browser_page: object) -> None:
    page = browser_page
    with smtp_server() as (smtp_port, mailbox):
        env = {"SHOPTALK_SMTP_HOST": "127.0.0.1", "SHOPTALK_SMTP_PORT": str(smtp_port)}
        with console_server(tmp_path / "data", env) as server:
            env = {**server.env, **env, "SHOPTALK_CONSOLE_URL": server.url}
            # log in
            page.goto(f"{server.url}/")  # type: ignore[attr-defined]
            assert "/login" in page.url  # type: ignore[attr-defined]
            page.fill("input[name=name]", "admin")  # type: ignore[attr-defined]
            page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
            page.click("button[type=submit]")  # type: ignore[attr-defined]
            page.wait_for_selector("#queue-length")  # type: ignore[attr-defined]
            assert page.locator("svg").count() >= 1  # type: ignore[attr-defined]
            _shot(page, "dashboard")

            # import: a bad row first, then the fixed file
            bad, good = tmp_path / "speaker.jsonl", tmp_path / "speaker-fixed.jsonl"
            bad.write_text(BAD)
            good.write_text(GOOD)
            page.goto(f"{server.url}/import/")  # type: ignore[attr-defined]
            page.set_input_files("input[type=file]", str(bad))  # type: ignore[attr-defined]
            page.click("text=Check the file")  # type: ignore[attr-defined]
            errors = page.locator("#import-errors").inner_text()  # type: ignore[attr-defined]
            assert "2" in errors and "rating" in errors
            _shot(page, "import-errors")
            page.goto(f"{server.url}/import/")  # type: ignore[attr-defined]
            page.set_input_files("input[type=file]", str(good))  # type: ignore[attr-defined]
            page.click("text=Check the file")  # type: ignore[attr-defined]
            page.wait_for_selector("#import-valid")  # type: ignore[attr-defined]
            page.click("text=Import now")  # type: ignore[attr-defined]
            page.wait_for_selector("#import-done")  # type: ignore[attr-defined]

            # approve a pending review and find it in the catalog
            store = SQLiteStore(server.data_dir / "shoptalk.sqlite")
            try:
                store.put_reviews([Review("pending-e2e", "p-e2e", 4, "Waterproof enough for summer rain.",
                                          date="2026-12-05", status=ReviewStatus.PENDING)])
            finally:
                store.close()
            page.goto(f"{server.url}/moderation/")  # type: ignore[attr-defined]
            _shot(page, "moderation")
            page.check("#pick-pending-e2e")  # type: ignore[attr-defined]
            page.click("text=Approve selected")  # type: ignore[attr-defined]
            page.wait_for_selector("text=1 item(s) approved")  # type: ignore[attr-defined]
            page.goto(f"{server.url}/catalog/")  # type: ignore[attr-defined]
            page.fill("input[name=q]", "garden speaker")  # type: ignore[attr-defined]
            page.click("text=Search")  # type: ignore[attr-defined]
            page.click("a:has-text('Garden Speaker') >> nth=-1")  # type: ignore[attr-defined]
            page.wait_for_selector("text=Waterproof enough for summer rain.")  # type: ignore[attr-defined]
            page.goto(f"{server.url}/catalog/family/fam-smart-plug")  # type: ignore[attr-defined]
            _shot(page, "family")

            # a poll, votes through the skill simulator, the chart
            page.goto(f"{server.url}/polls/")  # type: ignore[attr-defined]
            page.fill("input[name=question]", "Which speaker should we review next?")  # type: ignore[attr-defined]
            page.fill("textarea[name=options]", "Echo Dot\nEcho Pop")  # type: ignore[attr-defined]
            page.click("text=Create poll")  # type: ignore[attr-defined]
            page.wait_for_selector("#total-votes")  # type: ignore[attr-defined]
            poll_url = page.url  # type: ignore[attr-defined]
            assert "counted your vote for Echo Pop" in _vote(server, "voter-1", "echo pop")
            assert "counted your vote" in _vote(server, "voter-2", "echo pop")
            assert "counted your vote" in _vote(server, "voter-3", "echo dot")
            page.goto(poll_url)  # type: ignore[attr-defined]
            assert page.inner_text("#total-votes") == "3"  # type: ignore[attr-defined]
            assert page.inner_text("#winner") == "Echo Pop"  # type: ignore[attr-defined]
            assert page.locator("#poll-chart svg").count() == 1  # type: ignore[attr-defined]
            _shot(page, "poll")

            # an alert by e-mail, acknowledged in the console
            page.goto(f"{server.url}/alerts/owners")  # type: ignore[attr-defined]
            page.fill("input[name=name]", "Plug team")  # type: ignore[attr-defined]
            page.select_option("select[name=scope]", "family")  # type: ignore[attr-defined]
            page.fill("input[name=value]", "fam-smart-plug")  # type: ignore[attr-defined]
            page.fill("input[name=email]", "plugs@example.com")  # type: ignore[attr-defined]
            page.click("text=Add owner")  # type: ignore[attr-defined]
            page.wait_for_selector("td:has-text('plugs@example.com')")  # type: ignore[attr-defined]
            store = SQLiteStore(server.data_dir / "shoptalk.sqlite")
            try:
                store.put_reviews([Review("fire-e2e", "demo-amazon-smart-plug", 1,
                                          "The plug caught fire behind the sofa.", date="2026-12-05")])
            finally:
                store.close()
            cli(server.data_dir, env, "alerts", "run")
            mail = next(m for m in mailbox.wait_for(1) if m["To"] == "plugs@example.com")
            link = re.search(r"(http://\S+/alerts/\S+)", mail.get_payload(decode=True).decode()).group(1)
            page.goto(link)  # type: ignore[attr-defined]
            assert page.inner_text("#alert-status") == "open"  # type: ignore[attr-defined]
            page.click("button:has-text('Acknowledge')")  # type: ignore[attr-defined]
            page.wait_for_selector("#alert-status:has-text('acknowledged')")  # type: ignore[attr-defined]
            page.goto(f"{server.url}/alerts/")  # type: ignore[attr-defined]
            assert "Plug team" in page.inner_text("#ack-times")  # type: ignore[attr-defined]
            _shot(page, "alerts")
