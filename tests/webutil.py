"""Helpers shared by the web tests."""

from __future__ import annotations

import os
import shutil
import socket
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from luoshi.web import create_app

PASSWORD = "correct-horse-1"
READOUT = (
    "2026年3月2日讯 3月1日,市委书记周明远在前海主持召开专题会议,学习贯彻《前海合作区条例》,明确96项年度工作任务。"
    "周明远强调,一要倒排工期,确保2026年6月底前完成。市市场监管局要牵头制定任务清单。"
)
USERS = {
    "admin": ("admin", None),
    "super": ("supervisor", None),
    "market": ("unit", "市市场监管局"),
    "justice": ("unit", "市司法局"),
    "viewer": ("viewer", None),
}


def login(site: dict[str, Any], name: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(site["db"]))
    response = client.post("/api/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, response.json()["csrf"]


def free_port() -> int:
    """A loopback port nothing listens on (for a server started by a test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(base: str, seconds: float = 15.0) -> None:
    """Return once the server at ``base`` answers; fail the test if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(base + "/login", timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise AssertionError(f"no server answered at {base} within {seconds:.0f} s") from None
            time.sleep(0.1)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # screenshots and downloads, kept by CI


def needs_chromium() -> None:
    """Skip a browser test where no chromium is installed; in CI (``CI=true``) fail instead."""
    if CHROMIUM is None:
        reason = "no chromium on this machine (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            import pytest

            pytest.fail(reason)
        import pytest

        pytest.skip(reason)


def logged_in(browser, server: str, who: str, path: str = "/ledger", width: int = 1280):
    """A new browser page logged in as ``who``, on ``path`` (the login form sends it there)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(server + path)
    assert "/login" in page.url
    page.fill("input[name=name]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{path}")
    return page
