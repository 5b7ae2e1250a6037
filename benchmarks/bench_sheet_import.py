"""Importing a 5,000-row 台账 (target: ≤ 10 s, memory bounded), then the same sheet again as the
monthly update, and the export.

    python benchmarks/bench_sheet_import.py [--rows 5000]

The sheet is ours: categories of 50 tasks with declared counts, merged 序号 over task parts,
several dated progress columns, status words, one 责任单位 column. Peak memory is the process's
maximum resident set size (it includes Python and the libraries, about 100 MB before the run).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import cn2an
from openpyxl import Workbook

from luoshi.ledger.excel import export_sheet, import_sheet
from luoshi.ledger.service import Ledger
from luoshi.store import open_store

UNITS = ["县发改局", "县住建局", "县水利局", "县商务局", "县民政局", "县教育局", "各乡镇"]
STATUS = ["已完成", "正常推进", "滞后", "未启动", ""]


def write_sheet(path: Path, rows: int, rng: random.Random) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年重点任务推进情况表"])
    ws.append(["县政府督查室　2026年2月1日"])
    ws.append(
        [
            "序号",
            "重点任务",
            "具体措施",
            "责任单位",
            "完成时限",
            "1-10月推进情况",
            "1-11月推进情况",
            "完成状态",
            "分管领导",
            "联系人",
            "备注",
        ]
    )
    written = 0
    category = 0
    while written < rows:
        category += 1
        ws.append([f"{cn2an.an2cn(category)}、领域{category}（50项）"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=11)
        for n in range(1, 51):
            parts = 2 if n % 10 == 0 else 1
            first = ws.max_row + 1
            for p in range(parts):
                ws.append(
                    [
                        str(n) if p == 0 else None,
                        f"任务{category}-{n}-{p}",
                        "按计划推进",
                        "、".join(rng.sample(UNITS, 2)),
                        rng.choice(["2026年6月底前", "年底前", "2026年9月", "长期坚持"]),
                        "完成方案",
                        "完成招标",
                        rng.choice(STATUS),
                        "王五",
                        "李六",
                        "",
                    ]
                )
                written += 1
            if parts > 1:
                ws.merge_cells(start_row=first, start_column=1, end_row=ws.max_row, end_column=1)
    wb.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sheet = write_sheet(Path(tmp) / "big.xlsx", args.rows, random.Random(7))
        ledger = Ledger(open_store(str(Path(tmp) / "bench.db")))
        start = time.perf_counter()
        result = import_sheet(ledger, sheet)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = import_sheet(ledger, sheet)
        update = time.perf_counter() - start
        views = ledger.tasks(date(2026, 11, 30))
        start = time.perf_counter()
        export_sheet(views, Path(tmp) / "out.xlsx", result.programme)
        export = time.perf_counter() - start
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "tasks": len(result.imported),
                    "sheet_bytes": sheet.stat().st_size,
                    "import_s": round(first, 2),
                    "reimport_unchanged_s": round(update, 2),
                    "changed_on_reimport": sum(
                        1 for c in again.changes if c["action"] != "added" and c["changes"]
                    ),
                    "export_s": round(export, 2),
                    "target_import_s": 10,
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
