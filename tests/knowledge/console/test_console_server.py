"""The console as users run it: `python -m knowledge console` on loopback, over HTTP."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.console_server import PASSWORD, console_server

pytestmark = pytest.mark.slow


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _token(opener: urllib.request.OpenerDirector, url: str) -> str:
    page = opener.open(url, timeout=10).read().decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_served_console_logs_in_and_refuses_forged_forms(tmp_path: Path) -> None:
    with console_server(tmp_path / "data") as server:
        opener = _opener()
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(urllib.request.Request(f"{server.url}/login", data=b"name=admin&password=x"), timeout=10)
        assert refused.value.code == 400  # no CSRF token
        form = urllib.parse.urlencode({"name": "admin", "password": PASSWORD,
                                       "csrf_token": _token(opener, f"{server.url}/login")}).encode()
        page = opener.open(urllib.request.Request(f"{server.url}/login", data=form), timeout=10)
        assert page.url == f"{server.url}/"
        body = page.read().decode()
        assert "Dashboard" in body and "<svg" in body
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        anonymous = _opener().open(f"{server.url}/catalog/", timeout=10)
        assert anonymous.url.startswith(f"{server.url}/login")
