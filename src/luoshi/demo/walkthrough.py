"""The demo's ledger: the example 台账 imported once, a few progress reports, a closure decided,
倒排 milestones, and the supervision report as of the demo's day. ``luoshi demo`` prints it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from luoshi.demo.ledger_sheet import TITLE, write_example_sheet
from luoshi.ledger.excel import import_sheet
from luoshi.ledger.report import build_report, render_markdown
from luoshi.ledger.service import Ledger
from luoshi.store import Store

DEMO_DAY = date(2026, 5, 28)


@dataclass
class LedgerWalkthrough:
    programme: str
    imported: int | None = None  # tasks imported by this run (None: the sheet was there already)
    milestones: dict[str, date] = field(default_factory=dict)  # 倒排 milestones scheduled by this run
    report_md: str = ""  # the 督查通报 as of the demo's day, in Markdown


def ledger_walkthrough(store: Store) -> LedgerWalkthrough:
    """Import the example 台账 (once), record some progress, build the supervision report."""
    ledger = Ledger(store, actor="demo", today=DEMO_DAY)
    done = LedgerWalkthrough(programme=TITLE)
    if not any(t.programme == TITLE for t in ledger.tasks(date(2026, 1, 1))):
        with tempfile.TemporaryDirectory() as tmp:
            result = import_sheet(ledger, write_example_sheet(Path(tmp) / "台账.xlsx"))
        done.imported, done.programme = len(result.imported), result.programme
        with store.engine.connect() as conn:
            ids = {code: ledger.task_id(conn, code, TITLE) for code in ("1.1.1", "1.3", "3.1", "2.1")}
        ledger.report_progress(ids["1.1.1"], date(2026, 3, 25), "新增试点企业52家", 100)
        ledger.report_progress(ids["1.3"], date(2026, 4, 10), "平台论证完成，已报省政府", 100)
        ledger.report_progress(ids["3.1"], date(2026, 5, 15), "全程电子化系统联调", 90)
        ledger.report_progress(ids["2.1"], date(2026, 5, 18), "新增建筑、税务两个互认领域", 40)
        # A 100% report awaits closure (待销号); the office closes one of them (销号) with a grade.
        closure = ledger.request(ids["1.3"], "closure", date(2026, 4, 12), "平台论证报告已报省政府，申请办结")
        ledger.decide(closure, True, date(2026, 4, 20), grade="良好")
        # 倒排工期: milestones counted back in working days from the deadline.
        done.milestones = ledger.schedule_milestones(ids["2.1"], {"方案初稿": 40, "征求意见": 20, "报批": 5})
    done.report_md = render_markdown(build_report(ledger, DEMO_DAY, TITLE))
    return done
