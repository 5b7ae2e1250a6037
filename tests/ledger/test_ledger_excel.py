from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from luoshi.demo.ledger_sheet import TITLE, write_example_sheet
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.ledger.excel import SheetImportError, export_sheet, import_sheet
from luoshi.ledger.report import build_report, render
from luoshi.ledger.schema import AuditRow, TaskRow, UnitRow
from luoshi.ledger.service import Ledger, LedgerError
from luoshi.store import open_store


@pytest.fixture
def ledger(db) -> Ledger:
    return Ledger(open_store(db), actor="督查室")


@pytest.fixture
def sheet(tmp_path) -> Path:
    return write_example_sheet(tmp_path / "台账.xlsx")


def _count(ledger: Ledger, table) -> int:
    with ledger.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _id(ledger: Ledger, code: str) -> int:
    with ledger.store.engine.connect() as conn:
        return ledger.task_id(conn, code)


def test_import_reads_a_realistic_sheet(ledger, sheet):
    result = import_sheet(ledger, sheet)
    assert result.programme == TITLE
    assert result.imported == ["1.1", "1.1.1", "1.1.2", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2"]
    tasks = {t.code: t for t in ledger.tasks(date(2026, 5, 1))}
    first = tasks["1.1"]
    assert first.area == "金融开放" and first.lead_unit == "市地方金融监管局"
    assert first.co_units == ["前海管理局", "人民银行深圳市分行"]
    assert first.deadline == "2026-06-30" and first.deadline_text == "2026年6月底前"
    assert tasks["1.1.1"].deadline == "2026-03-31"  # an Excel date cell
    assert tasks["1.1.2"].parent_id == first.id
    assert tasks["1.2"].deadline == "2026-12-31"  # 年底前, in the programme's year
    assert tasks["2.2"].status.status == "ongoing" and tasks["3.2"].status.status == "ongoing"
    assert tasks["1.3"].notes == "需省里协调"


def test_export_then_import_gives_the_same_ledger(ledger, sheet, tmp_path, db):
    import_sheet(ledger, sheet)
    before = ledger.tasks(date(2026, 5, 1))
    out = tmp_path / "export.xlsx"
    export_sheet(before, out, TITLE)
    other = Ledger(open_store(str(tmp_path / "other.db")))
    import_sheet(other, out)
    after = other.tasks(date(2026, 5, 1))

    def shape(views):
        return [
            (
                t.code,
                t.area,
                t.title,
                t.measures,
                t.lead_unit,
                t.co_units,
                t.deadline_text,
                t.deadline,
                t.progress_text,
                t.notes,
            )
            for t in views
        ]

    assert shape(after) == shape(before)


def _bad_sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年工作要点"])
    ws.append(["序号", "任务", "具体举措", "牵头单位", "配合单位", "完成时限"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_bad_rows_are_listed_and_nothing_is_imported(ledger, tmp_path):
    path = _bad_sheet(
        tmp_path / "bad.xlsx",
        [
            ["一、金融开放（3项）"],
            ["1", "任务甲", "举措", "市商务局", "", "2026年6月底前"],
            ["2", "任务乙", "举措", "市商务局", "", "尽快吧"],
            ["3", "", "", "市商务局", "", "2026年6月"],
            ["x3", "任务丁", "举措", "市商务局", "", "2026年6月"],
            ["1", "任务戊", "举措", "市商务局", "", "2026年6月"],
        ],
    )
    with pytest.raises(SheetImportError) as e:
        import_sheet(ledger, path)
    assert [str(x) for x in e.value.errors] == [
        "第5行：无法理解完成时限“尽快吧”",
        "第6行：该行没有任务内容（任务列为空），内容为“3”",
        "第7行：无法识别序号“x3”（应为 1 / 1. / （1） / 1.2）",
        "第8行：序号1.1重复",
    ]
    assert str(e.value) == "有4行无法识别，未导入任何内容"
    assert _count(ledger, TaskRow) == 0
    # The declared count is checked and warned about, not a reason to refuse the sheet.
    result = import_sheet(ledger, path, partial=True)
    assert "第3行：类别“金融开放”标明3项，实际1项" in [str(w) for w in result.warnings]


def test_partial_import_keeps_the_good_rows(ledger, tmp_path):
    path = _bad_sheet(
        tmp_path / "bad.xlsx",
        [["1", "任务甲", "", "市商务局", "", "2026年6月"], ["2", "任务乙", "", "市商务局", "", "尽快吧"]],
    )
    result = import_sheet(ledger, path, partial=True)
    assert result.imported == ["1"] and [e.row for e in result.errors] == [4]
    assert _count(ledger, TaskRow) == 1


def test_not_a_workbook_and_no_header(ledger, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(LedgerError, match=r"无法将junk\.xlsx读作Excel工作簿"):
        import_sheet(ledger, junk)
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "nohead.xlsx")
    with pytest.raises(LedgerError, match="前30行中未找到表头"):
        import_sheet(ledger, tmp_path / "nohead.xlsx")


def test_unit_aliases_are_one_unit(ledger):
    with ledger.store.transaction() as conn:
        a = ledger.unit_id(conn, "深圳市发展和改革委员会")
        b = ledger.unit_id(conn, "市发改委")
        c = ledger.unit_id(conn, "市发展改革委")
        d = ledger.unit_id(conn, "市商务局")
    assert a == b == c != d
    assert _count(ledger, UnitRow) == 2


def test_progress_extension_closure_and_audit(ledger, sheet):
    import_sheet(ledger, sheet)
    audit_before = _count(ledger, AuditRow)
    task = _id(ledger, "3.1")
    ledger.report_progress(task, date(2026, 4, 1), "完成系统开发", 60)
    with pytest.raises(LedgerError, match="晚于完成时限"):
        ledger.request(task, "extension", date(2026, 6, 5), "来不及", date(2026, 8, 31))
    rid = ledger.request(task, "extension", date(2026, 5, 20), "等待省级系统对接", date(2026, 8, 31))
    ledger.decide(rid, True, date(2026, 5, 22))
    with pytest.raises(LedgerError, match="已经处理过"):
        ledger.decide(rid, False, date(2026, 5, 23))
    view = next(t for t in ledger.tasks(date(2026, 6, 10)) if t.id == task)
    assert view.deadline == "2026-08-31" and view.original_deadline == "2026-05-31"
    ledger.report_progress(task, date(2026, 8, 20), "全程电子化上线", 100)
    closure = ledger.request(task, "closure", date(2026, 8, 21), "办结报告")
    with pytest.raises(LedgerError, match="销号需要评定等次"):
        ledger.decide(closure, True, date(2026, 8, 25))
    ledger.decide(closure, True, date(2026, 8, 25), grade="良好")
    detail = ledger.task_detail(task, date(2026, 9, 1))
    assert detail["status"] == "done" and detail["state"] == "closed"
    actions = [(h["entity"], h["action"]) for h in ledger.history(task)]
    assert ("progress", "report") in actions and ("request", "extension-approved") in actions
    assert ("request", "closure-accepted") in actions
    assert all(h["actor"] == "督查室" for h in ledger.history(task))
    # Every change is in the log, with before and after.
    assert _count(ledger, AuditRow) - audit_before >= 8
    updates = [h for h in ledger.history(task) if h["action"] == "update"]
    assert {"deadline": "2026-05-31"} in [h["before"] for h in updates]


def test_proposals_from_a_document(ledger):
    from luoshi.pipeline import ingest_paths  # noqa: F401 - same path as the CLI

    text = (
        "2026年3月2日讯 3月1日,市委书记周明远主持召开专题会议。周明远强调,一要倒排工期,确保2026年6月底前完成。"
        "市发展改革委要牵头制定任务清单。"
    )
    doc = document_from_text(text, "readout")
    with ledger.store.transaction() as conn:
        doc_id = ledger.store.add_document(conn, doc, extract(doc)).document_id
    ids = ledger.propose(doc_id, "2026年专题会议部署事项")
    assert len(ids) == 2
    drafts = {t.id: t for t in ledger.tasks(date(2026, 3, 5), include_drafts=True)}
    assert drafts[ids[0]].deadline == "2026-06-30" and drafts[ids[0]].state == "draft"
    assert drafts[ids[1]].lead_unit == "市发展改革委"
    detail = ledger.task_detail(ids[1], date(2026, 3, 5))
    assert detail["source"]["document_id"] == doc_id and len(detail["source"]["span"]) == 2
    assert ledger.tasks(date(2026, 3, 5)) == []  # drafts are not in the ledger until accepted
    ledger.decide_proposal(ids[0], True)
    ledger.decide_proposal(ids[1], False)
    assert [t.id for t in ledger.tasks(date(2026, 3, 5))] == [ids[0]]
    with pytest.raises(LedgerError, match="不是待确认任务"):
        ledger.decide_proposal(ids[0], False)
    assert ledger.propose(doc_id, "2026年专题会议部署事项") == []  # proposing again adds nothing


def test_report_formats_and_reminders(ledger, sheet, tmp_path):
    import_sheet(ledger, sheet)
    ledger.report_progress(_id(ledger, "1.3"), date(2026, 3, 20), "平台上线", 100)
    ledger.report_progress(_id(ledger, "3.1"), date(2026, 5, 20), "系统联调", 95)
    as_of = date(2026, 5, 28)
    report = build_report(ledger, as_of)
    data = report.to_json()
    assert set(data["counts"]) == {
        "done",
        "done_late",
        "awaiting_closure",
        "overdue",
        "at_risk",
        "on_track",
        "not_started",
        "ongoing",
    }
    assert sum(data["counts"].values()) == 9 and data["counts"]["done"] == 1
    assert any(t["code"] == "3.1" for t in data["due_soon"])
    html = render(report, "html")
    assert html is not None
    assert "<svg" in html and "<script" not in html  # charts inline, nothing fetched
    assert 'src="http' not in html and 'href="http' not in html
    md = render(report, "md")
    assert md is not None and "逾期事项" in md
    render(report, "xlsx", tmp_path / "r.xlsx")
    assert "各单位" in load_workbook(tmp_path / "r.xlsx").sheetnames
    reminders = ledger.reminders(as_of)
    assert "市市场监管局" in reminders and reminders["市市场监管局"]["due_soon"]
