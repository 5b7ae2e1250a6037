import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webutil import PASSWORD, login

from luoshi.messages import message
from luoshi.web import create_app


def test_everything_needs_a_login(site):
    client = TestClient(create_app(site["db"]))
    for path in ("/api/me", "/api/search?q=前海", "/api/documents", "/api/tasks", "/api/report"):
        assert client.get(path).status_code == 401, path
    page = client.get("/ledger", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/ledger"
    assert client.get("/openapi.json").status_code == 401  # the API's description too
    assert client.get("/docs", follow_redirects=False).headers["location"] == "/login?next=/docs"


def test_login_cookie_flags_and_wrong_password(site):
    client = TestClient(create_app(site["db"]))
    assert client.post("/api/login", json={"name": "viewer", "password": "nope-nope"}).status_code == 401
    response = client.post("/api/login", json={"name": "viewer", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/api/me").json()["role"] == "viewer"


def test_login_attempts_are_rate_limited(site):
    client = TestClient(create_app(site["db"]))
    for _ in range(5):
        assert client.post("/api/login", json={"name": "admin", "password": "wrong-pass"}).status_code == 401
    blocked = client.post("/api/login", json={"name": "admin", "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password, until the window passes


def test_read_routes_for_a_viewer(site):
    client, _ = login(site, "viewer")
    doc_id, task_id = site["doc_id"], site["tasks"]["3.1"]
    hits = client.get("/api/search", params={"q": "專題會議"}).json()
    assert (
        hits["total"] == 1
        and hits["rows"][0]["id"] == doc_id
        and "【专题会议】" in hits["rows"][0]["snippet"]
    )
    assert client.get("/api/documents").json()["rows"][0]["id"] == doc_id
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert doc["facts"]["persons"] == ["周明远"]
    assert client.get("/api/people/周明远").json()["people"][0]["posts"][0]["post"] == "市委书记"
    cited = client.get("/api/cited", params={"q": "前海合作区条例"}).json()["titles"][0]
    assert client.get(f"/api/cited/{cited['id']}").json()["citing"][0]["document_id"] == doc_id
    tasks = client.get("/api/tasks", params={"as_of": "2026-05-01"}).json()
    assert len(tasks) == 9 and {"status", "colour", "rule"} <= set(tasks[0])
    assert client.get(f"/api/tasks/{task_id}").json()["code"] == "3.1"
    report = client.get("/api/report", params={"as_of": "2026-05-28"}).json()
    assert set(report["counts"]) == {
        "done",
        "done_late",
        "awaiting_closure",
        "overdue",
        "at_risk",
        "on_track",
        "not_started",
        "ongoing",
    }
    export = client.get("/api/ledger/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert client.get("/api/documents/99999").status_code == 404


def test_changes_need_the_csrf_token(site):
    client, csrf = login(site, "admin")
    url = f"/api/tasks/{site['tasks']['3.1']}/progress"
    assert client.post(url, json={"text": "无令牌"}).status_code == 403
    assert client.post(url, json={"text": "错令牌"}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert (
        client.post(
            url, json={"text": "有令牌", "date": "2026-04-01"}, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 200
    )


CHANGES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    # name: (method, url template, json body or None)
    "progress_own": (
        "post",
        "/api/tasks/{t31}/progress",
        {"text": "进展", "percent": 50, "date": "2026-04-02"},
    ),
    "progress_other": ("post", "/api/tasks/{t22}/progress", {"text": "进展", "date": "2026-04-02"}),
    "propose": ("post", "/api/documents/{doc}/propose", {"programme": "矩阵测试-{who}"}),
    "report": ("get", "/api/report", None),
}
EXPECTED = {
    "admin": {"progress_own": 200, "progress_other": 200, "propose": 200, "report": 200},
    "super": {"progress_own": 200, "progress_other": 200, "propose": 200, "report": 200},
    "market": {"progress_own": 200, "progress_other": 403, "propose": 403, "report": 200},
    "justice": {"progress_own": 403, "progress_other": 200, "propose": 403, "report": 200},
    "viewer": {"progress_own": 403, "progress_other": 403, "propose": 403, "report": 200},
}


SUPERVISING = {"admin", "super"}


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["序号", "任务", "牵头单位", "完成时限"])
    wb.active.append(["1", "矩阵任务", "市商务局", "2026年6月"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix_for_supervision_changes(site, who):
    sup, sup_csrf = login(site, "super")
    drafts = sup.post(
        f"/api/documents/{site['doc_id']}/propose",
        json={"programme": f"矩阵草案-{who}"},
        headers={"X-CSRF-Token": sup_csrf},
    ).json()["tasks"]
    client, csrf = login(site, who)
    headers = {"X-CSRF-Token": csrf}
    expected = 200 if who in SUPERVISING else 403
    assert client.post(f"/api/tasks/{drafts[0]}/accept", headers=headers).status_code == expected
    assert client.post(f"/api/tasks/{drafts[1]}/reject", headers=headers).status_code == expected
    upload = client.post(
        "/api/documents",
        headers=headers,
        files=[("files", (f"{who}.txt", f"{who}：会议强调，要倒排工期。".encode(), "text/plain"))],
    )
    assert upload.status_code == expected
    imported = client.post(
        "/api/ledger/import",
        params={"programme": f"矩阵导入-{who}"},
        headers=headers,
        files={"file": ("m.xlsx", _xlsx())},
    )
    assert imported.status_code == expected, imported.text


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix(site, who):
    client, csrf = login(site, who)
    for change, (method, template, body) in CHANGES.items():
        url = template.format(t31=site["tasks"]["3.1"], t22=site["tasks"]["2.2"], doc=site["doc_id"], who=who)
        payload = {k: v.format(who=who) if isinstance(v, str) else v for k, v in (body or {}).items()}
        kwargs = {"headers": {"X-CSRF-Token": csrf}}
        if body is not None:
            kwargs["json"] = payload
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == EXPECTED[who][change], (who, change, response.text)


def test_accept_reject_and_audit_names_the_user(site):
    client, csrf = login(site, "super")
    ids = client.post(
        f"/api/documents/{site['doc_id']}/propose",
        json={"programme": "审议事项"},
        headers={"X-CSRF-Token": csrf},
    ).json()["tasks"]
    assert len(ids) == 2
    unit_client, unit_csrf = login(site, "market")
    assert (
        unit_client.post(f"/api/tasks/{ids[0]}/accept", headers={"X-CSRF-Token": unit_csrf}).status_code
        == 403
    )
    assert client.post(f"/api/tasks/{ids[0]}/accept", headers={"X-CSRF-Token": csrf}).json() == {
        "status": "accepted"
    }
    assert client.post(f"/api/tasks/{ids[1]}/reject", headers={"X-CSRF-Token": csrf}).json() == {
        "status": "rejected"
    }
    assert client.post(f"/api/tasks/{ids[1]}/accept", headers={"X-CSRF-Token": csrf}).status_code == 409
    detail = client.get(f"/api/tasks/{ids[1]}").json()
    assert detail["state"] == "rejected" and detail["source"]["document_id"] == site["doc_id"]
    from luoshi.ledger.service import Ledger
    from luoshi.store import open_store

    history = Ledger(open_store(site["db"])).history(ids[0])
    assert ("super", "accept") in [(h["actor"], h["action"]) for h in history]


def test_upload_reports_rejections(site):
    client, csrf = login(site, "admin")
    files = [
        (
            "files",
            ("good.txt", "2026年5月2日讯 5月1日,市长陈思远主持召开市政府常务会议。".encode(), "text/plain"),
        ),
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("scan.pdf", b"%PDF-1.4", "application/pdf")),
    ]
    result = client.post("/api/documents", files=files, headers={"X-CSRF-Token": csrf}).json()
    assert result["added"] == ["good.txt"]
    assert {r["file"]: r["reason"] for r in result["rejected"]} == {
        "empty.txt": message("empty_file"),
        "scan.pdf": message("unsupported_type", suffix=".pdf"),
    }
    viewer, vcsrf = login(site, "viewer")
    assert viewer.post("/api/documents", files=files[:1], headers={"X-CSRF-Token": vcsrf}).status_code == 403


def test_ledger_import_via_api(site):
    from openpyxl import Workbook

    client, csrf = login(site, "super")
    wb = Workbook()
    wb.active.append(["序号", "任务", "牵头单位", "完成时限"])
    wb.active.append(["1", "新任务", "市商务局", "不知道何时"])
    buf = io.BytesIO()
    wb.save(buf)
    response = client.post(
        "/api/ledger/import", files={"file": ("bad.xlsx", buf.getvalue())}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 422
    assert response.json()["detail"]["rows"] == ["第2行：无法理解完成时限“不知道何时”"]


def test_the_import_form_says_its_result_in_the_page_language(site):
    from openpyxl import Workbook

    client, csrf = login(site, "super")
    wb = Workbook()
    wb.active.append(["序号", "任务", "牵头单位", "完成时限"])
    wb.active.append(["1", "表单导入的任务", "市商务局", "2026年12月31日前"])
    wb.active.append(["2", "表单导入的第二项", "市商务局", "2026年11月30日前"])
    buf = io.BytesIO()
    wb.save(buf)
    name = "表单导入.xlsx"
    page = client.post("/ledger/import", data={"csrf_token": csrf}, files={"file": (name, buf.getvalue())})
    assert page.status_code == 200, page.text
    programme = re.search(r"已导入2项任务到“([^”]+)”", page.text)
    assert programme, page.text  # the catalogue's sentence, not an English line
    said = message("import.done", lang="en", count=2, programme=programme[1], added=0, updated=0)
    client.get("/lang/en")
    again = client.post("/ledger/import", data={"csrf_token": csrf}, files={"file": (name, buf.getvalue())})
    assert said.replace("'", "&#39;") in again.text, again.text
    no_token = client.post("/ledger/import", files={"file": (name, buf.getvalue())})
    assert no_token.status_code == 403 and "CSRF" in no_token.text


def test_pages_render_for_each_role(site):
    for who in ("admin", "market", "viewer"):
        client, _ = login(site, who)
        for path in (
            "/",
            "/documents",
            "/documents?q=前海",
            f"/documents/{site['doc_id']}",
            "/people/周明远",
            "/people",
            "/cited?title=前海合作区条例",
            "/ledger",
            f"/ledger/tasks/{site['tasks']['3.1']}",
            "/upload",
        ):
            response = client.get(path)
            assert response.status_code == 200, (who, path)
        assert "English" in client.get("/").text
        client.get("/lang/en")
        assert "Dashboard" in client.get("/").text


def test_page_forms_check_csrf_and_unit(site):
    client, csrf = login(site, "justice")
    url = f"/ledger/tasks/{site['tasks']['3.1']}/progress"
    assert client.post(url, data={"text": "越权", "csrf_token": csrf}).status_code == 403
    own = f"/ledger/tasks/{site['tasks']['2.2']}/progress"
    assert client.post(own, data={"text": "无令牌"}).status_code == 403
    done = client.post(
        own, data={"text": "规则清单已更新", "csrf_token": csrf, "on": "2026-04-01"}, follow_redirects=False
    )
    assert done.status_code == 303


def test_dashboard_follows_ledger_changes(site):
    client, csrf = login(site, "super")
    before = client.get("/").text
    task = site["tasks"]["1.1"]
    client.post(
        f"/api/tasks/{task}/progress",
        json={"text": "完成", "percent": 100, "date": "2026-01-20"},
        headers={"X-CSRF-Token": csrf},
    )
    after = client.get("/").text
    assert before != after  # the cached dashboard is rebuilt after the change
