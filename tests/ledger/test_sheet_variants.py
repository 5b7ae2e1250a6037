"""台账 as offices write them, built here with openpyxl (fictional units and people): columns by
meaning, headers anywhere and over several rows, structure, the sheet's own words, round trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from luoshi.demo.ledger_sheet import write_example_sheet
from luoshi.ledger.excel import SheetImportError, export_sheet, import_sheet
from luoshi.ledger.schema import AuditRow, ProgrammeRow
from luoshi.ledger.service import Ledger, LedgerError, TaskView
from luoshi.ledger.workdays import shift_workdays
from luoshi.store import open_store


@pytest.fixture
def ledger(db_path) -> Ledger:
    return Ledger(open_store(db_path), actor="督查室")


def _sheet(
    path: Path,
    rows: list[list[Any]],
    merges: tuple[str, ...] = (),
    more: dict[str, list[list[Any]]] | None = None,
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    for name, extra in (more or {}).items():
        other = wb.create_sheet(name)
        for row in extra:
            other.append(row)
    wb.save(path)
    return path


def _tasks(ledger: Ledger, as_of: date = date(2026, 6, 1)) -> dict[str, TaskView]:
    return {t.code: t for t in ledger.tasks(as_of)}


def _shape(views: list[TaskView]) -> list[tuple[Any, ...]]:
    return [
        (
            t.code,
            t.seq_text,
            t.area,
            t.title,
            t.measures,
            t.lead_unit,
            t.co_units,
            t.deadline_text,
            t.deadline,
            t.leader,
            t.contact,
            t.progress_text,
            t.percent,
            t.status_text,
            t.done_date,
            t.sheet_date,
            t.notes,
            t.parent_id is None,
            t.status.status,
        )
        for t in views
    ]


def _round_trip(ledger: Ledger, tmp_path: Path) -> None:
    before = ledger.tasks(date(2026, 6, 1))
    out = tmp_path / "export.xlsx"
    export_sheet(before, out, before[0].programme)
    other = Ledger(open_store(str(tmp_path / "other.db")))
    import_sheet(other, out)
    assert _shape(other.tasks(date(2026, 6, 1))) == _shape(before)


def test_columns_are_found_by_meaning_under_a_header_low_in_the_sheet(ledger, tmp_path):
    rows: list[list[Any]] = [["青禾县2026年重点工作任务清单"], ["青禾县人民政府办公室　2026年2月10日"]]
    rows += [[] for _ in range(17)]
    rows += [
        [
            "序号",
            "工作任务",
            "具体措施",
            "主办单位",
            "协办单位",
            "时间节点",
            "区政府分管领导",
            "联系人",
            "推进情况",
            "完成状态",
            "说明",
        ],
        [
            "1",
            "建设城西口袋公园",
            "完成选址与设计",
            "县住建局",
            "县自然资源局、县城管局",
            "2026年9月底前",
            "林一舟",
            "赵二",
            "已完成设计招标",
            "正在推进",
            "列入年度民生实事",
        ],
    ]
    import_sheet(ledger, _sheet(tmp_path / "a.xlsx", rows))
    t = _tasks(ledger)["1"]
    assert (t.title, t.measures, t.lead_unit, t.co_units) == (
        "建设城西口袋公园",
        "完成选址与设计",
        "县住建局",
        ["县自然资源局", "县城管局"],
    )
    assert (t.deadline, t.leader, t.contact, t.notes) == ("2026-09-30", "林一舟", "赵二", "列入年度民生实事")
    assert (t.status_text, t.progress_text, t.last_report) == ("正在推进", "已完成设计招标", "2026-02-10")
    assert t.status.status == "on_track" and "表内填报“正在推进”" in t.status.rule
    _round_trip(ledger, tmp_path)


def test_a_header_over_two_rows_and_dated_progress_columns(ledger, tmp_path):
    rows: list[list[Any]] = [
        ["2026年为民办实事推进情况表"],
        ["序号", "民生实事", "责任单位", None, "推进情况", None, "是否达序"],
        [None, None, "牵头单位", "配合单位", "1-10月", "1-11月", None],
        ["1", "改造老旧小区12个", "县住建局", "各乡镇", "完成8个", "完成11个", "是"],
        ["2", "新增托育位200个", "县卫健局", "", "完成60个", "完成90个", "否"],
    ]
    merges = ("A2:A3", "B2:B3", "C2:D2", "E2:F2", "G2:G3")
    import_sheet(ledger, _sheet(tmp_path / "b.xlsx", rows, merges))
    tasks = _tasks(ledger, date(2026, 11, 30))
    assert tasks["1"].lead_unit == "县住建局" and tasks["1"].co_units == ["各乡镇"]
    detail = ledger.task_detail(tasks["1"].id, date(2026, 12, 1))
    assert [(p["date"], p["text"]) for p in detail["progress"]] == [
        ("2026-10-31", "完成8个"),
        ("2026-11-30", "完成11个"),
    ]
    assert tasks["1"].status.status == "on_track"  # 是: keeps pace
    assert tasks["2"].status.status == "at_risk" and "表内填报“否”" in tasks["2"].status.rule
    _round_trip(ledger, tmp_path)
    again = import_sheet(ledger, tmp_path / "b.xlsx")  # the same sheet again: nothing changed
    assert again.imported == ["1", "2"] and again.changes == []


def test_a_sheet_with_only_numbers_and_tasks(ledger, tmp_path):
    import_sheet(
        ledger, _sheet(tmp_path / "c.xlsx", [["序号", "事项"], [1, "修缮村史馆"], [2, "疏浚北沟渠"]])
    )
    assert [t.title for t in ledger.tasks(date(2026, 6, 1))] == ["修缮村史馆", "疏浚北沟渠"]


def test_without_a_task_column_it_says_in_chinese_what_it_saw_and_what_is_missing(ledger, tmp_path):
    path = _sheet(tmp_path / "d.xlsx", [["序号", "牵头单位", "完成时限"], ["1", "县水利局", "6月底前"]])
    with pytest.raises(LedgerError) as e:
        import_sheet(ledger, path)
    assert "识别到的列：序号、牵头单位、完成时限" in str(e.value) and "缺少：任务列" in str(e.value)


def test_numbering_as_offices_write_it(ledger, tmp_path):
    rows: list[list[Any]] = [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["一、基础设施（3项）"],
        ["（1）", "新建公交首末站", "县交通局", "2026年10月"],
        ["（2）", "改造雨污管网", "县住建局", "2026年11月"],
        ["二、公共服务"],
        ["1.", "建设社区食堂", "县民政局", "2026年8月"],
        ["(1)", "选址", "县民政局", "2026年3月"],
        ["1.1", "（不应出现的编号）", "县民政局", "2026年4月"],
        [None, "新增日间照料中心", "县民政局", "2026年9月"],
        ["注：本表由县督查室汇总。"],
        ["填报人：钱三　审核人：孙四"],
    ]
    with pytest.raises(SheetImportError) as e:
        import_sheet(ledger, _sheet(tmp_path / "e.xlsx", rows))
    assert [str(x) for x in e.value.errors] == ["第8行：无法识别序号“1.1”（应为 1 / 1. / （1） / 1.2）"]
    del rows[7]
    result = import_sheet(ledger, _sheet(tmp_path / "e2.xlsx", rows))
    assert result.imported == ["1.1", "1.2", "2.1", "2.1.1", "2.2"]
    tasks = _tasks(ledger)
    assert tasks["2.1.1"].parent_id == tasks["2.1"].id  # (1) under 1. is a sub-item
    assert tasks["2.2"].parent_id is None and tasks["2.2"].seq_text == ""  # unnumbered: a sibling
    assert tasks["1.2"].seq_text == "（2）" and tasks["1.2"].parent_id is None  # （n) as the top numbering
    warnings = [str(w) for w in result.warnings]
    assert "第2行：类别“基础设施”标明3项，实际2项" in warnings
    assert sum("已略过" in w for w in warnings) == 2
    _round_trip(ledger, tmp_path)


def test_every_ledger_worksheet_or_the_one_chosen(ledger, tmp_path):
    rows = [["2026年城东街道任务"], ["序号", "任务", "责任单位"], ["1", "整治背街小巷", "城东街道"]]
    more = {
        "城西": [["2026年城西街道任务"], ["序号", "任务", "责任单位"], ["1", "加装电梯", "城西街道"]],
        "说明": [["说明", "本表为示例"]],
    }
    path = _sheet(tmp_path / "f.xlsx", rows, more=more)
    result = import_sheet(ledger, path)
    assert result.programmes == ["2026年城东街道任务", "2026年城西街道任务"]
    assert any("工作表“说明”不是台账" in str(w) for w in result.warnings)
    other = Ledger(open_store(str(tmp_path / "o.db")))
    assert import_sheet(other, path, sheet="城西").programmes == ["2026年城西街道任务"]
    with pytest.raises(LedgerError, match="没有名为“城北”的工作表"):
        import_sheet(other, path, sheet="城北")


def test_the_sheets_own_status_words_count(ledger, tmp_path):
    rows = [
        ["2026年1-5月重点任务推进情况"],
        ["序号", "任务", "牵头单位", "完成时限", "完成情况", "完成状态"],
        ["1", "上线政务服务一网通办", "县政数局", "2026年4月", "已上线运行", "已完成"],
        ["2", "完成河道清淤", "县水利局", "2026年3月", "正在施工", "正常推进"],
        ["3", "建设应急物资库", "县应急局", "2026年12月", "", "未启动"],
        ["4", "开展消费季活动", "县商务局", "2026年10月", "", "滞后"],
        ["5", "修订村规民约", "县民政局", "2026年11月", "已完成。全县120个村完成修订", ""],
    ]
    import_sheet(ledger, _sheet(tmp_path / "g.xlsx", rows))
    tasks = _tasks(ledger, date(2026, 5, 31))
    assert tasks["1"].status.status == "done" and tasks["1"].status.flag == "表内填报已完成但无完成日期"
    assert tasks["2"].status.status == "overdue" and tasks["2"].status.flag == "表内填报正常但已超期"
    assert tasks["3"].status.status == "not_started" and tasks["4"].status.status == "at_risk"
    assert tasks["5"].status_text == "已完成" and tasks["5"].status.status == "done"
    assert tasks["1"].sheet_date == "2026-05-31"  # "1-5月": what the sheet speaks of
    assert ledger.task_detail(tasks["2"].id, date(2026, 6, 1))["progress"][0]["date"] == "2026-05-31"
    # Before the sheet's date its words are not yet evidence.
    assert _tasks(ledger, date(2026, 3, 1))["1"].status.status != "done"
    _round_trip(ledger, tmp_path)


def test_the_demo_sheet_marked_done_is_not_overdue(ledger, tmp_path):
    import_sheet(ledger, write_example_sheet(tmp_path / "demo.xlsx"))
    task = _tasks(ledger, date(2026, 5, 1))["1.3"]
    assert task.deadline == "2026-03-31" and task.status_text == "已完成"
    assert task.status.status == "done" and "表内填报“已完成”" in task.status.rule


def test_deadlines_relative_to_the_sheet_start_milestones_and_impossible_dates(ledger, tmp_path):
    rows = [
        ["督查发现问题清单"],
        ["2026年3月2日"],
        ["序号", "存在问题", "整改责任单位", "整改时限"],
        ["1", "路灯损坏", "县城管局", "3天"],
        ["2", "台账不全", "县民政局", "5个工作日"],
        ["3", "建成文化广场", "县文旅局", "5月底前动工，9月投入使用"],
        ["4", "修复护栏", "县交通局", "次年3月底前"],
        ["5", "清理广告", "县城管局", "2026年13月"],
        ["6", "补种行道树", "县林业局", "2月30日"],
    ]
    path = _sheet(tmp_path / "h.xlsx", rows)
    with pytest.raises(SheetImportError) as e:
        import_sheet(ledger, path)
    assert [x.row for x in e.value.errors] == [8, 9] and all("日期不存在" in x.reason for x in e.value.errors)
    result = import_sheet(ledger, path, partial=True)
    tasks = _tasks(ledger)
    assert tasks["1"].deadline == "2026-03-05" and tasks["1"].deadline_text == "3天"
    assert tasks["2"].deadline == shift_workdays(date(2026, 3, 2), 5).isoformat()
    assert tasks["3"].deadline == "2026-09-30"  # 5月底前动工 is where it starts, not its deadline
    assert tasks["4"].deadline == "2027-03-31"
    assert any("开工/启动节点" in str(w) for w in result.warnings)


def test_formulas_are_text_in_and_out(ledger, tmp_path):
    rows = [
        ["序号", "任务", "牵头单位", "进展情况"],
        ["1", '=HYPERLINK("http://x","点我")', "县商务局", "=cmd|' /C calc'!A0"],
    ]
    import_sheet(ledger, _sheet(tmp_path / "i.xlsx", rows))
    t = _tasks(ledger, date(2030, 1, 1))["1"]  # no date in the sheet: the progress is reported today
    assert t.progress_text is not None
    assert t.title.startswith("=HYPERLINK") and t.progress_text.startswith("=cmd")
    out = tmp_path / "out.xlsx"
    export_sheet(ledger.tasks(date(2030, 1, 1)), out, "台账")
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row if isinstance(c.value, str)]
    formulas = [c for c in cells if c.value.startswith("=")]
    assert len(formulas) == 2 and all(c.data_type == "s" for c in formulas)


def test_an_annual_list_without_deadlines_is_due_at_year_end(ledger, tmp_path):
    rows = [
        ["2026年重点工作"],
        ["序号", "任务", "牵头单位", "完成时限"],
        ["1", "稳定粮食生产", "县农业局", ""],
        ["2", "深化作风建设", "县委办", "长期坚持"],
    ]
    import_sheet(ledger, _sheet(tmp_path / "j.xlsx", rows))
    tasks = _tasks(ledger, date(2026, 6, 1))
    assert tasks["1"].deadline is None and "2026-12-31" in tasks["1"].status.rule
    assert tasks["1"].status.status != "ongoing" and tasks["2"].status.status == "ongoing"
    assert _tasks(ledger, date(2027, 1, 5))["1"].status.status == "overdue"


def test_an_updated_sheet_updates_its_programme(ledger, tmp_path):
    rows = [
        ["2026年重点任务"],
        ["序号", "任务", "牵头单位", "进展情况", "完成状态"],
        ["1", "建设停车场", "县交通局", "完成设计", "推进中"],
        ["2", "改造菜市场", "县商务局", "", "未启动"],
    ]
    import_sheet(ledger, _sheet(tmp_path / "k1.xlsx", rows))
    rows[2] = ["1", "建设停车场", "县交通局", "主体完工", "已完成"]
    rows.append(["3", "新建公厕", "县城管局", "", ""])
    result = import_sheet(ledger, _sheet(tmp_path / "k2.xlsx", rows))
    changes = {c["code"]: c for c in result.changes}
    assert changes["1"]["action"] == "updated" and changes["1"]["changes"]["status_text"] == [
        "推进中",
        "已完成",
    ]
    assert changes["1"]["changes"]["progress"] == ["完成设计", "主体完工"]
    assert changes["3"]["action"] == "added" and "2" not in changes
    with ledger.store.engine.connect() as conn:
        assert conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.name == "2026年重点任务")) is not None
        assert len(list(conn.scalars(select(ProgrammeRow.id)))) == 1
        logged = list(conn.scalars(select(AuditRow.after).where(AuditRow.action == "sheet-import")))
    assert logged[-1]["changes"] == result.changes
    assert [t.code for t in ledger.tasks(date(2026, 6, 1))] == ["1", "2", "3"]


def _patched(src: Path, dest: Path, change) -> Path:
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(item.filename, data))
    return dest


def test_a_tiny_file_declaring_a_huge_merged_range_is_refused(ledger, tmp_path):
    src = _sheet(tmp_path / "small.xlsx", [["序号", "任务"], ["1", "修路"]])

    def huge_merge(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet"):
            return data.replace(
                b"</sheetData>",
                b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
            )
        return data

    bomb = _patched(src, tmp_path / "merge.xlsx", huge_merge)
    assert bomb.stat().st_size < 10_000
    with pytest.raises(LedgerError, match="声明的范围过大"):
        import_sheet(ledger, bomb)


def test_a_zip_bomb_is_refused(ledger, tmp_path):
    import zipfile

    src = _sheet(tmp_path / "small.xlsx", [["序号", "任务"], ["1", "修路"]])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/media/padding.bin", b"\0" * (80 * 2**20))
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(LedgerError, match="可能是压缩炸弹"):
        import_sheet(ledger, bomb)


def test_the_demo_sheet_and_a_mixed_ledger_round_trip(ledger, tmp_path):
    import_sheet(ledger, write_example_sheet(tmp_path / "demo.xlsx"))
    _round_trip(ledger, tmp_path)
    # A second programme without categories: the export cannot write category rows, so it
    # writes the codes, and importing it still gives the same tasks.
    import_sheet(
        ledger, _sheet(tmp_path / "plain.xlsx", [["序号", "事项"], [1, "修缮村史馆"]]), programme="另一台账"
    )
    views = ledger.tasks(date(2026, 6, 1))
    out = tmp_path / "mixed.xlsx"
    export_sheet(views, out, "合并导出")
    other = Ledger(open_store(str(tmp_path / "mixed.db")))
    import_sheet(other, out)
    assert [(t.code, t.title) for t in other.tasks(date(2026, 6, 1))] == [(t.code, t.title) for t in views]


def test_a_huge_declared_dimension_is_not_believed(ledger, tmp_path):
    src = _sheet(tmp_path / "small.xlsx", [["序号", "任务"], ["1", "修路"]])

    def huge_dimension(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet"):
            import re

            return re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', data)
        return data

    declared = _patched(src, tmp_path / "dimension.xlsx", huge_dimension)
    assert import_sheet(ledger, declared).imported == ["1"]  # read as the two rows it holds


def test_an_updated_sheet_with_a_task_inserted_above_renumbers_the_rest(ledger, tmp_path):
    head = [["2026年重点任务"], ["序号", "任务", "牵头单位"]]
    import_sheet(
        ledger, _sheet(tmp_path / "m1.xlsx", [*head, ["1", "修路", "县交通局"], ["2", "建桥", "县交通局"]])
    )
    rows = [*head, ["1", "治水", "县水利局"], ["2", "修路", "县交通局"], ["3", "建桥", "县交通局"]]
    result = import_sheet(ledger, _sheet(tmp_path / "m2.xlsx", rows))
    assert {c["code"]: c["action"] for c in result.changes} == {"1": "added", "2": "updated", "3": "updated"}
    assert [(t.code, t.title) for t in ledger.tasks(date(2026, 6, 1))] == [
        ("2", "修路"),
        ("3", "建桥"),
        ("1", "治水"),
    ]
