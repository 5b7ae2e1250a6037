"""The office's work in the browser and the API, through the app (both backends): the task page's
actions and who sees them, progress with 佐证材料, requests and decisions, edits, 倒排, 催办单,
proposal review in bulk, a unit member's home, issuing and downloading the report, and the same
permission rule behind a page form and its API call. The tests of this module run in order on one
site (each builds on what the one before did)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from webutil import login

from luoshi.demo.ledger_sheet import TITLE
from luoshi.messages import message

HTML = {"accept": "text/html"}


pytestmark = pytest.mark.usefixtures("evidence_folder")  # (tests/web/conftest.py)


def _form(client, url, data, files=None, csrf=""):
    return client.post(url, data={**data, "csrf_token": csrf}, files=files, follow_redirects=False)


def _query(response) -> dict[str, str]:
    from urllib.parse import parse_qs, urlsplit

    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


def test_each_role_sees_only_the_actions_it_may_take(site):
    t31, t22 = site["tasks"]["3.1"], site["tasks"]["2.2"]
    forms = (
        "progress-form",
        "extension-form",
        "closure-form",
        "edit-form",
        "schedule-form",
        "remind-form",
        "evidence-form",
    )
    expected = {
        "super": {
            "progress-form",
            "extension-form",
            "closure-form",
            "edit-form",
            "schedule-form",
            "remind-form",
            "evidence-form",
        },
        "market": {"progress-form", "extension-form", "closure-form", "evidence-form"},
        "justice": set(),
        "viewer": set(),
    }
    for who, shown in expected.items():
        client, _ = login(site, who)
        page = client.get(f"/ledger/tasks/{t31}")
        assert page.status_code == 200, page.text
        assert {f for f in forms if f'id="{f}"' in page.text} == shown, who
    justice, _ = login(site, "justice")
    assert 'id="progress-form"' in justice.get(f"/ledger/tasks/{t22}").text  # its own task


def test_the_same_rule_refuses_the_form_and_the_api(site):
    t31 = site["tasks"]["3.1"]
    client, csrf = login(site, "market")
    form = _form(client, f"/ledger/tasks/{t31}/edit", {"title": "越权修改"}, csrf=csrf)
    assert form.status_code == 403
    api = client.post(f"/api/tasks/{t31}/edit", json={"title": "越权修改"}, headers={"X-CSRF-Token": csrf})
    assert api.status_code == 403 and api.json()["detail"] == message("perm.task.edit")
    page = client.post(f"/ledger/tasks/{t31}/edit", data={"title": "x", "csrf_token": csrf}, headers=HTML)
    assert "只有督查室可以修改任务" in page.text  # the reason, in Chinese, on the error page
    justice, jcsrf = login(site, "justice")
    for url, body in (
        (f"/api/tasks/{t31}/requests", {"kind": "closure", "text": "越权办结"}),
        (f"/api/tasks/{t31}/milestones", {"milestones": {"初稿": 5}}),
    ):
        assert justice.post(url, json=body, headers={"X-CSRF-Token": jcsrf}).status_code == 403, url


def test_future_and_early_report_dates_are_refused_with_the_catalogue_sentence(site):
    t31 = site["tasks"]["3.1"]
    client, csrf = login(site, "market")
    tomorrow = date.today() + timedelta(days=1)
    refused = _form(
        client, f"/ledger/tasks/{t31}/progress", {"text": "明天", "on": tomorrow.isoformat()}, csrf=csrf
    )
    assert refused.status_code == 303
    assert _query(refused)["error"] == message("ledger.report_in_future", on=tomorrow, today=date.today())
    api = client.post(
        f"/api/tasks/{t31}/progress",
        json={"text": "去年", "date": "2025-06-01"},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 422 and "早于任务开始日期" in api.json()["detail"]
    page = client.get(refused.headers["location"])
    assert "晚于今天" in page.text and 'max="' in page.text  # the date picker stops at today


def test_a_unit_reports_with_evidence_and_asks_for_closure_the_office_closes_with_a_grade(site):
    t31 = site["tasks"]["3.1"]
    client, csrf = login(site, "market")
    done = _form(
        client,
        f"/ledger/tasks/{t31}/progress",
        {"text": "系统全部上线", "percent": "100", "on": "2026-05-20"},
        files=[
            ("files", ("上线通知.pdf", b"%PDF-1.4 notice", "application/pdf")),
            ("files", ("", b"", "application/octet-stream")),
        ],
        csrf=csrf,
    )
    assert done.status_code == 303 and "ok" in _query(done), _query(done)
    page = client.get(f"/ledger/tasks/{t31}").text
    assert "待销号" in page and "上线通知.pdf" in page and 'id="closure-form"' in page
    found = re.search(r'href="(/ledger/evidence/\d+)"', page)
    assert found
    link = found.group(1)
    download = client.get(link)
    assert download.content == b"%PDF-1.4 notice" and "attachment" in download.headers["content-disposition"]
    assert download.headers["content-type"] == "application/octet-stream"
    justice, _ = login(site, "justice")  # another unit, not on the task
    assert justice.get(link).status_code == 403 and "上线通知" not in justice.get(f"/ledger/tasks/{t31}").text
    seen = justice.get(f"/api/tasks/{t31}").json()  # the API shows what the page shows
    assert (
        seen["evidence"] == [] and seen["progress"][-1]["files"] == [] and seen["may"]["task.report"] is False
    )
    viewer, _ = login(site, "viewer")
    assert viewer.get(link).status_code == 200
    assert [f["name"] for f in viewer.get(f"/api/tasks/{t31}").json()["evidence"]] == ["上线通知.pdf"]
    bad = _form(
        client,
        f"/ledger/tasks/{t31}/evidence",
        {},
        files=[("files", ("run.exe", b"MZ", "application/x"))],
        csrf=csrf,
    )
    assert "不在允许范围内" in _query(bad)["error"]
    asked = _form(
        client,
        f"/ledger/tasks/{t31}/requests",
        {"kind": "closure", "text": "已全部完成，申请办结", "on": "2026-05-21"},
        files=[("files", ("办结报告.docx", b"PK report", "application/octet-stream"))],
        csrf=csrf,
    )
    assert _query(asked)["ok"] == message("office.done.closure")
    super_, scsrf = login(site, "super")
    page = super_.get(f"/ledger/tasks/{t31}").text
    request = re.search(r'action="/ledger/requests/(\d+)/decision"', page)
    assert request
    rid = int(request.group(1))
    assert "办结报告.docx" in page and "评定等次" in page
    assert f"#request-{rid}" in super_.get("/requests").text  # waiting for the office
    refused = _form(
        super_, f"/ledger/requests/{rid}/decision", {"decision": "accept", "on": "2026-05-25"}, csrf=scsrf
    )
    assert "销号需要评定等次" in _query(refused)["error"]
    closed = _form(
        super_,
        f"/ledger/requests/{rid}/decision",
        {"decision": "accept", "grade": "优秀", "on": "2026-05-25"},
        csrf=scsrf,
    )
    assert _query(closed)["ok"] == message("office.done.decided")
    detail = super_.get(f"/api/tasks/{t31}").json()
    assert (detail["state"], detail["grade"], detail["done_date"], detail["status"]) == (
        "closed",
        "优秀",
        "2026-05-20",
        "done",
    )
    history = super_.get(f"/ledger/tasks/{t31}").text
    assert "销号" in history and "上传佐证材料" in history and "提交办结申请" in history
    files = super_.get(f"/api/tasks/{t31}/evidence").json()
    assert {f["name"] for f in files} == {"上线通知.pdf", "办结报告.docx"}


def test_extension_requested_by_the_unit_and_decided_by_the_office(site):
    t22 = site["tasks"]["2.2"]  # 市司法局's; ongoing, no deadline
    super_, scsrf = login(site, "super")
    edited = _form(
        super_,
        f"/ledger/tasks/{t22}/edit",
        {
            "title": "更新涉港澳规则清单",
            "lead_unit": "市司法局",
            "co_units": "前海管理局、市商务局",
            "deadline": "2026-06-30",
        },
        csrf=scsrf,
    )
    assert _query(edited)["ok"] == message("office.saved")
    client, csrf = login(site, "justice")
    asked = client.post(
        f"/api/tasks/{t22}/requests",
        json={
            "kind": "extension",
            "text": "需征求港澳意见",
            "new_deadline": "2026-09-30",
            "date": "2026-06-01",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert asked.status_code == 200, asked.text
    again = _form(
        client,
        f"/ledger/tasks/{t22}/requests",
        {"kind": "extension", "text": "再次", "new_deadline": "2026-10-30", "on": "2026-06-02"},
        csrf=csrf,
    )
    assert "已有待审批的延期申请" in _query(again)["error"]
    assert (
        client.post(
            f"/api/requests/{asked.json()['id']}/decision",
            json={"accept": True},
            headers={"X-CSRF-Token": csrf},
        ).status_code
        == 403
    )
    decided = super_.post(
        f"/api/requests/{asked.json()['id']}/decision",
        json={"accept": True, "date": "2026-06-03"},
        headers={"X-CSRF-Token": scsrf},
    )
    assert decided.status_code == 200, decided.text
    detail = super_.get(f"/api/tasks/{t22}").json()
    assert (detail["deadline"], detail["original_deadline"]) == ("2026-09-30", "2026-06-30")
    assert detail["co_units"] == ["前海管理局", "市商务局"] and detail["title"] == "更新涉港澳规则清单"
    page = super_.get(f"/ledger/tasks/{t22}").text
    assert "督查室修改任务" in page and "完成时限：—" in page and "已同意" in page


def test_evidence_is_deleted_by_its_unit_or_the_office_and_the_page_updates(site, evidence_folder):
    t22, t31 = site["tasks"]["2.2"], site["tasks"]["3.1"]
    justice, jcsrf = login(site, "justice")  # 2.2 is 市司法局's, still active
    up = _form(
        justice,
        f"/ledger/tasks/{t22}/evidence",
        {},
        files=[
            ("files", ("误传材料.pdf", b"%PDF wrong file", "application/pdf")),
            ("files", ("会议照片.png", b"\x89PNG photo", "image/png")),
        ],
        csrf=jcsrf,
    )
    assert "ok" in _query(up), _query(up)
    files = {f["name"]: f for f in justice.get(f"/api/tasks/{t22}/evidence").json()}
    wrong, photo = files["误传材料.pdf"], files["会议照片.png"]
    stored = [p for p in evidence_folder.rglob("*") if p.is_file() and ".incoming" not in p.parts]
    on_disk = {p.name for p in stored}
    assert {wrong["sha256"], photo["sha256"]} <= on_disk
    page = justice.get(f"/ledger/tasks/{t22}").text
    assert f'action="/ledger/evidence/{wrong["id"]}/delete"' in page
    market, mcsrf = login(site, "market")  # another unit: neither the button nor the deletion
    assert f"/ledger/evidence/{wrong['id']}/delete" not in market.get(f"/ledger/tasks/{t22}").text
    assert _form(market, f"/ledger/evidence/{wrong['id']}/delete", {}, csrf=mcsrf).status_code == 403
    viewer, vcsrf = login(site, "viewer")
    assert _form(viewer, f"/ledger/evidence/{wrong['id']}/delete", {}, csrf=vcsrf).status_code == 403
    gone = _form(justice, f"/ledger/evidence/{wrong['id']}/delete", {}, csrf=jcsrf)
    assert gone.status_code == 303 and _query(gone)["ok"] == message("office.done.evidence_deleted")
    page = justice.get(gone.headers["location"]).text
    section = re.search(r'<section id="evidence">.*?</section>', page, re.S)
    assert section
    listed = section.group(0)
    assert "误传材料.pdf" not in listed and "会议照片.png" in listed
    assert re.search(r"删除佐证材料.*误传材料\.pdf", page, re.S)  # the history names it
    assert justice.get(f"/ledger/evidence/{wrong['id']}").status_code == 404
    assert wrong["sha256"] not in {p.name for p in evidence_folder.rglob("*")}  # removed from disk
    super_, scsrf = login(site, "super")
    api = super_.delete(f"/api/evidence/{photo['id']}", headers={"X-CSRF-Token": scsrf})
    assert api.status_code == 200 and api.json() == {"deleted": photo["id"], "task": t22}
    assert super_.get(f"/api/tasks/{t22}/evidence").json() == []
    again = super_.delete(f"/api/evidence/{photo['id']}", headers={"X-CSRF-Token": scsrf})
    assert again.status_code == 404
    closed = {f["name"]: f for f in super_.get(f"/api/tasks/{t31}/evidence").json()}  # closed (销号)
    notice = closed["上线通知.pdf"]
    market_page = market.get(f"/ledger/tasks/{t31}").text
    assert "上线通知.pdf" in market_page and f"/ledger/evidence/{notice['id']}/delete" not in market_page
    refused = market.delete(f"/api/evidence/{notice['id']}", headers={"X-CSRF-Token": mcsrf})
    assert refused.status_code == 403 and refused.json()["detail"] == message("perm.task.evidence.delete")
    assert f"/ledger/evidence/{notice['id']}/delete" in super_.get(f"/ledger/tasks/{t31}").text


def test_milestones_scheduled_backwards_from_the_page(site):
    super_, scsrf = login(site, "super")
    tasks = super_.get("/api/tasks", params={"as_of": "2026-06-01"}).json()
    task = next(t for t in tasks if t["code"] == "2.1")["id"]
    bad = _form(super_, f"/ledger/tasks/{task}/milestones", {"lines": "方案初稿 十五"}, csrf=scsrf)
    assert "无法识别" in _query(bad)["error"]
    ok = _form(
        super_,
        f"/ledger/tasks/{task}/milestones",
        {"lines": "方案初稿 15\n征求意见，10\n报批 3个工作日"},
        csrf=scsrf,
    )
    assert _query(ok)["ok"] == message("office.done.scheduled", n=3)
    milestones = super_.get(f"/api/tasks/{task}").json()["milestones"]
    assert [m["title"] for m in milestones] == ["方案初稿", "征求意见", "报批"]
    assert milestones[-1]["due"] < "2026-10-31"
    api = super_.post(
        f"/api/tasks/{task}/milestones", json={"milestones": {"报批": 5}}, headers={"X-CSRF-Token": scsrf}
    )
    assert api.status_code == 200 and len(super_.get(f"/api/tasks/{task}").json()["milestones"]) == 3


def test_reminders_sent_per_unit_kept_and_printable(site):
    super_, scsrf = login(site, "super")
    page = super_.get("/reminders").text
    assert "人民银行深圳市分行" in page and "逾期未完成" in page
    sent = _form(
        super_,
        "/reminders",
        {"unit": "人民银行深圳市分行", "reply_by": date.today().isoformat(), "note": "请三日内回复"},
        csrf=scsrf,
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/reminders/")
    sheet = super_.get(sent.headers["location"]).text
    year = date.today().year
    assert f"催办〔{year}〕1号" in sheet and "督查催办单" in sheet and "人民银行深圳市分行：" in sheet
    assert "结算流程优化" in sheet and "请三日内回复" in sheet
    assert f"催办〔{year}〕1号" in super_.get("/reminders").text  # kept as sent
    market, _ = login(site, "market")
    assert market.get(sent.headers["location"]).status_code == 403  # not sent to it
    viewer, _ = login(site, "viewer")
    assert viewer.get(sent.headers["location"]).status_code == 200
    task = super_.get("/api/tasks").json()
    one = next(t for t in task if t["code"] == "1.2")["id"]
    single = _form(super_, f"/ledger/tasks/{one}/remind", {"note": ""}, csrf=scsrf)
    assert single.headers["location"].startswith("/reminders/")
    assert f"催办〔{year}〕2号" in super_.get(f"/ledger/tasks/{one}").text
    listing = super_.get("/api/reminders").json()
    assert [r["number"] for r in listing] == [2, 1]


def test_proposals_are_reviewed_edited_and_accepted_in_bulk(site):
    doc = site["doc_id"]
    super_, scsrf = login(site, "super")
    document = super_.get(f"/documents/{doc}").text
    assert 'id="propose-form"' in document and "data-api" not in document and 'id="span-' in document
    spans = re.findall(r'<li><a href="#(span-\d+-\d+)"', document)
    assert len(spans) == 2
    proposed = _form(super_, f"/documents/{doc}/propose", {"programme": "专题会议部署事项"}, csrf=scsrf)
    assert proposed.headers["location"].startswith(f"/ledger/proposals?document={doc}")
    review = super_.get(proposed.headers["location"]).text
    ids = [int(i) for i in re.findall(r'name="row" value="(\d+)"', review)]
    assert len(ids) == 2 and f'href="/documents/{doc}#{spans[0]}"' in review
    data = {
        "csrf_token": scsrf,
        "document": str(doc),
        "action": "accept",
        "row": [str(i) for i in ids],
        "ids": [str(i) for i in ids],
        f"title-{ids[0]}": "倒排工期确保6月底前完成",
        f"lead-{ids[0]}": "前海管理局",
        f"co-{ids[0]}": "市发改委、市商务局",
        f"deadline-{ids[0]}": "2026-06-30",
        f"title-{ids[1]}": "制定任务清单",
        f"lead-{ids[1]}": "市市场监管局",
        f"co-{ids[1]}": "",
        f"deadline-{ids[1]}": "2026-04-30",
    }
    confirm = super_.post("/ledger/proposals", data=data)
    assert (
        confirm.status_code == 200
        and "确认采纳以下2项任务？" in confirm.text
        and "倒排工期确保6月底前完成" in confirm.text
    )
    drafts = super_.get("/api/tasks", params={"drafts": True}).json()
    assert {t["id"]: t["state"] for t in drafts if t["id"] in ids} == dict.fromkeys(ids, "draft")  # not yet
    decided = super_.post(
        "/ledger/proposals/decide",
        data={"csrf_token": scsrf, "document": str(doc), "action": "accept", "ids": [str(i) for i in ids]},
        follow_redirects=False,
    )
    assert _query(decided)["ok"] == message("office.done.accepted", n=2)
    accepted = super_.get(f"/api/tasks/{ids[0]}").json()
    assert (accepted["state"], accepted["title"], accepted["lead_unit"], accepted["co_units"]) == (
        "active",
        "倒排工期确保6月底前完成",
        "前海管理局",
        ["市发改委", "市商务局"],
    )
    task_page = super_.get(f"/ledger/tasks/{ids[0]}").text
    assert f'href="/documents/{doc}#{spans[0]}"' in task_page  # back to its sentence
    assert f'href="/ledger/tasks/{ids[0]}"' in super_.get(f"/documents/{doc}").text
    again = super_.post(
        "/api/proposals/decide", json={"ids": ids, "accept": False}, headers={"X-CSRF-Token": scsrf}
    )
    assert again.status_code == 409 and "不是待确认任务" in again.json()["detail"]
    market, _ = login(site, "market")
    assert market.get(f"/ledger/proposals?document={doc}").status_code == 403


def test_a_unit_member_lands_on_its_own_tasks_urgent_first(site):
    client, _ = login(site, "justice")
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/my"
    page = client.get("/my").text
    lead = page.split('id="lead"')[1].split('id="co"')[0]
    assert "更新涉港澳规则清单" in lead  # 2.2, led by 市司法局
    assert client.get("/?all=1").status_code == 200  # the dashboard is a link away
    mine = client.get("/api/my").json()
    assert [t["code"] for t in mine["lead"]] == ["2.2"] and mine["co"] == []
    market, _ = login(site, "market")
    codes = [t["code"] for t in market.get("/api/my").json()["lead"]]
    assert codes[-1] == "3.1"  # closed work last, after the draft-turned-task that is overdue
    super_, _ = login(site, "super")
    assert super_.get("/my", follow_redirects=False).headers["location"] == "/?all=1"


def test_the_office_issues_the_report_and_downloads_it_in_both_formats(site):
    super_, scsrf = login(site, "super")
    params = {"as_of": "2026-05-28", "programme": TITLE}
    page = super_.get("/report", params=params).text
    assert "第1期（未发布）" in page and 'id="issue-form"' in page and "各单位办结情况及排名" in page
    assert "办结率" in page
    issued = _form(super_, "/report/issue", {**params, "office": "前海合作区督查室"}, csrf=scsrf)
    assert "已发布第1期" in _query(issued)["ok"]
    page = super_.get("/report", params=params).text
    assert "第1期（未发布）" not in page and "前海合作区督查室" in page and 'id="issue-form"' not in page
    html = super_.get("/report.html", params=params).text
    assert "第1期" in html and "2026年" in html and "前海合作区督查室" in html and "@page" in html
    assert not re.search(r"points behind|not issued|deadline", html)
    later = super_.get("/report", params={**params, "as_of": "2026-06-30"}).text
    assert "与第1期（截至2026-05-28）相比" in later and "第2期（未发布）" in later
    book = load_workbook(io.BytesIO(super_.get("/report.xlsx", params=params).content))
    assert book["汇总"]["A1"].value == f"督查通报：{TITLE}" and "待销号" in book.sheetnames
    viewer, vcsrf = login(site, "viewer")
    assert 'id="issue-form"' not in viewer.get("/report", params={**params, "as_of": "2026-04-30"}).text
    assert viewer.post("/api/report/issue", json=params, headers={"X-CSRF-Token": vcsrf}).status_code == 403


def test_reasons_follow_the_page_language(site):
    client, _ = login(site, "super")
    zh = client.get("/report", params={"as_of": "2026-05-28", "programme": TITLE}).text
    assert "落后序时进度" in zh and "points behind" not in zh
    client.get("/lang/en")
    en = client.get("/report", params={"as_of": "2026-05-28", "programme": TITLE}).text
    assert "points behind" in en and "落后序时进度" not in en and "Completion by unit, ranked" in en
    task = client.get(f"/ledger/tasks/{site['tasks']['1.1']}").text
    assert "Requests and decisions" in task and "申请与审批" not in task


def test_app_js_has_no_alert_and_pages_no_inline_script_or_style(site):
    client, _ = login(site, "super")
    assert "alert(" not in client.get("/static/app.js").text
    for path in (
        "/reminders",
        "/requests",
        "/ledger/proposals",
        f"/ledger/tasks/{site['tasks']['1.1']}",
        "/report",
    ):
        text = client.get(path).text
        assert (
            "<script>" not in text
            and "<style>" not in text
            and 'style="' not in text
            and "onclick" not in text
        ), path
