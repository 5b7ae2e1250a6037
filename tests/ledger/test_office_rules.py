"""The supervision office's rules, in the Ledger (so the CLI and the web agree): a unit's 100%
report awaits closure and is never done by itself; report dates are neither in the future nor
before the start; requests and decisions; audited edits; 倒排; 佐证材料 beside the database;
催办单; proposals in bulk; the report's ranking, issues and changes. Each on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from luoshi.demo.ledger_sheet import TITLE, write_example_sheet
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.ledger.excel import import_sheet
from luoshi.ledger.report import build_report, render
from luoshi.ledger.schema import EvidenceRow, ProgressRow, RequestRow
from luoshi.ledger.service import Ledger, LedgerError
from luoshi.ledger.status import HEX
from luoshi.messages import message, using_language
from luoshi.store import open_store

TODAY = date(2026, 6, 15)


@pytest.fixture
def ledger(db, tmp_path, monkeypatch) -> Ledger:
    monkeypatch.setenv("LUOSHI_FILES", str(tmp_path / "evidence"))
    ledger = Ledger(open_store(db), actor="督查室", today=TODAY)
    import_sheet(ledger, write_example_sheet(tmp_path / "台账.xlsx"))
    return ledger


def _id(ledger: Ledger, code: str) -> int:
    with ledger.store.engine.connect() as conn:
        return ledger.task_id(conn, code)


def _view(ledger: Ledger, code: str, as_of: date):
    return next(t for t in ledger.tasks(as_of, include_drafts=True) if t.code == code)


def _count(ledger: Ledger, table) -> int:
    with ledger.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_full_report_awaits_closure_and_only_the_office_closes_it(ledger):
    task = _id(ledger, "3.1")  # due 2026-05-31
    ledger.report_progress(task, date(2026, 5, 20), "全程电子化上线", 100)
    before, after = _view(ledger, "3.1", date(2026, 5, 19)), _view(ledger, "3.1", date(2026, 6, 10))
    assert before.status.status == "overdue"  # (far behind 序时进度 before the report)
    assert after.status.status == "awaiting_closure" and after.done_date is None and after.state == "active"
    assert "2026-05-20" in after.status.rule and "待督查室审核销号" in after.status.rule
    closure = ledger.request(task, "closure", date(2026, 5, 21), "办结报告")
    assert _view(ledger, "3.1", date(2026, 5, 22)).status.status == "awaiting_closure"
    other = _id(ledger, "2.1")  # a closure request alone also awaits the office
    ledger.request(other, "closure", date(2026, 5, 25), "已按要求完成")
    assert "提交办结申请" in _view(ledger, "2.1", date(2026, 5, 26)).status.rule
    ledger.decide(closure, False, date(2026, 6, 1))  # 退回: not complete after all
    assert _view(ledger, "3.1", date(2026, 6, 2)).status.status == "overdue"
    ledger.report_progress(task, date(2026, 6, 3), "补齐材料后上线", 100)
    late = _view(ledger, "3.1", date(2026, 6, 4))
    assert late.status.status == "awaiting_closure" and "晚于完成时限（2026-05-31）" in late.status.rule
    closure = ledger.request(task, "closure", date(2026, 6, 4), "再次申请办结")
    with pytest.raises(LedgerError, match="销号需要评定等次"):
        ledger.decide(closure, True, date(2026, 6, 5))
    ledger.decide(closure, True, date(2026, 6, 5), grade="合格")
    done = _view(ledger, "3.1", date(2026, 6, 10))
    # Done on the day of the report after the return, so late; closed with its grade.
    assert (done.status.status, done.done_date, done.state, done.grade) == (
        "done_late",
        "2026-06-03",
        "closed",
        "合格",
    )
    with pytest.raises(LedgerError, match="不能报送进展"):
        ledger.report_progress(task, date(2026, 6, 10), "销号之后", 100)


def test_report_dates_neither_in_the_future_nor_before_the_start(ledger):
    task = _id(ledger, "2.1")  # started 2026-01-01
    rows = _count(ledger, ProgressRow)
    with pytest.raises(LedgerError) as future:
        ledger.report_progress(task, TODAY + timedelta(days=1), "明天的进展", 50)
    assert str(future.value) == message("ledger.report_in_future", on=TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(LedgerError, match="早于任务开始日期（2026-01-01）"):
        ledger.report_progress(task, date(2025, 12, 31), "开始之前", 10)
    with pytest.raises(LedgerError, match="晚于今天"):
        ledger.request(task, "closure", TODAY + timedelta(days=3), "预先申请")
    assert _count(ledger, ProgressRow) == rows  # nothing half-written
    ledger.report_progress(task, TODAY, "今天的进展", 30)
    assert _count(ledger, ProgressRow) == rows + 1


def test_requests_and_decisions_follow_the_rules(ledger):
    task = _id(ledger, "2.1")  # due 2026-10-31
    with pytest.raises(LedgerError, match="应晚于现在的完成时限"):
        ledger.request(task, "extension", date(2026, 6, 1), "想提前", date(2026, 9, 30))
    rid = ledger.request(task, "extension", date(2026, 6, 1), "等待省级审批", date(2026, 12, 15))
    with pytest.raises(LedgerError, match="已有待审批的延期申请"):
        ledger.request(task, "extension", date(2026, 6, 2), "再申请一次", date(2026, 12, 20))
    with pytest.raises(LedgerError, match="须附办结报告"):
        ledger.request(task, "closure", date(2026, 6, 2), "  ")
    with pytest.raises(LedgerError, match="早于申请日期"):
        ledger.decide(rid, True, date(2026, 5, 30))
    with pytest.raises(LedgerError, match="才评定等次"):
        ledger.decide(rid, True, date(2026, 6, 3), grade="优秀")
    ledger.decide(rid, True, date(2026, 6, 3))
    view = _view(ledger, "2.1", date(2026, 6, 10))
    assert (view.deadline, view.original_deadline) == ("2026-12-15", "2026-10-31")
    with pytest.raises(LedgerError, match="已经处理过（已同意）"):
        ledger.decide(rid, False, date(2026, 6, 4))
    assert [r["id"] for r in ledger.pending_requests()] == []


def test_edits_are_audited_and_correct_the_deadline(ledger):
    task = _id(ledger, "1.2")
    changed = ledger.edit_task(
        task,
        title="开展跨境理财通业务试点（扩围）",
        lead_unit="前海管理局",
        co_units=["市地方金融监管局", "前海管理局"],
        deadline=date(2026, 11, 30),
    )
    assert changed["title"] == "开展跨境理财通业务试点（扩围）" and changed["co_units"] == [
        "市地方金融监管局"
    ]
    view = _view(ledger, "1.2", date(2026, 6, 1))
    assert (view.lead_unit, view.co_units, view.deadline, view.original_deadline, view.deadline_text) == (
        "前海管理局",
        ["市地方金融监管局"],
        "2026-11-30",
        "2026-11-30",
        "2026年11月30日前",
    )
    entry = [h for h in ledger.history(task) if h["action"] == "edit"][-1]
    assert entry["actor"] == "督查室" and entry["before"]["lead_unit"] == "市地方金融监管局"
    assert entry["before"]["deadline"] == "2026-12-31" and entry["after"]["deadline"] == "2026-11-30"
    assert ledger.edit_task(task, title="开展跨境理财通业务试点（扩围）") == {}  # nothing differs: no entry
    with pytest.raises(LedgerError, match="任务名称不能为空"):
        ledger.edit_task(task, title="  ")
    # After an approved extension a correction keeps the original deadline.
    rid = ledger.request(task, "extension", date(2026, 6, 1), "延期", date(2026, 12, 20))
    ledger.decide(rid, True, date(2026, 6, 2))
    ledger.edit_task(task, deadline=date(2026, 12, 25))
    view = _view(ledger, "1.2", date(2026, 6, 3))
    assert (view.deadline, view.original_deadline) == ("2026-12-25", "2026-11-30")


def test_milestones_are_scheduled_backwards_and_moved_by_title(ledger):
    task = _id(ledger, "2.1")  # due Saturday 2026-10-31: the last working day before is 10-30
    dates = ledger.schedule_milestones(task, {"方案初稿": 15, "报批": 3})
    assert dates["报批"] == date(2026, 10, 27) and dates["方案初稿"] < dates["报批"]
    ledger.schedule_milestones(task, {"报批": 5})
    milestones = ledger.task_detail(task, date(2026, 6, 1))["milestones"]
    assert [(m["title"], m["workdays_before_deadline"]) for m in milestones] == [
        ("方案初稿", 15),
        ("报批", 5),
    ]
    for bad in ({}, {"报批": -1}, {"报批": 999}, {" ": 3}):
        with pytest.raises(LedgerError):
            ledger.schedule_milestones(task, bad)
    mid = milestones[0]["id"]
    assert ledger.complete_milestone(mid, date(2026, 6, 1)) == task
    with pytest.raises(LedgerError, match="晚于今天"):
        ledger.complete_milestone(mid, TODAY + timedelta(days=1))


def test_evidence_is_kept_beside_the_database_checked_and_listed(ledger, tmp_path, monkeypatch):
    task = _id(ledger, "2.1")
    folder = tmp_path / "evidence"
    content = "会议纪要：已完成两个领域互认。".encode()
    with ledger.evidence_upload() as stage:
        files = [
            stage("../../etc/纪要.pdf", io.BytesIO(content)),
            stage("照片.JPG", io.BytesIO(b"\xff\xd8jpeg")),
        ]
        rid = ledger.report_progress(task, date(2026, 6, 1), "两个领域互认", 40, files=files)
    listed = ledger.evidence(task)
    assert [f["name"] for f in listed] == ["纪要.pdf", "照片.JPG"] and listed[0]["progress_id"] == rid
    _, path = ledger.evidence_file(listed[0]["id"])
    assert path.read_bytes() == content and folder in path.parents
    assert not any((folder / ".incoming").iterdir())  # staging removed
    with ledger.evidence_upload() as stage:  # the same content again: kept once
        ledger.add_evidence(task, [stage("纪要副本.pdf", io.BytesIO(content))])
    assert len({f["path"] for f in ledger.evidence(task)}) == 2
    with ledger.evidence_upload() as stage:
        with pytest.raises(LedgerError, match="类型（exe）不在允许范围内"):
            stage("setup.exe", io.BytesIO(b"MZ"))
        with pytest.raises(LedgerError, match="空文件"):
            stage("空.pdf", io.BytesIO(b""))
        with pytest.raises(LedgerError):
            stage("..", io.BytesIO(b"x"))
    monkeypatch.setenv("LUOSHI_EVIDENCE_MAX_MB", "0.001")  # about 1 KB
    small = Ledger(ledger.store, today=TODAY)
    rows = _count(ledger, EvidenceRow)
    with pytest.raises(LedgerError, match=r"超过0\.001 MB"):
        with small.evidence_upload() as stage:
            small.report_progress(
                task, date(2026, 6, 2), "太大", 50, files=[stage("大.pdf", io.BytesIO(b"x" * 5000))]
            )
    with pytest.raises(LedgerError, match="晚于今天"):  # a refused report keeps none of its files
        with ledger.evidence_upload() as stage:
            ledger.report_progress(
                task,
                TODAY + timedelta(days=1),
                "未来",
                50,
                files=[stage("新.pdf", io.BytesIO(b"new content"))],
            )
    assert _count(ledger, EvidenceRow) == rows and not any((folder / ".incoming").iterdir())


def test_an_evidence_file_is_deleted_audited_and_its_content_removed_when_unused(ledger, tmp_path):
    task = _id(ledger, "2.1")
    folder = tmp_path / "evidence"
    content = "误传的纪要".encode()
    with ledger.evidence_upload() as stage:
        first, copy, other = ledger.add_evidence(
            task,
            [
                stage("纪要.pdf", io.BytesIO(content)),
                stage("纪要副本.pdf", io.BytesIO(content)),  # the same content, kept once
                stage("照片.png", io.BytesIO(b"\x89PNG")),
            ],
        )
    _, path = ledger.evidence_file(first)
    removed = ledger.delete_evidence(first)
    assert removed["name"] == "纪要.pdf" and removed["task_id"] == task
    assert [f["id"] for f in ledger.evidence(task)] == [copy, other]
    assert path.is_file()  # still the copy's content
    with pytest.raises(LedgerError, match=f"没有佐证材料{first}"):
        ledger.evidence_file(first)
    ledger.delete_evidence(copy)
    assert not path.exists() and ledger.evidence_file(other)[1].is_file()
    assert not list(folder.rglob(path.name))
    with pytest.raises(LedgerError, match=f"没有佐证材料{copy}"):
        ledger.delete_evidence(copy)
    deletions = [h for h in ledger.history(task) if (h["entity"], h["action"]) == ("evidence", "delete")]
    assert [(h["before"]["name"], h["before"]["file"], h["after"], h["actor"]) for h in deletions] == [
        ("纪要.pdf", first, None, "督查室"),
        ("纪要副本.pdf", copy, None, "督查室"),
    ]


def test_the_evidence_folder_sits_beside_a_sqlite_file(tmp_path, monkeypatch):
    from sqlalchemy.engine import make_url

    from luoshi.ledger.evidence import files_folder

    monkeypatch.delenv("LUOSHI_FILES", raising=False)
    assert files_folder(make_url(f"sqlite:///{tmp_path}/office.db")) == tmp_path / "office-files"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert (
        files_folder(make_url("postgresql+psycopg://u@/luoshi_prod"))
        == tmp_path / "data/luoshi/files/luoshi_prod"
    )
    monkeypatch.setenv("LUOSHI_FILES", str(tmp_path / "shared"))
    assert files_folder(make_url("postgresql+psycopg://u@/luoshi_prod")) == tmp_path / "shared"


def test_reminders_are_numbered_per_year_and_name_their_tasks(ledger):
    first = ledger.send_reminder("市市场监管局", date(2026, 6, 1), date(2026, 6, 5), "请抓紧")
    second = ledger.send_reminder("人民银行深圳市分行", date(2026, 6, 2))
    sheet = ledger.reminder(first)
    assert (sheet["year"], sheet["number"], sheet["unit"], sheet["reply_by"]) == (
        2026,
        1,
        "市市场监管局",
        "2026-06-05",
    )
    assert [(i["task"].code, i["reason"]) for i in sheet["items"]] == [("3.1", "overdue")]
    assert ledger.reminder(second)["number"] == 2
    assert [r["id"] for r in ledger.sent_reminders(task_id=_id(ledger, "3.1"))] == [first]
    with pytest.raises(LedgerError, match="不是市市场监管局牵头的任务"):
        ledger.send_reminder("市市场监管局", date(2026, 6, 3), task_ids=[_id(ledger, "2.1")])
    with pytest.raises(LedgerError, match="早于催办日期"):
        ledger.send_reminder("市市场监管局", date(2026, 6, 3), date(2026, 6, 1))
    with pytest.raises(LedgerError, match="没有名为“不存在的局”的单位"):
        ledger.send_reminder("不存在的局", date(2026, 6, 3))
    ledger.report_progress(
        _id(ledger, "3.1"), date(2026, 6, 4), "已完成", 100
    )  # awaits 销号: nothing to press
    with pytest.raises(LedgerError, match="没有需要催办的事项"):
        ledger.send_reminder("市市场监管局", date(2026, 6, 5))


def test_proposals_are_edited_and_decided_in_bulk_all_or_nothing(ledger):
    text = (
        "2026年3月2日讯 3月1日,市委书记周明远主持召开专题会议。周明远强调,一要倒排工期,确保2026年6月底前完成。"
        "市发展改革委要牵头制定任务清单。"
    )
    doc = document_from_text(text, "readout")
    with ledger.store.transaction() as conn:
        doc_id = ledger.store.add_document(conn, doc, extract(doc)).document_id
    ids = ledger.propose(doc_id, "专题会议部署事项")
    assert [v.id for v in ledger.proposals(TODAY, doc_id)] == ids
    ledger.edit_proposals(
        {
            ids[0]: {
                "title": "倒排工期推进",
                "lead_unit": "市政数局",
                "co_units": ["市司法局"],
                "deadline": date(2026, 7, 15),
            }
        }
    )
    with pytest.raises(LedgerError, match="不是待确认任务"):
        ledger.decide_proposals([ids[0], _id(ledger, "2.1")], True)
    assert {v.id for v in ledger.proposals(TODAY, doc_id)} == set(ids)  # none was accepted
    ledger.decide_proposals(ids, True)
    accepted = _view(ledger, f"D{doc_id}.1", TODAY)
    assert (accepted.state, accepted.title, accepted.lead_unit, accepted.co_units, accepted.deadline) == (
        "active",
        "倒排工期推进",
        "市政数局",
        ["市司法局"],
        "2026-07-15",
    )
    spans = {t["id"]: t["source"]["span"] for t in ledger.document_tasks(doc_id)}
    directives = (ledger.store.document_facts(doc_id) or {})["directives"]
    assert sorted(spans.values()) == sorted(d["span"] for d in directives)
    with pytest.raises(LedgerError, match="请先勾选"):
        ledger.decide_proposals([], False)


def test_the_report_ranks_units_and_counts_changes_since_the_last_issue(ledger, tmp_path):
    ledger.report_progress(_id(ledger, "2.1"), date(2026, 4, 30), "启动", 20)
    first = ledger.snapshot(date(2026, 5, 1), TITLE, office="前海合作区督查室")
    assert first["number"] == 1 and ledger.snapshot(date(2026, 5, 1), TITLE)["id"] == first["id"]
    ledger.report_progress(_id(ledger, "3.1"), date(2026, 5, 20), "上线", 100)
    r = build_report(ledger, date(2026, 5, 28), TITLE)
    assert r.baseline is not None
    assert (r.number, r.issued, r.baseline["number"]) == (2, False, 1)
    assert {c["task"]: c["changes"]["status"] for c in r.changes}["3.1"][1] == "awaiting_closure"
    assert [t.code for t in r.awaiting] == ["3.1"]
    ranks = {u.unit: (u.rank, u.rate) for u in r.units}
    assert ranks["前海管理局"][0] == 1 and ranks["前海管理局"][1] == 0.5  # 1.3 done of 1.1.1, 1.3
    assert ranks["市司法局"][1] is None  # ongoing work only
    assert [u.rank for u in r.units] == sorted(u.rank for u in r.units)
    md = render(r, "md")
    assert md is not None
    assert "第2期（未发布）" in md and "办结率" in md and "与第1期（截至2026-05-01）相比" in md
    # Chinese first: the 依据 column and every heading in Chinese (the English words in the text
    # are not ours: none in this sheet).
    assert re.findall(r"[A-Za-z]{3,}", md) == []
    html = render(r, "html")
    assert html is not None
    assert "<style>" in html and "督查室" in html and "@page" in html and "<script" not in html
    with using_language("en"):
        english = render(build_report(ledger, date(2026, 5, 28), TITLE), "md")
    assert english is not None
    assert "points behind" in english and "No. 2 (not issued)" in english and "落后" not in english


def test_the_xlsx_report_has_title_rows_widths_and_the_conventional_colours(ledger, tmp_path):
    ledger.snapshot(date(2026, 5, 28), TITLE, office="前海合作区督查室")
    r = build_report(ledger, date(2026, 5, 28), TITLE)
    render(r, "xlsx", tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    summary = book["汇总"]
    assert summary["A1"].value == f"督查通报：{TITLE}" and summary["A2"].value.startswith(
        "第1期　前海合作区督查室"
    )
    fills = {
        summary.cell(row=row, column=1).value: summary.cell(row=row, column=1).fill.fgColor.rgb.lower()
        for row in range(6, 14)
    }
    assert fills["逾期/红灯"].endswith(HEX["red"][1:]) and fills["滞后/黄灯"].endswith(HEX["yellow"][1:])
    assert fills["正常推进"].endswith(HEX["green"][1:])
    assert any(c.value == "图例" for row in summary.iter_rows() for c in row)
    units = book["各单位"]
    longest = max(len(u.unit) for u in r.units)
    assert units.column_dimensions["B"].width >= longest * 2  # unit names are never cut
    chart = units._charts[0]
    colours = [
        str(getattr(c, "val", c)).lower()
        for c in (s.graphicalProperties.solidFill.srgbClr for s in chart.series)
    ]
    assert colours[3] == HEX["red"][1:] and colours[4] == HEX["yellow"][1:] and colours[5] == HEX["green"][1:]
    overdue = book["逾期"]
    header = next(row for row in range(1, 10) if overdue.cell(row=row, column=1).value == "序号")
    assert overdue.cell(row=header + 1, column=6).value == "逾期/红灯"
    assert overdue.cell(row=header + 1, column=6).fill.fgColor.rgb.lower().endswith("c62828")
    rule = overdue.cell(row=header + 1, column=7).value
    assert ("序时进度" in rule or "完成时限" in rule) and not re.search(r"[A-Za-z]{3,}", rule)


def test_a_100_percent_report_does_not_count_as_done_in_the_dashboard_figures(ledger):
    ledger.report_progress(_id(ledger, "3.1"), date(2026, 5, 20), "上线", 100)
    r = build_report(ledger, date(2026, 5, 28), TITLE)
    assert r.counts["done"] == 1 and r.counts["awaiting_closure"] == 1  # 1.3 done by the sheet's word
    with ledger.store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(RequestRow)) == 0


def test_the_cli_refuses_a_report_dated_tomorrow(db, tmp_path):
    from typer.testing import CliRunner

    from luoshi.cli.main import app

    ledger = Ledger(open_store(db))
    import_sheet(ledger, write_example_sheet(tmp_path / "台账.xlsx"))
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = CliRunner().invoke(
        app, ["ledger", "progress", "2.1", "明天的进展", "--date", tomorrow, "--db", db]
    )
    assert result.exit_code != 0 and "晚于今天" in result.output
    evidence = tmp_path / "纪要.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes")
    result = CliRunner().invoke(
        app,
        ["ledger", "progress", "2.1", "领域互认", "--percent", "40", "--attach", str(evidence), "--db", db],
        env={"LUOSHI_FILES": str(tmp_path / "f")},
    )
    assert result.exit_code == 0, result.output
    assert [f["name"] for f in Ledger(open_store(db)).evidence(_id(ledger, "2.1"))] == ["纪要.pdf"]
    assert Path(tmp_path / "f").is_dir()
