"""The monthly supervision report (督查通报): counts by status overall and per unit, overdue and
due-soon lists, recently completed, units that have not reported, and charts."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from luoshi.ledger.service import Ledger, TaskView
from luoshi.ledger.status import COLOURS, LABELS_ZH, STATUSES, StatusRules
from luoshi.ledger.workdays import assumption
from luoshi.messages import message

_HEX = {"green": "#2e7d32", "red": "#c62828", "yellow": "#f9a825", "grey": "#9e9e9e", "blue": "#1565c0"}


@dataclass
class Report:
    as_of: date
    programme: str | None
    counts: dict[str, int]
    by_unit: dict[str, dict[str, int]]
    overdue: list[TaskView]
    due_soon: list[TaskView]
    recently_done: list[TaskView]
    silent_units: list[str]
    completion: list[tuple[str, int, int]]  # (month end, done, total)
    changes: list[dict[str, Any]]
    disagreements: list[TaskView] = field(default_factory=list)  # the sheet's own status and the rules differ
    at_risk: list[TaskView] = field(default_factory=list)  # 滞后 / 黄灯
    notes: list[str] = field(default_factory=list)  # assumptions the figures rest on

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "programme": self.programme,
            "counts": self.counts,
            "total": sum(self.counts.values()),
            "by_unit": self.by_unit,
            "overdue": [t.to_json() for t in self.overdue],
            "due_soon": [t.to_json() for t in self.due_soon],
            "recently_completed": [t.to_json() for t in self.recently_done],
            "units_not_reported": self.silent_units,
            "completion_over_time": [{"date": d, "done": n, "total": t} for d, n, t in self.completion],
            "changes_since_last_report": self.changes,
            "sheet_disagreements": [t.to_json() for t in self.disagreements],
            "at_risk": [t.to_json() for t in self.at_risk],
            "notes": self.notes,
        }


def build_report(ledger: Ledger, as_of: date, programme: str | None = None, rules: StatusRules | None = None,
                 window_days: int = 30, snapshot: bool = False) -> Report:  # fmt: skip
    tasks = ledger.tasks(as_of, programme, rules)
    counts = {s: 0 for s in STATUSES}
    by_unit: dict[str, dict[str, int]] = {}
    for t in tasks:
        counts[t.status.status] += 1
        unit = by_unit.setdefault(t.lead_unit or "(无牵头单位)", {s: 0 for s in STATUSES})
        unit[t.status.status] += 1
    soon = as_of + timedelta(days=max(7, (rules.reminder_days if rules else 3)))
    due_soon = [t for t in tasks if t.status.status not in ("done", "done_late", "overdue") and t.deadline
                and as_of.isoformat() <= t.deadline <= soon.isoformat()]  # fmt: skip
    since = (as_of - timedelta(days=window_days)).isoformat()
    done = [t for t in tasks if t.done_date and since < t.done_date <= as_of.isoformat()]
    reported = {t.lead_unit for t in tasks if t.last_report and t.last_report > since}
    open_units = {t.lead_unit for t in tasks if t.lead_unit and t.status.status not in ("done", "done_late")}
    month_ends = [as_of]
    for _ in range(5):
        month_ends.append(date(month_ends[-1].year, month_ends[-1].month, 1) - timedelta(days=1))
    completion = [
        (end.isoformat(), sum(1 for t in tasks if t.done_date and t.done_date <= end.isoformat()), len(tasks))
        for end in reversed(month_ends)
    ]
    changes = ledger.changes(as_of - timedelta(days=window_days), as_of, programme, current=tasks)
    if snapshot:
        ledger.snapshot(as_of, programme)
    return Report(as_of, programme, counts, dict(sorted(by_unit.items())),
                  sorted((t for t in tasks if t.status.status == "overdue"), key=lambda t: t.deadline or ""),
                  sorted(due_soon, key=lambda t: t.deadline or ""), done, sorted(open_units - reported),
                  completion, changes, [t for t in tasks if t.status.flag],
                  [t for t in tasks if t.status.status == "at_risk"],
                  [n for y in sorted({int(t.deadline[:4]) for t in tasks if t.deadline}) if (n := assumption(y))])  # fmt: skip


def _task_line(t: TaskView) -> str:
    said = f"，表内填报“{t.status_text}”" if t.status_text else ""
    flag = f"【{t.status.flag}】" if t.status.flag else ""
    return f"{t.code} {t.title}（{t.lead_unit or '—'}，时限 {t.deadline_text or '—'}{said}）：{t.status.rule}{flag}"


_FIELDS = {"status": "状态", "deadline": "完成时限", "percent": "完成比例"}


def _change_value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    return LABELS_ZH.get(value, str(value)) if name == "status" else str(value)


def render_markdown(r: Report) -> str:
    total = sum(r.counts.values())
    lines = [f"# 督查通报 {r.programme or '全部事项'}（截至 {r.as_of}）", "",
             f"共 {total} 项任务。", "", "| 状态 | 数量 |", "| --- | --- |"]  # fmt: skip
    lines += [f"| {LABELS_ZH[s]} | {n} |" for s, n in r.counts.items()]
    lines += ["", "## 各单位情况", "", "| 牵头单位 | " + " | ".join(LABELS_ZH[s] for s in STATUSES) + " |",
              "| --- |" + " --- |" * len(STATUSES)]  # fmt: skip
    lines += [f"| {u} | " + " | ".join(str(c[s]) for s in STATUSES) + " |" for u, c in r.by_unit.items()]
    for heading, items in (("逾期事项", r.overdue), ("滞后事项", r.at_risk), ("临期事项", r.due_soon),
                           ("近期完成", r.recently_done),
                           ("表内填报与研判不一致", r.disagreements)):  # fmt: skip
        lines += ["", f"## {heading}（{len(items)}）", ""]
        lines += [f"- {_task_line(t)}" for t in items] or ["- 无"]
    lines += ["", f"## 未报送进展的单位（{len(r.silent_units)}）", ""]
    lines += [f"- {u}" for u in r.silent_units] or ["- 无"]
    if r.notes:
        lines += ["", "## 说明", ""] + [f"- {n}" for n in r.notes]
    lines += ["", "## 变化情况", ""]
    lines += [f"- {c['task']} {c['title']}：" + "；".join(
        f"{_FIELDS.get(k, k)} {_change_value(k, v[0])} → {_change_value(k, v[1])}" for k, v in c["changes"].items())
        for c in r.changes] or ["- 无"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _bar_svg(r: Report) -> str:
    """Stacked bars of status per unit, as inline SVG (no scripts, no CDN)."""
    units = list(r.by_unit.items())
    bar_h, gap, label_w, width = 22, 8, 180, 640
    top = max((sum(c.values()) for _, c in units), default=1) or 1
    height = len(units) * (bar_h + gap) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 20}" height="{height}" '
             f'role="img" aria-label="{message("status_by_unit")}">']  # fmt: skip
    for i, (unit, counts) in enumerate(units):
        y = i * (bar_h + gap) + 10
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="13">{html.escape(unit)}</text>'
        )
        x = float(label_w)
        for status in STATUSES:
            n = counts[status]
            if not n:
                continue
            w = n / top * width
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{_HEX[COLOURS[status]]}">'
                         f"<title>{LABELS_ZH[status]}: {n}</title></rect>")  # fmt: skip
            x += w
    parts.append("</svg>")
    return "".join(parts)


def _line_svg(r: Report) -> str:
    points = r.completion
    if not points:
        return ""
    total = max(points[-1][2], 1)
    w, h = 600, 200
    step = w / max(len(points) - 1, 1)
    coords = [(40 + i * step, h - 20 - n / total * (h - 40)) for i, (_, n, _) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    labels = "".join(f'<text x="{x:.1f}" y="{h - 4}" font-size="11" text-anchor="middle">{d[5:]}</text>'
                     f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="11" text-anchor="middle">{n}</text>'
                     for (x, y), (d, n, _) in zip(coords, points, strict=True))  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 60}" height="{h}" role="img" '
            f'aria-label="{message("report.completion_chart")}"><polyline fill="none" stroke="#2e7d32" stroke-width="2" '
            f'points="{path}"/>{labels}</svg>')  # fmt: skip


def render_html_body(r: Report) -> str:
    """The report's content (no page around it, no styles): the site's report page shows it in
    its layout, ``render_html`` makes a document of it."""
    esc = html.escape
    total = sum(r.counts.values())
    cards = "".join(
        f'<div class="card {COLOURS[s]}"><b>{n}</b><br>{LABELS_ZH[s]}</div>' for s, n in r.counts.items()
    )

    def table(items: list[TaskView]) -> str:
        if not items:
            return "<p>无</p>"
        rows = "".join(
            f"<tr><td>{esc(t.code)}</td><td>{esc(t.title)}</td><td>{esc(t.lead_unit or '—')}</td>"
            f"<td>{esc(t.deadline_text or '—')}</td><td>{esc(t.status_text or '—')}</td>"
            f"<td>{esc(LABELS_ZH[t.status.status])}</td>"
            f"<td>{esc(t.status.rule)}{esc('【' + t.status.flag + '】' if t.status.flag else '')}</td></tr>"
            for t in items)  # fmt: skip
        return ("<table><tr><th>序号</th><th>任务</th><th>牵头单位</th><th>完成时限</th><th>表内状态</th><th>研判状态</th>"
                f"<th>依据</th></tr>{rows}</table>")  # fmt: skip

    silent = "".join(f"<li>{esc(u)}</li>" for u in r.silent_units) or "<li>无</li>"
    return f"""<h1>督查通报：{esc(r.programme or "全部事项")}</h1><p>截至 {r.as_of}，共 {total} 项任务。</p>
<section class="cards">{cards}</section>
<h2>各单位任务状态</h2><div class="chart">{_bar_svg(r)}</div>
<h2>完成情况趋势</h2><div class="chart">{_line_svg(r)}</div>
<h2>逾期事项（{len(r.overdue)}）</h2>{table(r.overdue)}
<h2>临期事项（{len(r.due_soon)}）</h2>{table(r.due_soon)}
<h2>近期完成（{len(r.recently_done)}）</h2>{table(r.recently_done)}
<h2>表内填报与研判不一致（{len(r.disagreements)}）</h2>{table(r.disagreements)}
<h2>未报送进展的单位（{len(r.silent_units)}）</h2><ul>{silent}</ul>
"""


def render_html(r: Report) -> str:
    colours = "".join(f".card.{c}{{border-color:{h}}}" for c, h in _HEX.items())
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>督查通报 {html.escape(r.programme or "")} {r.as_of}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}} .card{{display:inline-block;border-left:6px solid;
padding:.5em 1em;margin:.3em;background:#fafafa}} {colours} table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ddd;padding:4px 6px;font-size:14px;vertical-align:top}} th{{background:#eef}}</style></head>
<body>{render_html_body(r)}</body></html>
"""


def render_xlsx(r: Report, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["状态", "数量"])
    for s, n in r.counts.items():
        ws.append([LABELS_ZH[s], n])
    units = wb.create_sheet("各单位")
    units.append(["牵头单位", *(LABELS_ZH[s] for s in STATUSES)])
    for u, c in r.by_unit.items():
        units.append([u, *(c[s] for s in STATUSES)])
    if r.by_unit:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = "各单位任务状态"
        data = Reference(units, min_col=2, max_col=1 + len(STATUSES), min_row=1, max_row=1 + len(r.by_unit))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(units, min_col=1, min_row=2, max_row=1 + len(r.by_unit)))
        units.add_chart(chart, f"A{len(r.by_unit) + 4}")
    for name, items in (("逾期", r.overdue), ("临期", r.due_soon), ("近期完成", r.recently_done),
                        ("表内填报不一致", r.disagreements)):  # fmt: skip
        sheet = wb.create_sheet(name)
        sheet.append(["序号", "任务", "牵头单位", "完成时限", "表内状态", "研判状态", "依据", "不一致"])
        for t in items:
            sheet.append([t.code, t.title, t.lead_unit, t.deadline_text, t.status_text, LABELS_ZH[t.status.status],
                          t.status.rule, t.status.flag])  # fmt: skip
    wb.save(path)


def render(r: Report, fmt: str, path: Path | None = None) -> str | None:
    if fmt == "json":
        return json.dumps(r.to_json(), ensure_ascii=False, indent=2)
    if fmt == "md":
        return render_markdown(r)
    if fmt == "html":
        return render_html(r)
    if fmt == "xlsx":
        if path is None:
            raise ValueError("the xlsx report needs an output file (--output)")
        render_xlsx(r, path)
        return None
    raise ValueError(f"unknown format {fmt!r} (md, html, xlsx, json)")
