"""The office's journeys in Debian's chromium (Playwright) against the served site: milestones
scheduled backwards, an extension decided, progress reported with evidence and closure asked
for, the task closed with a grade, proposals edited and accepted in bulk, the report issued and
downloaded in both formats, and a unit member's home at 390 px. Screenshots go to
``test-artifacts/`` (kept by CI). The journeys run in order on one site."""

from __future__ import annotations

import re

import pytest
from webutil import ARTIFACTS, logged_in

from luoshi.demo.ledger_sheet import TITLE


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"office-{name}.png"), full_page=True)


def _task_id(page, server: str, code: str) -> int:
    tasks = page.request.get(f"{server}/api/tasks").json()
    return next(t["id"] for t in tasks if t["code"] == code and t["programme"] == TITLE)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_office_schedules_milestones_backwards(browser, server):
    page = logged_in(browser, server, "super")
    task = _task_id(page, server, "2.1")
    page.goto(f"{server}/ledger/tasks/{task}")
    page.click("#schedule summary")
    page.fill("#schedule-form textarea[name=lines]", "方案初稿 15\n征求意见 10\n报批 3")
    page.click("#schedule-form button")
    page.wait_for_selector("p.ok")
    rows = page.locator("#milestones table tr")
    assert rows.count() == 4 and "报批" in rows.nth(3).inner_text()
    assert re.search(r"2026-10-2\d", rows.nth(3).inner_text())  # three working days before 10-31
    assert "倒排节点" in page.locator("#history").inner_text()
    _shot(page, "milestones")


def test_a_unit_asks_for_an_extension_and_the_office_decides_it(browser, server):
    unit = logged_in(browser, server, "market", "/my")
    task = _task_id(unit, server, "3.1")
    unit.goto(f"{server}/ledger/tasks/{task}")
    unit.click("#extension summary")
    unit.fill("#extension-form input[name=new_deadline]", "2026-08-31")
    unit.fill("#extension-form textarea[name=text]", "等待省级系统对接")
    unit.fill("#extension-form input[name=on]", "2026-05-20")
    unit.click("#extension-form button")
    unit.wait_for_selector("p.ok")
    assert "待审批" in unit.locator("#requests").inner_text()
    office = logged_in(browser, server, "super", "/requests")
    office.click(f"a[href^='/ledger/tasks/{task}#request-']")
    office.fill("form.decide input[name=on]", "2026-05-22")
    office.get_by_role("button", name="同意延期").click()
    office.wait_for_selector("p.ok")
    assert "已同意" in office.locator("#requests").inner_text()
    assert (
        "2026-08-31" in office.locator("dl.facts").inner_text()
        and "原完成时限 2026-05-31" in office.content()
    )
    _shot(office, "extension")


def test_a_unit_reports_progress_with_evidence_and_asks_for_closure(browser, server, tmp_path):
    minutes = tmp_path / "联调纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 joint test minutes")
    report = tmp_path / "办结报告.docx"
    report.write_bytes(b"PK closing report")
    page = logged_in(browser, server, "market", "/my")
    task = _task_id(page, server, "3.1")
    page.click(f"a[href='/ledger/tasks/{task}']")
    page.fill("#progress-form textarea[name=text]", "全程电子化系统上线运行")
    page.fill("#progress-form input[name=percent]", "100")
    page.fill("#progress-form input[name=on]", "2026-08-20")
    page.set_input_files("#progress-form input[name=files]", str(minutes))
    page.click("#progress-form button")
    page.wait_for_selector("p.ok")
    assert "待销号" in page.locator(".status-line").inner_text()
    assert page.locator("#progress a", has_text="联调纪要.pdf").count() == 1
    with page.expect_download() as info:
        page.locator("#evidence a", has_text="联调纪要.pdf").click()
    assert info.value.suggested_filename == "联调纪要.pdf"
    page.click("#closure summary")
    page.fill("#closure-form textarea[name=text]", "系统已上线并稳定运行，申请办结")
    page.fill("#closure-form input[name=on]", "2026-08-21")
    page.set_input_files("#closure-form input[name=files]", str(report))
    page.click("#closure-form button")
    page.wait_for_selector("p.ok")
    assert "办结报告.docx" in page.locator("#requests").inner_text()
    assert page.locator("#closure-form").count() == 0  # one closure request at a time
    _shot(page, "closure-requested")


def test_the_office_closes_the_task_with_a_grade(browser, server):
    page = logged_in(browser, server, "super", "/requests")
    page.locator("a[href*='#request-']", has_text="3.1").click()
    page.fill("form.decide input[name=on]", "2026-08-25")
    page.select_option("form.decide select[name=grade]", "良好")
    page.get_by_role("button", name="销号", exact=True).click()
    page.wait_for_selector("p.ok")
    status = page.locator(".status-line").inner_text()
    assert "已完成" in status and "2026-08-20" in status  # done on the day the unit reported it
    facts = page.locator("dl.facts").inner_text()
    assert "已销号" in facts and "良好" in facts
    assert page.locator("#progress-form").count() == 0
    _shot(page, "closed")


def test_proposals_are_edited_and_accepted_in_bulk(browser, server, site):
    page = logged_in(browser, server, "super", f"/documents/{site['doc_id']}")
    assert page.locator("ol.directives li").count() == 2
    page.fill("#propose-form input[name=programme]", "专题会议部署事项")
    page.click("#propose-form button")
    page.wait_for_selector("#review fieldset.proposal")
    ids = [
        int(i) for i in page.eval_on_selector_all("#review input[name=row]", "els => els.map(e => e.value)")
    ]
    assert len(ids) == 2
    page.fill(f"input[name=title-{ids[0]}]", "倒排工期，确保6月底前完成")
    page.fill(f"input[name=lead-{ids[0]}]", "前海管理局")
    page.fill(f"input[name=co-{ids[0]}]", "市发改委、市商务局")
    page.fill(f"input[name=deadline-{ids[1]}]", "2026-04-30")
    _shot(page, "review")
    page.get_by_role("button", name="采纳所选", exact=True).click()
    page.wait_for_selector("#confirm")
    assert "确认采纳以下2项任务？" in page.locator("h1").inner_text()
    assert "倒排工期，确保6月底前完成" in page.locator("#confirm").inner_text()
    page.get_by_role("button", name="确认", exact=True).click()
    page.wait_for_selector("#decided")
    assert page.locator("#review").count() == 0 and "已采纳2项任务" in page.locator("p.ok").inner_text()
    page.click(f"#decided a[href='/ledger/tasks/{ids[0]}']")
    assert "前海管理局" in page.locator("dl.facts").inner_text()
    page.click("#source-link")
    page.wait_for_url(re.compile(r"/documents/\d+#span-\d+-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"mark#{anchor}").count() == 1  # the sentence the task came from
    _shot(page, "sentence")


def test_the_office_issues_the_report_and_downloads_both_formats(browser, server):
    page = logged_in(browser, server, "super", "/")
    page.click("a.report-link")
    page.wait_for_selector("article.report h1")
    page.fill("form.filters input[name=as_of]", "2026-05-28")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/report?as_of=2026-05-28**")
    assert "第1期（未发布）" in page.locator("article.report").inner_text()
    page.fill("#issue-form input[name=office]", "前海合作区督查室")
    page.click("#issue-form button")
    page.wait_for_selector("p.ok")
    text = page.locator("article.report").inner_text()
    assert (
        "第1期" in text and "第1期（未发布）" not in text and "前海合作区督查室" in text and "办结率" in text
    )
    _shot(page, "report")
    with page.expect_download() as html:
        page.click("a[href^='/report.html']")
    path = ARTIFACTS / "office-report.html"
    html.value.save_as(path)
    assert "第1期" in path.read_text(encoding="utf-8")
    with page.expect_download() as xlsx:
        page.click("a[href^='/report.xlsx']")
    path = ARTIFACTS / "office-report.xlsx"
    xlsx.value.save_as(path)
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book["汇总"]["A2"].value.startswith("第1期　前海合作区督查室") and "待销号" in book.sheetnames


def test_the_office_sends_a_printable_reminder(browser, server):
    page = logged_in(browser, server, "super", "/reminders")
    card = page.locator(".unit-card", has_text="人民银行深圳市分行")
    card.locator("input[name=note]").fill("请于三个工作日内书面回复")
    card.get_by_role("button", name="发出催办单").click()
    page.wait_for_url(re.compile(r"/reminders/\d+$"))
    sheet = page.locator("#reminder").inner_text()
    assert "督查催办单" in sheet and re.search(r"催办〔\d{4}〕\d+号", sheet) and "结算流程优化" in sheet
    page.emulate_media(media="print")
    assert not page.locator("header").first.is_visible()  # the site's bar is not printed
    _shot(page, "reminder-print")
    page.emulate_media(media="screen")
    page.goto(f"{server}/reminders")
    assert "人民银行深圳市分行" in page.locator("#sent").inner_text()


@pytest.mark.parametrize("path", ["/my", "/reminders"])
def test_a_unit_members_pages_fit_a_phone(browser, server, path):
    page = logged_in(browser, server, "market", path, width=390)
    assert _no_sideways_scroll(page), path
    if path == "/my":
        assert page.locator("#lead tr").count() >= 2
        page.locator("#lead a").first.click()
        page.wait_for_selector("h1")
        assert _no_sideways_scroll(page)
    _shot(page, f"phone-{path.strip('/')}")
