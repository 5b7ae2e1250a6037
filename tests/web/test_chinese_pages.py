"""Chinese first: every page, rendered in zh for every role, holds no English word outside a short
allowlist (names of formats and products, codes, units of measure, URLs, the fixture's own
names). The pages are found from the application's routes, so a new page is checked too."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.routing import Route
from webutil import USERS, login

from luoshi.web import create_app

ALLOWED = {
    "luoshi",
    "excel",
    "csv",
    "json",
    "xlsx",
    "html",
    "api",
    "url",
    "pdf",
    "gdp",
    "openapi",
    "english",  # the language switch names its language in that language
    "csrf",  # the name of a token the API page speaks of
    "get",
    "post",
    "put",
    "patch",
    "delete",  # HTTP methods on the API page
    "km",
    "mb",
    "kb",
    "gb",  # units
}
PERSON = "周明远"
# Path parameters of the pages, filled from the fixture (a page with another parameter fails
# the test until it is added here).
PARAMS = {
    "doc_id": "{doc_id}",
    "task_id": "{task_id}",
    "name": PERSON,
    "fmt": None,
    "code": None,
    "title_id": "{title_id}",
    "index": "0",
    "file_id": None,  # a download, not a page
    "reminder_id": "1",
}
SKIP = {"/lang/{code}", "/logout", "/openapi.json"}
EXTRA = [
    "/documents?q=前海",
    "/documents?q=前海&year=2026&sort=-date",
    "/cited?q=前海合作区条例",
    "/ledger?status=overdue&as_of=2026-05-28",
    "/ledger?message=accepted+1",
    "/no-such-page",
    "/documents/999999",
]
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# paths, URLs, addresses, codes and file names (a dotted name like "audit.create" is words)
_URLISH = re.compile(r"\S*(?:/|://|@|_|\d)\S*|\S+\.(?:json|csv|xlsx|html?|txt|md|com|cn|org)\b")


class _Visible(HTMLParser):
    """The text a reader sees, and the attributes read aloud or shown (placeholder, title,
    aria-label, alt, button values); not what is inside <code>, <script> or <style>."""

    SHOWN = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("code", "script", "style"):
            self._hidden += 1
        values = dict(attrs)
        self.parts.extend(v for k, v in attrs if k in self.SHOWN and v)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def english_words(html: str, allowed: set[str]) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    text = _URLISH.sub(" ", " ".join(parser.parts))
    return sorted({w for w in _WORD.findall(text) if w.lower() not in allowed})


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every route with its full path (FastAPI keeps included routers apart from the app's)."""
    out = []
    for route in routes:
        if hasattr(route, "original_router"):
            out += _routes(route.original_router.routes, prefix + route.include_context.prefix)
        else:
            out.append((prefix + getattr(route, "path", ""), route))
    return out


def page_paths(app: Any, site: dict[str, Any]) -> list[str]:
    paths = []
    for full, route in _routes(app.routes):
        if not isinstance(route, Route) or "GET" not in (route.methods or ()) or full in SKIP:
            continue
        if full.startswith(("/api", "/static")) or "." in full.rsplit("/", 1)[-1]:
            continue  # JSON, files and downloads are not pages
        names = re.findall(r"{(\w+)}", full)
        unknown = [n for n in names if n not in PARAMS]
        assert not unknown, f"{full}: add its parameters {unknown} to PARAMS"
        if any(PARAMS[n] is None for n in names):
            continue
        path = full
        for n in names:
            value = PARAMS[n]
            assert value is not None  # the routes with a parameter we cannot fill were skipped
            path = path.replace("{" + n + "}", value.format(**site["ids"]))
        paths.append(path + ("?q=前海合作区条例" if path == "/cited" else ""))
    assert {"/", "/documents", "/ledger", "/report"} <= set(paths), paths  # the routes were found
    return sorted(set(paths + EXTRA))


@pytest.mark.parametrize("role_user", sorted(USERS))
def test_every_page_is_chinese(site: dict[str, Any], role_user: str) -> None:
    site["ids"] = {"doc_id": site["doc_id"], "task_id": site["tasks"]["3.1"]}
    client, _ = login(site, role_user)
    site["ids"]["title_id"] = client.get("/api/cited", params={"q": "前海合作区条例"}).json()["titles"][0][
        "id"
    ]
    allowed = ALLOWED | {n.lower() for n in USERS} | {"readout", "setup"}  # the fixture's own names
    found = {}
    for path in page_paths(client.app, site):
        response = client.get(path, headers={"Accept": "text/html"})
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        words = english_words(response.text, allowed)
        if words:
            found[path] = words
    assert not found, found


def test_the_login_page_is_chinese(site: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(create_app(site["db"]))
    for path in ("/login", "/login?error=401", "/login?error=429"):
        assert not english_words(client.get(path).text, ALLOWED), path


def test_the_checker_finds_english() -> None:
    assert english_words("<p>逾期 82 points behind 序时进度</p>", ALLOWED) == ["behind", "points"]
    assert english_words('<input placeholder="Search">', ALLOWED) == ["Search"]
    assert english_words("<code>GET /api/search</code> <a href='/x'>导出 CSV</a> 12 km", ALLOWED) == []
