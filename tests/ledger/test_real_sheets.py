"""The real 台账 in ../shared/eval/ledgers: each imports and matches what a careful reader finds in
it (NAME.expect.json), and exporting then importing gives the same ledger."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sharedfiles import SHARED, shared_dir

from luoshi.ledger.excel import export_sheet, import_sheet
from luoshi.ledger.service import Ledger, TaskView
from luoshi.ledger.status import sheet_status
from luoshi.store import open_store

NAMES = sorted(p.stem for p in (SHARED / "eval" / "ledgers").glob("*.xlsx")) or ["(missing)"]
LAGGING = {"at_risk", "overdue"}


def _load(tmp_path: Path, path: Path, name: str = "x") -> tuple[Ledger, list[TaskView]]:
    ledger = Ledger(open_store(str(tmp_path / f"{name}.db")))
    result = import_sheet(ledger, path)
    assert result.errors == []
    views = [t for p in result.programmes for t in ledger.tasks(date(2030, 1, 1), p)]
    return ledger, views


def _find(views: list[TaskView], sample: dict[str, Any]) -> TaskView:
    if "task" in sample:
        found = [t for t in views if t.title == sample["task"]]
    elif "row" in sample:
        found = [t for t in views if t.title == sample["row"]]
    else:
        found = [t for t in views if (t.seq_text or "").rstrip(".、．") == sample["seq"]]
    assert len(found) == 1, sample
    return found[0]


def test_the_shared_real_sheets_are_all_here():
    assert len(list(shared_dir("eval", "ledgers").glob("*.xlsx"))) >= 5


@pytest.mark.parametrize("name", NAMES)
def test_real_sheet_imports_as_a_careful_reader_reads_it(name, tmp_path):
    folder = shared_dir("eval", "ledgers")
    expect = json.loads((folder / f"{name}.expect.json").read_text(encoding="utf-8"))
    ledger, views = _load(tmp_path, folder / f"{name}.xlsx")
    assert len(views) == expect["tasks"]
    years = {p for (p,) in ledger.store.engine.connect().exec_driver_sql("select year from programmes")}
    assert years == {expect["programme_year"]}
    for category in expect.get("categories", []):
        assert category.split("、", 1)[1] in {t.area for t in views}
    for sample in expect["sample"]:
        task = _find(views, sample)
        if "indicator" in sample:  # an indicator matrix: one task per row, indicators kept beside it
            detail = ledger.task_detail(task.id, date(2030, 1, 1))
            indicator = next(i for i in detail["source"]["indicators"] if i["name"] == sample["indicator"])
            assert (indicator["target"], indicator["progress"], indicator["lead"]) == (
                sample["target"],
                sample["progress"],
                sample["lead"],
            )
            assert indicator["percent"] == sample["percent"]
            assert sample["lead"] in [task.lead_unit, *task.co_units]
            assert f"{sample['indicator']}：{sample['progress']:g}" in (task.progress_text or "")
        else:
            assert task.lead_unit == sample["lead"]
            assert task.co_units == sample["co"]
        assert task.deadline == sample["deadline"]
        if "deadline_text" in sample:
            assert task.deadline_text == sample["deadline_text"]
        if "status" in sample:
            assert task.status_text == sample["status"]
    if "statuses" in expect:
        # What the office reported counts: as of the sheet's own date, its words decide.
        as_of = date.fromisoformat(expect["as_of"][:10])
        statuses = [t.status.status for p in {t.programme for t in views} for t in ledger.tasks(as_of, p)]
        meaning = {"done": {"done", "done_late"}, "lagging": LAGGING}
        for key, count in expect["statuses"].items():
            assert sum(1 for s in statuses if s in meaning[key]) == count, key
        for word, said in expect["status_words"].items():
            assert sheet_status(word) == {"done": "done", "lagging (behind schedule)": "behind"}[said]


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


@pytest.mark.parametrize("name", NAMES)
def test_real_sheet_export_then_import_gives_the_same_ledger(name, tmp_path):
    folder = shared_dir("eval", "ledgers")
    _, before = _load(tmp_path, folder / f"{name}.xlsx", "before")
    out = tmp_path / "export.xlsx"
    export_sheet(before, out, before[0].programme)
    _, after = _load(tmp_path, out, "after")
    assert {t.programme for t in after} == {before[0].programme}
    assert _shape(after) == _shape(before)


def test_the_report_on_a_real_progress_sheet_keeps_what_the_office_reported(tmp_path):
    from luoshi.ledger.report import build_report, render

    folder = shared_dir("eval", "ledgers")
    ledger, views = _load(tmp_path, folder / "chengxiang_2022_shishi.xlsx")
    report = build_report(ledger, date(2022, 8, 31), views[0].programme)
    assert report.counts["done"] == 12 and report.counts["at_risk"] == 5
    text = render(report, "md")
    assert text is not None
    assert "表内填报与研判不一致（12）" in text and "表内填报已完成但无完成日期" in text
    assert "表内填报“滞后”" in text
    # No English words of ours in the Chinese report (the office's own "HPV" stays).
    assert re.findall(r"[A-Za-z_]{3,}", text) == ["HPV"] * text.count("HPV")
