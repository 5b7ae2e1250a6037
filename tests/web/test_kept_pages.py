"""The task and document pages kept per version of the data (``web.tasks.TaskParts``,
``web.pages.DocumentParts``), on both backends: one kept page is shared by every reader of one
server, so each role still sees only what it may (never the version another role's request
made), and a write — from this server or from any other process on the store — shows at once."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from webutil import PASSWORD

from luoshi.demo.ledger_sheet import TITLE
from luoshi.ledger.service import Ledger
from luoshi.store import open_store
from luoshi.web import create_app

FILE = "验收材料-保密.pdf"


pytestmark = pytest.mark.usefixtures("evidence_folder")  # (tests/web/conftest.py)


@pytest.fixture(scope="module")
def app(site):
    return create_app(site["db"])


def _client(app, name: str) -> tuple[TestClient, str]:
    """A client of the one ``app`` (its caches shared with the other clients) logged in as ``name``."""
    client = TestClient(app)
    response = client.post("/api/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, response.json()["csrf"]


def _evidence_on(app, task: int) -> None:
    """The lead unit reports progress with a file (through the same server)."""
    market, csrf = _client(app, "market")
    response = market.post(
        f"/ledger/tasks/{task}/progress",
        data={"text": "完成验收", "percent": "80", "on": date.today().isoformat(), "csrf_token": csrf},
        files=[("files", (FILE, b"%PDF-1.4 secret", "application/pdf"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_a_kept_task_page_shows_each_role_only_what_it_may(app, site):
    task = site["tasks"]["3.1"]  # led by 市市场监管局; 市司法局 is not named on it
    _evidence_on(app, task)
    justice, _ = _client(app, "justice")
    office, _ = _client(app, "super")
    market, _ = _client(app, "market")
    # the unit that may not read the evidence first: the page it makes is kept without the file…
    for client in (justice, office, justice, market, justice):
        page = client.get(f"/ledger/tasks/{task}").text
        api = client.get(f"/api/tasks/{task}").json()
        if client is justice:
            assert FILE not in page and "/ledger/evidence/" not in page and 'id="edit-form"' not in page
            assert api["evidence"] == [] and all(p["files"] == [] for p in api["progress"])
            assert 'id="reminders"' not in page
        else:  # …and those who may read it see it, the office with its remove button and every unit
            assert FILE in page and [f["name"] for f in api["evidence"]] == [FILE]
            assert [f["name"] for p in api["progress"] for f in p["files"]] == [FILE]
            assert api["progress"][-1]["files"][0]["may_delete"] is True
            if client is office:
                assert 'id="edit-form"' in page and "evidence-delete" in page
                assert '<option value="市司法局">' in page  # every unit, for the edit form
            else:
                assert 'id="edit-form"' not in page and '<option value="市司法局">' not in page
    # nothing taken away for one reader is missing for the next (the kept parts are not changed)
    assert FILE in office.get(f"/ledger/tasks/{task}").text


def test_a_kept_task_page_changes_with_a_write_from_another_process(app, site):
    task = site["tasks"]["2.2"]
    office, _ = _client(app, "super")
    before = office.get(f"/ledger/tasks/{task}").text
    assert "另一个进程报送的进展" not in before
    assert office.get(f"/ledger/tasks/{task}").text == before  # kept: the same page again
    # another process (its own store and ledger, not this server) writes to the same store
    Ledger(open_store(site["db"]), actor="elsewhere").report_progress(
        task, date.today(), "另一个进程报送的进展"
    )
    after = office.get(f"/ledger/tasks/{task}").text
    assert "另一个进程报送的进展" in after and "elsewhere" in after  # the progress and its audit entry
    assert office.get(f"/api/tasks/{task}").json()["progress"][-1]["text"] == "另一个进程报送的进展"


def test_a_kept_document_page_changes_with_a_write_and_keeps_each_role_s_form(app, site):
    doc = site["doc_id"]
    viewer, _ = _client(app, "viewer")
    office, csrf = _client(app, "super")
    page = viewer.get(f"/documents/{doc}").text
    assert 'class="task-link"' not in page and 'id="propose-form"' not in page
    mine = office.get(f"/documents/{doc}").text  # the supervisor's form on the kept page, with its token
    token = re.search(r'id="propose-form"><input type="hidden" name="csrf_token" value="([^"]*)"', mine)
    assert token is not None and token[1] == csrf
    Ledger(open_store(site["db"]), actor="elsewhere").propose(doc, TITLE)  # tasks drafted from its directives
    page = viewer.get(f"/documents/{doc}").text
    assert 'class="task-link"' in page and 'id="propose-form"' not in page
