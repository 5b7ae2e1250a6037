"""Follow-through in the web app, on each backend: the document page shows each directive's
later mentions, a directive has its timeline page, a task's later mentions are suggested
progress reports that only those who may report on the task can accept (with the session's
CSRF token), never recorded by themselves; the same as JSON."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from follow_set import build
from webutil import PASSWORD

from luoshi.accounts.service import Accounts
from luoshi.ledger.service import Ledger
from luoshi.store import open_store
from luoshi.web import create_app

USERS = {
    "super": ("supervisor", None),
    "lead": ("unit", "市交通运输局"),
    "other": ("unit", "市司法局"),
    "viewer": ("viewer", None),
}


@pytest.fixture(scope="module")
def site(module_db):
    store, ids = build(module_db)
    for name, (role, unit) in USERS.items():
        Accounts(store).add(name, PASSWORD, role, unit)
    ledger = Ledger(store, actor="setup")
    tasks = ledger.propose(ids["s01"], "滨江新区重点工作")
    for tid in tasks:
        ledger.decide_proposal(tid, True)
    road = next(t for t in tasks if "滨江大道" in ledger.task_record(t)[0]["title"])
    return {"db": module_db, "ids": ids, "tasks": tasks, "road": road}


def client_for(site: dict[str, Any], name: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(site["db"]))
    response = client.post("/api/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200
    return client, response.json()["csrf"]


def test_the_document_page_lists_each_directives_later_mentions(site):
    client, _ = client_for(site, "viewer")
    page = client.get(f"/documents/{site['ids']['s01']}").text
    section = page[page.index('id="follow"') :]
    assert "后续报道" in section
    assert f'href="/documents/{site["ids"]["s01"]}/directives/1"' in section
    assert f'href="/documents/{site["ids"]["f03"]}"' in section and "滨江国际人才港正式启用" in section
    for label in ("进展", "完成", "调整", "重申"):
        assert f">{label}</span>" in section
    client.cookies.set("lang", "en")
    english = client.get(f"/documents/{site['ids']['s01']}").text
    assert "Later mentions" in english and ">completed</span>" in english


def test_a_directive_has_its_timeline_page(site):
    client, _ = client_for(site, "viewer")
    s01 = site["ids"]["s01"]
    page = client.get(f"/documents/{s01}/directives/6").text
    assert "滨江大道快速化改造" in page
    dates = re.findall(r"<time>([\d-]+)</time>", page)
    assert dates == sorted(dates) and len(dates) == 2  # revised, then completed
    assert page.index(">调整</span>") < page.index(">完成</span>")
    assert client.get(f"/documents/{s01}/directives/99").status_code == 404
    assert client.get("/documents/999999/directives/1").status_code == 404


def test_the_task_page_offers_later_mentions_to_those_who_may_report(site):
    road = site["road"]
    for name, offered in (("super", True), ("lead", True), ("other", False), ("viewer", False)):
        client, _ = client_for(site, name)
        page = client.get(f"/ledger/tasks/{road}").text
        section = page[page.index('id="follow"') :]
        assert "滨江大道快速化改造主线正式通车" in html.unescape(section)
        assert (f'action="/ledger/tasks/{road}/follow/accept"' in section) is offered, name


def test_a_proposal_not_yet_accepted_takes_no_progress(site):
    draft = Ledger(open_store(site["db"]), actor="setup").propose(site["ids"]["s02"], "海澄港口")[0]
    client, _ = client_for(site, "super")
    page = client.get(f"/ledger/tasks/{draft}").text
    section = page[page.index('id="follow"') :]
    assert "集装箱码头四期" in section and "/follow/accept" not in section


def test_accepting_a_suggestion_records_a_progress_report(site):
    road = site["road"]
    viewer, viewer_csrf = client_for(site, "viewer")
    found = viewer.get(f"/api/tasks/{road}/follow").json()
    assert found["task"]["id"] == road and found["directive"]["index"] == 6
    done = next(s for s in found["suggestions"] if s["label"] == "完成")
    assert not done["accepted"] and done["percent"] == 100
    form = {"document_id": done["document_id"], "start": done["span"][0], "end": done["span"][1]}
    assert (
        viewer.post(
            f"/ledger/tasks/{road}/follow/accept", data={**form, "csrf_token": viewer_csrf}
        ).status_code
        == 403
    )
    other, other_csrf = client_for(site, "other")
    assert (
        other.post(f"/ledger/tasks/{road}/follow/accept", data={**form, "csrf_token": other_csrf}).status_code
        == 403
    )
    lead, csrf = client_for(site, "lead")
    assert lead.post(f"/ledger/tasks/{road}/follow/accept", data=form).status_code == 403  # no CSRF token
    assert viewer.get(f"/api/tasks/{road}").json()["progress"] == []  # nothing recorded by itself
    response = lead.post(
        f"/ledger/tasks/{road}/follow/accept", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    detail = lead.get(f"/api/tasks/{road}").json()
    (report,) = detail["progress"]
    assert report["source"]["document_id"] == done["document_id"] and report["source"]["span"] == done["span"]
    assert report["percent"] == 100 and report["reporter"] == "lead" and report["date"] == done["date"]
    page = lead.get(f"/ledger/tasks/{road}").text
    assert "已采纳" in page
    again = lead.post(
        f"/ledger/tasks/{road}/follow/accept", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert again.status_code == 303 and "error=" in again.headers["location"]
    assert len(lead.get(f"/api/tasks/{road}").json()["progress"]) == 1


def test_the_json_calls(site):
    client, csrf = client_for(site, "super")
    s01 = site["ids"]["s01"]
    found = client.get(f"/api/documents/{s01}/follow").json()
    assert found["document"] == {
        "id": s01,
        "name": "s01",
        "title": found["document"]["title"],
        "date": "2024-03-05",
    }
    first = found["directives"][0]
    assert set(first) == {"id", "index", "text", "span", "speaker", "addressee", "deadline", "mentions"}
    assert {m["name"]: m["label"] for m in first["mentions"]} == {"f01": "进展", "f03": "完成"}
    assert client.get("/api/documents/999999/follow").status_code == 404
    task = site["tasks"][0]
    suggestion = client.get(f"/api/tasks/{task}/follow").json()["suggestions"][0]
    body = {
        "document_id": suggestion["document_id"],
        "start": suggestion["span"][0],
        "end": suggestion["span"][1],
    }
    assert client.post(f"/api/tasks/{task}/follow/accept", json=body).status_code == 403  # no CSRF header
    response = client.post(f"/api/tasks/{task}/follow/accept", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json()["id"] > 0
    again = client.post(f"/api/tasks/{task}/follow/accept", json=body, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409
