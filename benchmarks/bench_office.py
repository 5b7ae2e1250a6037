"""The office's pages over a ledger of 10,000 tasks: a task page's detail and a unit member's
home, each beside the way they were computed before (every task's status, then the one or the
few shown), and the report with its ranking, issue lookups and xlsx formatting.

    python benchmarks/bench_office.py [--tasks 10000] [--samples 20]

Both sides run in this process over the same SQLite file; the figures are medians.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench_ledger import build
from sqlalchemy import select

from luoshi.ledger.report import build_report, render
from luoshi.ledger.schema import UnitRow
from luoshi.ledger.service import Ledger
from luoshi.store import open_store


def median_seconds(call: Callable[[], Any], samples: int) -> float:
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=20)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="luoshi-office-bench-"))
    ledger = Ledger(open_store(str(work / "ledger.db")), actor="bench")
    rng = random.Random(7)
    build(ledger, args.tasks, rng)
    as_of = date(2026, 7, 15)
    ids = [t.id for t in ledger.tasks(as_of)]
    picks = iter([rng.choice(ids) for _ in range(args.samples * 2)])

    def detail_before() -> None:  # every status computed, then the one shown
        tid = next(picks)
        view = next(t for t in ledger.tasks(as_of, include_drafts=True, include_rejected=True) if t.id == tid)
        assert view.id == tid

    detail_now = median_seconds(lambda: ledger.task_detail(next(picks), as_of), args.samples)
    detail_then = median_seconds(detail_before, args.samples)
    with ledger.store.engine.connect() as conn:
        unit_id, unit = conn.execute(select(UnitRow.id, UnitRow.name).order_by(UnitRow.id)).first()  # type: ignore[misc]

    def home_before() -> list[Any]:
        return [t for t in ledger.tasks(as_of) if t.lead_unit == unit or unit in t.co_units]

    home_now = median_seconds(lambda: ledger.unit_tasks(unit_id, as_of), args.samples)
    home_then = median_seconds(home_before, args.samples)
    shown = ledger.unit_tasks(unit_id, as_of)
    assert {t.id for t in shown["lead"] + shown["co"]} == {t.id for t in home_before()}
    ledger.snapshot(date(2026, 6, 30))
    t0 = time.perf_counter()
    report = build_report(ledger, as_of)
    render(report, "html")
    render(report, "xlsx", work / "report.xlsx")
    report_s = time.perf_counter() - t0
    out = {
        "tasks": args.tasks,
        "task_detail_ms": round(detail_now * 1000, 1),
        "task_detail_before_ms": round(detail_then * 1000, 1),
        "task_detail_ratio": round(detail_then / detail_now, 1),
        "unit_home_ms": round(home_now * 1000, 1),
        "unit_home_before_ms": round(home_then * 1000, 1),
        "unit_home_ratio": round(home_then / home_now, 2),
        "unit_tasks": len(shown["lead"]) + len(shown["co"]),
        "report_html_xlsx_s": round(report_s, 2),
        "changes_since_issue": len(report.changes),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
