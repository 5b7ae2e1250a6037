"""Error pages, security headers, redirects, API docs, login throttling and session endings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from typing import Any

import httpx
from fastapi.testclient import TestClient
from webutil import PASSWORD, free_port, login, wait_until_serving

from luoshi.accounts.service import Accounts
from luoshi.messages import message
from luoshi.store import open_store
from luoshi.web import create_app
from luoshi.web.security import LoginThrottle

HTML = {"accept": "text/html,application/xhtml+xml"}


def _fresh_user(site: dict[str, Any], role: str = "viewer") -> str:
    name = f"u-{secrets.token_hex(4)}"
    Accounts(open_store(site["db"])).add(name, PASSWORD, role)
    return name


def test_browsers_get_escaped_html_error_pages_and_the_api_gets_json(site):
    client, _ = login(site, "viewer")
    page = client.get("/?as_of=<script>alert(1)</script>", headers=HTML)
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in page.text and "输入有误" in page.text
    en = client.get("/?as_of=<script>alert(1)</script>", headers=HTML, cookies={"lang": "en"})
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in en.text and "<script>alert" not in en.text
    )  # shown, escaped
    missing = client.get("/no/such/page", headers=HTML)
    assert missing.status_code == 404 and "页面不存在" in missing.text and "<html" in missing.text
    assert client.get("/api/no-such", headers=HTML).json() == {"detail": "Not Found"}
    not_a_browser = client.get("/documents/999999").json()
    assert not_a_browser == {"detail": message("ledger.no_document", lang="zh", id=999999)}  # 没有文件999999
    en = client.get("/documents/999999", headers=HTML, cookies={"lang": "en"})
    assert en.status_code == 404 and "Page not found" in en.text and "no document 999999" in en.text


def test_a_crash_is_a_page_with_the_security_headers(site):
    app = create_app(site["db"])

    def boom() -> None:
        raise RuntimeError("<b>secret detail</b>")

    app.add_api_route("/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/boom", headers=HTML)
    assert page.status_code == 500 and "系统内部错误" in page.text and "secret detail" not in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert client.get("/boom").json() == {"detail": "internal error"}


def test_security_headers_on_every_answer(site):
    client, _ = login(site, "viewer")
    for path in ("/", "/ledger", "/login", "/api/me", "/static/app.css", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert (headers.get("cache-control") == "no-store") == (not path.startswith("/static")), path


def test_language_switch_goes_back_only_to_this_site(site):
    client = TestClient(create_app(site["db"]))

    def back(referer: str | None) -> str:
        headers = {"referer": referer} if referer is not None else {}
        return client.get("/lang/en", headers=headers, follow_redirects=False).headers["location"]

    assert back("http://testserver/ledger?unit=x") == "/ledger?unit=x"
    for elsewhere in (
        "https://evil.example/phish",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        None,
    ):
        assert back(elsewhere) == "/", elsewhere
    form = client.get("/login?next=https://evil.example/").text
    assert "evil.example" not in form


def test_api_docs_are_for_logged_in_users_and_load_nothing_from_elsewhere(site):
    client, _ = login(site, "viewer")
    docs = client.get("/docs", headers=HTML)
    assert (
        docs.status_code == 200
        and "/api/report" in docs.text
        and "/api/tasks/{task_id}/progress" in docs.text
    )
    assert "cdn" not in docs.text.lower() and '<script src="http' not in docs.text
    assert "/api/report" in client.get("/openapi.json").json()["paths"]


def test_failed_logins_slow_the_account_at_that_address_not_the_office(site):
    client = TestClient(create_app(site["db"]))
    for i in range(5):  # an attacker's guesses, each claiming another address: the header is not believed
        wrong = client.post(
            "/api/login",
            json={"name": "admin", "password": "wrong-pass"},
            headers={"x-forwarded-for": f"10.0.0.{i}"},
        )
        assert wrong.status_code == 401
    blocked = client.post("/api/login", json={"name": "admin", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    for other in ("super", "market", "viewer"):  # the same address, other accounts: not locked
        assert client.post("/api/login", json={"name": other, "password": PASSWORD}).status_code == 200, other


def test_a_logged_in_user_can_log_in_again_while_the_account_is_throttled(site):
    app = create_app(site["db"])
    tab = TestClient(app)
    assert tab.post("/api/login", json={"name": "justice", "password": PASSWORD}).status_code == 200
    attacker = TestClient(app)
    for _ in range(5):
        attacker.post("/api/login", json={"name": "justice", "password": "wrong-pass"})
    assert attacker.post("/api/login", json={"name": "justice", "password": PASSWORD}).status_code == 429
    assert tab.post("/api/login", json={"name": "justice", "password": PASSWORD}).status_code == 200


def test_throttle_backoff_doubles_up_to_a_limit_and_stays_bounded():
    throttle = LoginThrottle(free=2, first=10, longest=40, capacity=50)
    waits = []
    for _ in range(6):
        throttle.failed("1.2.3.4", "zhang")
        waits.append(round(throttle.wait("1.2.3.4", "zhang")))
    assert waits == [0, 10, 20, 40, 40, 40]
    assert throttle.wait("1.2.3.4", "li") == 0 and throttle.wait("5.6.7.8", "zhang") == 0
    for i in range(200):
        throttle.failed(f"10.0.{i}.1", f"user{i}")
    assert len(throttle._keys) <= 50


def test_login_in_two_tabs(site):
    client = TestClient(create_app(site["db"]))
    first = client.get("/login").text
    client.get("/login")  # a second tab opens the form
    token = first.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(
        "/login",
        data={"name": "viewer", "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_changing_the_password_ends_the_other_sessions(site):
    name = _fresh_user(site)
    app = create_app(site["db"])
    here, there = TestClient(app), TestClient(app)
    csrf = here.post("/api/login", json={"name": name, "password": PASSWORD}).json()["csrf"]
    there.post("/api/login", json={"name": name, "password": PASSWORD})
    assert there.get("/api/me").status_code == 200
    bad = here.post(
        "/api/password", json={"old": "wrong-pass", "new": "another-pass-2"}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 403
    changed = here.post(
        "/api/password", json={"old": PASSWORD, "new": "another-pass-2"}, headers={"X-CSRF-Token": csrf}
    )
    assert changed.status_code == 200
    assert there.get("/api/me").status_code == 401 and here.get("/api/me").status_code == 200
    # a change from the command line ends every session
    Accounts(open_store(site["db"])).set_password(name, PASSWORD)
    assert TestClient(create_app(site["db"])).get("/api/me", cookies=here.cookies).status_code == 401


def test_sessions_end_when_idle_and_last_while_used(site):
    accounts = Accounts(open_store(site["db"]), idle_hours=2 / 3600)
    accounts.CACHE_SECONDS = 0
    user = accounts.get("viewer")
    assert user is not None
    used, idle = accounts.open_session(user)[0], accounts.open_session(user)[0]
    for _ in range(3):
        time.sleep(0.8)
        assert accounts.session(used) is not None  # used every 0.8 s: lives past its 2 s
    assert accounts.session(idle) is None


def test_served_behind_no_proxy_the_forwarded_address_is_not_believed(site):
    """`luoshi serve` without --forwarded-allow-ips: X-Forwarded-For does not make new clients
    (uvicorn's own default would believe it from loopback)."""
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from luoshi.cli.main import main; main()",
        "serve",
        "--db",
        site["db"],
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base)
        for i in range(5):
            httpx.post(
                base + "/api/login",
                json={"name": "super", "password": "wrong-pass"},
                headers={"x-forwarded-for": f"10.9.0.{i}"},
            )
        again = httpx.post(
            base + "/api/login",
            json={"name": "super", "password": PASSWORD},
            headers={"x-forwarded-for": "10.9.0.99"},
        )
        assert again.status_code == 429
    finally:
        server.terminate()
        server.wait(timeout=10)
