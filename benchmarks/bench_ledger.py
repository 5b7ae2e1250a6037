"""Supervision report over a ledger of 10,000 tasks, beside a naive per-task baseline.

    python benchmarks/bench_ledger.py [--tasks 10000]

luoshi builds the report from a handful of set queries; the baseline loads each task's
progress with its own query (the N+1 pattern of a hand-written script) and computes the same
statuses. Both run in this process over the same SQLite file.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

from luoshi.ledger.report import build_report, render
from luoshi.ledger.schema import ProgressRow, TaskRow
from luoshi.ledger.service import Ledger, NewTask
from luoshi.ledger.status import TaskState, compute_status
from luoshi.store import open_store

UNITS = ["市发展改革委", "市商务局", "市司法局", "前海管理局", "市市场监管局", "市政数局", "各区", "市财政局"]
DEADLINES = ["2026年3月底前", "2026年6月底前", "2026年9月", "年底前", "每季度", "长期坚持", "2026年10月底前"]


def build(ledger: Ledger, n: int, rng: random.Random) -> None:
    tasks = []
    for i in range(n):
        area = i // 500 + 1
        tasks.append(
            NewTask(
                code=f"{area}.{i % 500 + 1}",
                title=f"重点任务{i}",
                area=f"领域{area}",
                lead_unit=rng.choice(UNITS),
                co_units=rng.sample(UNITS, 2),
                deadline_text=rng.choice(DEADLINES),
            )
        )
    with ledger.store.transaction() as conn:
        ids = ledger.add_tasks(conn, "2026年工作要点", 2026, tasks)
        rows = []
        for tid in ids:
            for k in range(rng.randint(0, 4)):
                rows.append(
                    {
                        "task_id": tid,
                        "date": (date(2026, 1, 15) + timedelta(days=40 * k)).isoformat(),
                        "text": "按计划推进",
                        "percent": min(100, 25 * (k + 1) + rng.randint(0, 20)),
                        "reporter": "bench",
                    }
                )
        conn.execute(insert(ProgressRow), rows)
        for row in rows:  # a 100% report, closed by the office (销号) on the same day
            if row["percent"] == 100:
                conn.execute(
                    update(TaskRow).where(TaskRow.id == row["task_id"]).values(done_date=row["date"])
                )


def baseline(ledger: Ledger, as_of: date) -> dict[str, int]:
    counts: dict[str, int] = {}
    with ledger.store.engine.connect() as conn:
        for t in conn.execute(select(TaskRow)).all():
            reports = conn.execute(
                select(ProgressRow).where(ProgressRow.task_id == t.id).order_by(ProgressRow.date)
            ).all()
            reports = [r for r in reports if r.date <= as_of.isoformat()]
            percents = [r.percent for r in reports if r.percent is not None]
            last = date.fromisoformat(reports[-1].date) if reports else None
            done = (
                date.fromisoformat(t.done_date) if t.done_date and t.done_date <= as_of.isoformat() else None
            )
            state = TaskState(
                t.deadline_kind,
                date.fromisoformat(t.deadline) if t.deadline else None,
                None,
                date.fromisoformat(t.start_date) if t.start_date else None,
                done,
                percents[-1] if percents else None,
                last,
            )
            status = compute_status(state, as_of).status
            counts[status] = counts.get(status, 0) + 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=10_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="luoshi-ledger-bench-"))
    ledger = Ledger(open_store(str(work / "ledger.db")), actor="bench")
    t0 = time.perf_counter()
    build(ledger, args.tasks, random.Random(7))
    setup = time.perf_counter() - t0
    as_of = date(2026, 7, 15)
    t0 = time.perf_counter()
    ledger.tasks(as_of)
    statuses_only = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = build_report(ledger, as_of)
    html = render(report, "html")
    assert html is not None
    render(report, "xlsx", work / "report.xlsx")
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = baseline(ledger, as_of)
    base = time.perf_counter() - t0
    assert {k: v for k, v in report.counts.items() if v} == naive, (report.counts, naive)
    out = {
        "tasks": args.tasks,
        "setup_s": round(setup, 2),
        "report_html_xlsx_s": round(ours, 2),
        "statuses_only_s": round(statuses_only, 2),
        "baseline_statuses_only_s": round(base, 2),
        "speed_ratio_statuses": round(base / statuses_only, 2),
        "html_kb": round(len(html.encode()) / 1024, 1),
        "counts": report.counts,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    target = Path(__file__).with_name("out")
    target.mkdir(exist_ok=True)
    (target / "ledger.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
