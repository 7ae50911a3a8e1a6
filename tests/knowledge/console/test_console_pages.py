"""The console's pages over a real store holding the demo catalog (Flask's test client)."""

from __future__ import annotations

import io
import time

from flask.testing import FlaskClient

from knowledge.model import Message, Review, ReviewStatus, User, Vote
from knowledge.store.sqlite import SQLiteStore
from tests.knowledge.console.conftest import csrf_token, post

BAD_FILE = (b'{"type": "product", "id": "p-new", "name": "New Speaker"}\n'
            b'{"type": "review", "product_id": "p-new", "rating": 7, "text": "Seven stars!"}\n'
            b'{"type": "review", "product_id": "p-missing", "rating": 4, "text": "who am I about"}\n')
GOOD_FILE = (b'{"type": "product", "id": "p-new", "name": "New Speaker"}\n'
             b'{"type": "review", "product_id": "p-new", "rating": 5, "text": "Loud and clear."}\n')


def _upload(client: FlaskClient, data: bytes, name: str = "speaker.jsonl") -> str:
    token = csrf_token(client, "/import/")
    response = client.post("/import/", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    location = response.headers["Location"]
    deadline = time.monotonic() + 30
    while 'id="import-checking"' in client.get(location).get_data(as_text=True):  # checked in the background
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return location


def test_dashboard_shows_counts_queue_alerts_questions_and_the_trend_chart(as_role: object,
                                                                          console_store: SQLiteStore) -> None:
    page = as_role("moderator").get("/").get_data(as_text=True)  # type: ignore[operator]
    counts = console_store.counts()
    assert f"<b>{counts.products:,}</b> products" in page
    assert 'id="queue-length">0<' in page and 'id="open-alerts">0<' in page
    assert "<svg" in page and "Rating trend" in page
    assert "cdn" not in page.lower() and "<script" not in page


def test_catalog_search_family_and_listing_pages(as_role: object, console_store: SQLiteStore) -> None:
    client = as_role("editor")  # type: ignore[operator]
    page = client.get("/catalog/?q=smart plug").get_data(as_text=True)
    assert "Amazon Smart Plug" in page and "/catalog/family/fam-smart-plug" in page
    family = client.get("/catalog/family/fam-smart-plug").get_data(as_text=True)
    stats = console_store.family_stats("fam-smart-plug")
    assert f"<b>{stats.review_count}</b> published reviews" in family
    assert "<svg" in family  # aspect bars
    review = console_store.reviews_for("demo-amazon-smart-plug")[0]
    assert f'id="review-{review.id}"' in family
    listing = client.get("/catalog/product/demo-amazon-smart-plug").get_data(as_text=True)
    assert "Amazon Smart Plug" in listing and "Community questions" in listing
    assert client.get("/catalog/family/nope").status_code == 404


def test_import_shows_every_bad_row_writes_nothing_then_imports_the_fixed_file(as_role: object,
                                                                              console_store: SQLiteStore) -> None:
    client = as_role("editor")  # type: ignore[operator]
    job = client.get(_upload(client, BAD_FILE)).get_data(as_text=True)
    assert 'id="import-invalid"' in job and "nothing was written" in job
    assert "<td>2</td><td>rating</td>" in job and "<td>3</td><td>product_id</td>" in job
    assert "unknown product" in job and "Import now" not in job
    assert console_store.get_product("p-new") is None
    location = _upload(client, GOOD_FILE)
    page = client.get(location).get_data(as_text=True)
    assert 'id="import-valid"' in page and "Nothing is written yet" in page
    assert console_store.get_product("p-new") is None
    token = location.rsplit("/", 1)[1]
    assert post(client, f"/import/{token}/confirm", page=location).status_code == 302
    deadline = time.monotonic() + 30
    while 'id="import-done"' not in (page := client.get(location).get_data(as_text=True)):
        assert time.monotonic() < deadline and 'id="import-failed"' not in page, page
        time.sleep(0.1)
    assert "1 new reviews" in page
    assert console_store.get_product("p-new").name == "New Speaker"
    actions = [e.action for e in console_store.audit_log()]
    assert "import_started" in actions and actions.count("import_uploaded") == 2


def test_an_unreadable_upload_says_why(as_role: object) -> None:
    client = as_role("editor")  # type: ignore[operator]
    page = client.get(_upload(client, b"\x00\x01 not a known format", "junk.bin")).get_data(as_text=True)
    assert 'id="import-failure"' in page


def test_moderation_approves_several_at_once_and_rejects_with_a_reason(as_role: object,
                                                                     console_store: SQLiteStore) -> None:
    console_store.put_reviews([Review(f"pend-{i}", "demo-amazon-smart-plug", 4, f"Pending review {i}",
                                      date="2026-12-01", status=ReviewStatus.PENDING) for i in range(3)])
    client = as_role("moderator")  # type: ignore[operator]
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "Pending review 0" in queue and "3 item(s) waiting" in queue
    response = post(client, "/moderation/decide", {"id": ["pend-0", "pend-1"], "action": "approve"}, page="/moderation/")
    assert response.status_code == 302
    assert console_store.get_review("pend-0").status is ReviewStatus.PUBLISHED
    assert console_store.get_review("pend-1").status is ReviewStatus.PUBLISHED
    post(client, "/moderation/decide", {"id": ["pend-2"], "action": "reject"}, page="/moderation/")
    assert console_store.get_review("pend-2").status is ReviewStatus.PENDING  # no reason given
    post(client, "/moderation/decide", {"id": ["pend-2"], "action": "reject", "reason": "off topic"}, page="/moderation/")
    assert console_store.get_review("pend-2").status is ReviewStatus.REJECTED
    rejected = console_store.audit_log(action="review_rejected")
    assert [(e.actor, e.target, e.detail) for e in rejected] == [("moderator", "pend-2", "off topic")]
    page = client.get("/catalog/product/demo-amazon-smart-plug").get_data(as_text=True)
    assert "Pending review 0" in page and "Pending review 2" not in page


def test_unanswered_questions_are_listed(as_role: object, console_store: SQLiteStore) -> None:
    from knowledge.model import Question

    console_store.put_questions([Question("q-open", "demo-amazon-smart-plug", "Does it work with Zigbee hubs?",
                                          date="2026-12-02")])
    page = as_role("moderator").get("/catalog/questions").get_data(as_text=True)  # type: ignore[operator]
    assert "Does it work with Zigbee hubs?" in page


def test_polls_create_chart_close_and_winner(as_role: object, console_store: SQLiteStore) -> None:
    client = as_role("editor")  # type: ignore[operator]
    response = post(client, "/polls/", {"question": "Best speaker?", "options": "Echo Dot\nEcho Pop\n"}, page="/polls/")
    assert response.status_code == 302
    poll = console_store.list_polls()[0]
    assert [o.text for o in poll.options] == ["Echo Dot", "Echo Pop"]
    for user, option in (("u1", 0), ("u2", 0), ("u3", 1)):
        console_store.put_vote(Vote(poll.id, user, poll.options[option].id, "2026-12-06T10:00:00+00:00"))
    page = client.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert 'id="total-votes">3<' in page and 'id="winner">Echo Dot<' in page and 'id="poll-chart"' in page
    post(client, f"/polls/{poll.id}/close", page=f"/polls/{poll.id}")
    closed = client.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert "Closed" in closed and "winner" in closed
    assert [e.detail for e in console_store.audit_log(action="poll_closed")] == ["winner: Echo Dot"]
    bad = post(client, "/polls/", {"question": "Only one?", "options": "Yes"}, page="/polls/")
    assert bad.status_code == 302 and len(console_store.list_polls()) == 1


def test_alerts_page_acknowledge_resolve_and_owners(as_role: object, console_store: SQLiteStore) -> None:
    from knowledge.alerts.runner import RunOptions, run_alerts

    console_store.put_reviews([Review("fire-1", "demo-amazon-smart-plug", 1, "The plug caught fire!", date="2026-12-01")])
    client = as_role("editor")  # type: ignore[operator]
    post(client, "/alerts/owners", {"name": "Plug team", "scope": "family", "value": "fam-smart-plug",
                                    "email": "plugs@example.com", "rank": "0"}, page="/alerts/owners")
    assert [o.name for o in console_store.list_owners()] == ["Plug team"]
    run_alerts(console_store, [], RunOptions())
    alert = next(a for a in console_store.list_alerts() if a.review_id == "fire-1")
    listing = client.get("/alerts/").get_data(as_text=True)
    assert "caught fire" in listing and "Plug team" in listing
    post(client, f"/alerts/{alert.id}/acknowledge", page=f"/alerts/{alert.id}")
    assert 'id="alert-status">acknowledged<' in client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    post(client, f"/alerts/{alert.id}/resolve", page=f"/alerts/{alert.id}")
    done = console_store.get_alert(alert.id)
    assert done.acknowledged_by == "editor" and done.resolved_by == "editor"
    assert 'id="ack-times"' in client.get("/alerts/").get_data(as_text=True)
    assert [e.action for e in console_store.audit_log() if e.action.startswith("alert_")] == [
        "alert_resolved", "alert_acknowledged"]


def test_admin_adds_users_and_reads_the_audit_log(as_role: object, console_store: SQLiteStore) -> None:
    client = as_role("admin")  # type: ignore[operator]
    post(client, "/admin/users", {"name": "newbie", "role": "moderator", "password": "long enough pw"}, page="/admin/users")
    assert console_store.get_account("newbie").role.value == "moderator"
    post(client, "/admin/users/newbie/disable", page="/admin/users")
    assert console_store.get_account("newbie").disabled
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "account_created" in audit and "account_disabled" in audit and "login" in audit


def test_disputes_list_reported_messages_for_admins(as_role: object, console_store: SQLiteStore) -> None:
    console_store.put_user(User("u1", "hash1", "ann", "tiger one"))
    console_store.put_user(User("u2", "hash2", "ben", "tiger two"))
    console_store.put_message(Message("m1", "u1", "u2", "you are rude", "2026-12-01T10:00:00+00:00", reported=True))
    page = as_role("admin").get("/disputes/").get_data(as_text=True)  # type: ignore[operator]
    assert "you are rude" in page and "ann" in page and "/disputes/u1/u2" in page


def test_old_upload_jobs_are_forgotten_with_their_files(console_store: SQLiteStore, tmp_path) -> None:
    from knowledge.console import imports
    from knowledge.console.imports import ImportJobs

    jobs = ImportJobs(console_store, tmp_path / "uploads")
    old = jobs.check("old.jsonl", GOOD_FILE, "editor")
    while jobs.get(old.token).phase == "checking":
        time.sleep(0.02)
    old.finished -= imports.KEEP_S + 1
    jobs.check("new.jsonl", GOOD_FILE, "editor")
    assert jobs.get(old.token) is None and not old.path.parent.exists()
