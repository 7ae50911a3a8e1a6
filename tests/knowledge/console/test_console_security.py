"""The console's security: login everywhere, roles, CSRF, escaping, upload limit, no account
enumeration, cookie flags."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask

from knowledge.model import Message, Review, ReviewStatus, User
from knowledge.store.sqlite import SQLiteStore
from tests.knowledge.console.conftest import PASSWORD, csrf_token, log_in, post


def _concrete(rule: str) -> str:
    return re.sub(r"<[^>]+>", "x", rule)


def test_every_page_and_form_action_needs_a_login(app: Flask) -> None:
    client = app.test_client()
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "auth.login")]
    assert len(rules) > 20
    for rule in rules:
        path = _concrete(rule.rule)
        if "GET" in rule.methods:
            response = client.get(path)
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
        if "POST" in rule.methods:
            token = csrf_token(client)
            response = client.post(path, data={"csrf_token": token})
            assert response.status_code == 401, f"POST {path}: {response.status_code}"


def test_static_files_are_public_and_vendored(app: Flask) -> None:
    response = app.test_client().get("/static/console.css")
    assert response.status_code == 200


@pytest.mark.parametrize("role, path, allowed", [
    ("moderator", "/admin/users", False), ("moderator", "/disputes/", False), ("moderator", "/admin/audit", False),
    ("moderator", "/import/", False), ("moderator", "/polls/", False), ("moderator", "/moderation/", True),
    ("editor", "/disputes/", False), ("editor", "/admin/users", False), ("editor", "/import/", True),
    ("editor", "/moderation/", False), ("admin", "/disputes/", True), ("admin", "/admin/users", True),
    ("admin", "/moderation/", True),
])
def test_roles_are_enforced(as_role: object, role: str, path: str, allowed: bool) -> None:
    response = as_role(role).get(path)  # type: ignore[operator]
    assert response.status_code == (200 if allowed else 403), response.status_code


def test_a_moderator_cannot_add_users(as_role: object, console_store: SQLiteStore) -> None:
    client = as_role("moderator")  # type: ignore[operator]
    response = post(client, "/admin/users", {"name": "mallory", "role": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert console_store.get_account("mallory") is None


def test_forms_without_a_valid_csrf_token_are_refused(as_role: object, console_store: SQLiteStore) -> None:
    client = as_role("admin")  # type: ignore[operator]
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/admin/users", data={"name": "mallory", "role": "admin", "password": PASSWORD, **data})
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
    assert console_store.get_account("mallory") is None
    assert post(client, "/admin/users", {"name": "mallory", "role": "editor", "password": PASSWORD}).status_code == 302
    assert console_store.get_account("mallory") is not None


def test_the_login_form_needs_a_csrf_token_too(app: Flask) -> None:
    response = app.test_client().post("/login", data={"name": "admin", "password": PASSWORD})
    assert response.status_code == 400


def test_user_content_is_escaped(as_role: object, console_store: SQLiteStore) -> None:
    product = console_store.list_products()[0]
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    console_store.put_reviews([Review("evil-1", product.id, 1, evil, title="<b>bold</b>", date="2026-12-01",
                                      status=ReviewStatus.PENDING)])
    client = as_role("admin")  # type: ignore[operator]
    for path in ("/moderation/", f"/catalog/product/{product.id}"):
        if path.startswith("/catalog"):
            console_store.set_review_status("evil-1", ReviewStatus.PUBLISHED)
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold</b>" not in page, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path


def test_messages_in_disputes_are_escaped_and_every_view_is_audited(as_role: object,
                                                                     console_store: SQLiteStore) -> None:
    console_store.put_user(User("u1", "hash1", "ann", "tiger one"))
    console_store.put_user(User("u2", "hash2", "ben", "tiger two"))
    console_store.put_message(Message("m1", "u1", "u2", "<script>x()</script> meet me", "2026-12-01T10:00:00+00:00",
                                      reported=True))
    client = as_role("admin")  # type: ignore[operator]
    page = client.get("/disputes/u1/u2").get_data(as_text=True)
    assert "&lt;script&gt;x()&lt;/script&gt; meet me" in page and "<script>x()" not in page
    viewed = console_store.audit_log(action="dispute_viewed")
    assert [(e.actor, e.target) for e in viewed] == [("admin", "u1/u2")]
    assert client.get("/disputes/u1/nobody").status_code == 404  # nothing reported between them


def test_uploads_over_the_limit_are_refused_with_a_clear_message(as_role: object) -> None:
    client = as_role("editor")  # type: ignore[operator]
    token = csrf_token(client, "/import/")
    big = io.BytesIO(b"x" * (300 * 1024))
    response = client.post("/import/", data={"csrf_token": token, "file": (big, "big.jsonl")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "File too large" in text and "0.25 MB" in text


def test_a_bad_password_is_refused_without_saying_whether_the_account_exists(app: Flask) -> None:
    pages = []
    for name in ("admin", "nosuchuser"):
        client = app.test_client()
        response = client.post("/login", data={"name": name, "password": "wrong password", "csrf_token": csrf_token(client)})
        assert response.status_code == 401
        pages.append(re.sub(CSRF_PATTERN, "", response.get_data(as_text=True)))
    assert pages[0] == pages[1]
    assert "Wrong account name or password." in pages[0]


CSRF_PATTERN = r'value="[^"]*"'


def test_repeated_failures_lock_the_account_for_a_while(app: Flask) -> None:
    client = app.test_client()
    for _ in range(5):
        client.post("/login", data={"name": "editor", "password": "wrong password", "csrf_token": csrf_token(client)})
    response = client.post("/login", data={"name": "editor", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)


def test_session_cookie_is_signed_httponly_and_samesite(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf_token": csrf_token(client)})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("shoptalk_console="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    other = app.test_client()
    other.set_cookie("shoptalk_console", cookie.split(";")[0].split("=", 1)[1] + "tampered")
    assert other.get("/").status_code == 302  # a tampered cookie is no session


def test_a_disabled_account_is_logged_out_at_once(as_role: object, console_store: SQLiteStore) -> None:
    from knowledge.console.accounts import set_disabled

    client = as_role("editor")  # type: ignore[operator]
    assert client.get("/").status_code == 200
    set_disabled(console_store, "editor", True, "admin")
    assert client.get("/").status_code == 302


def test_login_redirects_only_to_this_site(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/login", data={"name": "admin", "password": PASSWORD, "next": "//evil.example/x",
                                           "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"


def test_chart_labels_from_user_content_are_escaped(as_role: object, console_store: SQLiteStore) -> None:
    from knowledge.model import Poll, PollOption

    console_store.put_poll(Poll("poll-evil", "Which one?", (PollOption("o1", "<script>alert(1)</script>"),
                                                            PollOption("o2", "Plain")),
                                "2099-01-01T00:00:00+00:00", False, "2026-12-01T00:00:00+00:00"))
    page = as_role("editor").get("/polls/poll-evil").get_data(as_text=True)  # type: ignore[operator]
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
