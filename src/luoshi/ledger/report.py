"""The periodic supervision report (督查通报): counts by status, a ranked table of units with
their 办结率, overdue / at-risk / due-soon / awaiting-closure / recently-done lists, units that have
not reported, changes since the last issued report, and charts. Every word comes from the message
catalogue, in the language being spoken (``luoshi.messages``)."""

from __future__ import annotations

import html
import json
from copy import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.ledger.service import Ledger, TaskView
from luoshi.ledger.status import COLOURS, HEX, STATUSES, StatusRules, status_label
from luoshi.ledger.workdays import assumption
from luoshi.messages import language, message

# Pale tints of the status colours for whole rows of the xlsx lists (the status cell gets the full colour).
_TINT = {
    "green": "C8E6C9",
    "red": "FFCDD2",
    "yellow": "FFF59D",
    "grey": "EEEEEE",
    "blue": "BBDEFB",
    "teal": "B2EBF2",
}
CLOSED = ("done", "done_late")


@dataclass
class UnitLine:
    """One lead unit in the ranking: its counts by status, 办结率 and rank."""

    unit: str
    counts: dict[str, int]
    total: int
    closed: int
    rate: float | None  # closed ÷ (total − ongoing); None when it leads only ongoing work
    rank: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "counts": self.counts,
            "total": self.total,
            "closed": self.closed,
            "rate": None if self.rate is None else round(self.rate, 4),
            "rank": self.rank,
        }


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
    units: list[UnitLine] = field(default_factory=list)  # ranked
    awaiting: list[TaskView] = field(default_factory=list)  # 待销号
    number: int = 1  # 第N期: the issued number, or the next one when not issued yet
    issued: bool = False
    office: str = ""
    issued_on: str | None = None
    baseline: dict[str, Any] | None = None  # the issued report the changes are counted from
    window_days: int = 30

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "programme": self.programme,
            "number": self.number,
            "issued": self.issued,
            "office": self.office,
            "issued_on": self.issued_on,
            "counts": self.counts,
            "total": sum(self.counts.values()),
            "by_unit": self.by_unit,
            "units": [u.to_json() for u in self.units],
            "overdue": [t.to_json() for t in self.overdue],
            "at_risk": [t.to_json() for t in self.at_risk],
            "due_soon": [t.to_json() for t in self.due_soon],
            "awaiting_closure": [t.to_json() for t in self.awaiting],
            "recently_completed": [t.to_json() for t in self.recently_done],
            "units_not_reported": self.silent_units,
            "completion_over_time": [{"date": d, "done": n, "total": t} for d, n, t in self.completion],
            "changes_since_last_report": self.changes,
            "changes_since": (
                {"number": self.baseline["number"], "as_of": self.baseline["as_of"]}
                if self.baseline
                else None
            ),
            "sheet_disagreements": [t.to_json() for t in self.disagreements],
            "notes": self.notes,
        }


def rank_units(by_unit: dict[str, dict[str, int]]) -> list[UnitLine]:
    """Units ranked by 办结率 (highest first), then by fewer overdue tasks; equal units share a rank."""
    lines = []
    for unit, counts in by_unit.items():
        total = sum(counts.values())
        closed = sum(counts[s] for s in CLOSED)
        dated = total - counts["ongoing"]
        lines.append(UnitLine(unit, counts, total, closed, closed / dated if dated else None))

    def key(u: UnitLine) -> tuple[float, int]:
        return (-(u.rate if u.rate is not None else -1.0), u.counts["overdue"])

    lines.sort(key=lambda u: (*key(u), u.unit))
    for i, line in enumerate(lines):
        line.rank = lines[i - 1].rank if i and key(lines[i - 1]) == key(line) else i + 1
    return lines


def build_report(
    ledger: Ledger,
    as_of: date,
    programme: str | None = None,
    rules: StatusRules | None = None,
    window_days: int = 30,
    snapshot: bool = False,
    office: str | None = None,
) -> Report:
    """The report as of ``as_of``. With ``snapshot`` it is issued (numbered 第N期 and kept as the
    baseline of the next one). Changes are counted from the last report issued before ``as_of``,
    else over the last ``window_days`` days."""
    issue = ledger.snapshot(as_of, programme, office) if snapshot else ledger.issue(as_of, programme)
    tasks = ledger.tasks(as_of, programme, rules)
    counts = {s: 0 for s in STATUSES}
    by_unit: dict[str, dict[str, int]] = {}
    no_lead = message("report.no_lead")
    for t in tasks:
        counts[t.status.status] += 1
        unit = by_unit.setdefault(t.lead_unit or no_lead, {s: 0 for s in STATUSES})
        unit[t.status.status] += 1
    soon = as_of + timedelta(days=max(7, (rules.reminder_days if rules else 3)))
    due_soon = [
        t
        for t in tasks
        if t.status.status not in (*CLOSED, "overdue", "awaiting_closure")
        and t.deadline
        and as_of.isoformat() <= t.deadline <= soon.isoformat()
    ]
    since = (as_of - timedelta(days=window_days)).isoformat()
    done = [
        t
        for t in tasks
        if t.status.status in CLOSED and t.done_date and since < t.done_date <= as_of.isoformat()
    ]
    reported = {t.lead_unit for t in tasks if t.last_report and t.last_report > since}
    open_units = {t.lead_unit for t in tasks if t.lead_unit and t.status.status not in CLOSED}
    month_ends = [as_of]
    for _ in range(5):
        month_ends.append(date(month_ends[-1].year, month_ends[-1].month, 1) - timedelta(days=1))
    completion = [
        (end.isoformat(), sum(1 for t in tasks if t.done_date and t.done_date <= end.isoformat()), len(tasks))
        for end in reversed(month_ends)
    ]
    baseline = ledger.last_issue_before(as_of, programme)
    if baseline is not None:
        changes = ledger.changes_from(baseline["data"], tasks)
    else:
        changes = ledger.changes(as_of - timedelta(days=window_days), as_of, programme, current=tasks)

    def of(status: str) -> list[TaskView]:
        return sorted(
            (t for t in tasks if t.status.status == status), key=lambda t: (t.deadline or "", t.code)
        )

    return Report(
        as_of,
        programme,
        counts,
        dict(sorted(by_unit.items())),
        of("overdue"),
        sorted(due_soon, key=lambda t: t.deadline or ""),
        done,
        sorted(open_units - reported),
        completion,
        changes,
        [t for t in tasks if t.status.flag],
        of("at_risk"),
        [n for y in sorted({int(t.deadline[:4]) for t in tasks if t.deadline}) if (n := assumption(y))],
        rank_units(by_unit),
        of("awaiting_closure"),
        number=issue["number"]
        if issue and issue.get("number")
        else ledger.next_issue_number(as_of, programme),
        issued=bool(issue and issue.get("number")),
        office=(issue or {}).get("office") or office or message("report.office_default"),
        issued_on=(issue or {}).get("issued_on"),
        baseline=baseline,
        window_days=window_days,
    )


# -- words -------------------------------------------------------------------------------------


def _title(r: Report) -> str:
    return message("report.heading", programme=r.programme or message("report.all_tasks"))


def _number(r: Report) -> str:
    return message("report.number" if r.issued else "report.number_draft", number=r.number)


def _date_words(day: date) -> str:
    return message("report.date", year=day.year, month=day.month, day=day.day, iso=day.isoformat())


def _issued_line(r: Report) -> str:
    day = date.fromisoformat(r.issued_on) if r.issued_on else r.as_of
    return message("report.issued_by", office=r.office, date=_date_words(day))


def _section(key: str, n: int) -> str:
    return message("report.section", title=message(f"report.s.{key}"), n=n)


def _rate(u: UnitLine) -> str:
    return "—" if u.rate is None else f"{u.rate * 100:.0f}%"


def _task_line(t: TaskView) -> str:
    said = message("report.said", word=t.status_text) if t.status_text else ""
    flag = f"【{t.status.flag}】" if t.status.flag else ""
    return message(
        "report.task_line",
        code=t.code,
        title=t.title,
        lead=t.lead_unit or "—",
        deadline=t.deadline_text or "—",
        said=said,
        rule=t.status.rule,
        flag=flag,
    )


def _change_value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    return status_label(value) if name == "status" and value in COLOURS else str(value)


def change_lines(r: Report) -> list[str]:
    return [
        f"{c['task']} {c['title']}："
        + "；".join(
            message(
                "report.change_line",
                field=message(f"field.{k}"),
                old=_change_value(k, v[0]),
                new=_change_value(k, v[1]),
            )
            for k, v in c["changes"].items()
        )
        for c in r.changes
    ]


def changes_heading(r: Report) -> str:
    base = r.baseline
    since = (
        message("report.changes_since_issue", number=base["number"], as_of=base["as_of"])
        if base
        else message("report.changes_since_days", days=r.window_days)
    )
    return f"{_section('changes', len(r.changes))} {since}"


def _lists(r: Report) -> list[tuple[str, list[TaskView]]]:
    return [
        ("overdue", r.overdue),
        ("at_risk", r.at_risk),
        ("due_soon", r.due_soon),
        ("awaiting", r.awaiting),
        ("recent", r.recently_done),
        ("disagree", r.disagreements),
    ]


def _unit_columns() -> list[str]:
    return [
        message("report.col.rank"),
        message("col.lead"),
        message("report.col.total"),
        *(status_label(s) for s in STATUSES),
        message("report.col.rate"),
    ]


def _task_columns() -> list[str]:
    return [
        message(f"col.{k}") for k in ("seq", "task", "lead", "deadline", "sheet_status", "status", "rule")
    ]


def render_markdown(r: Report) -> str:
    total = sum(r.counts.values())
    lines = [
        f"# {_title(r)}",
        "",
        f"{_number(r)}　{_issued_line(r)}",
        "",
        message("report.summary", as_of=r.as_of, total=total),
        "",
        f"| {message('col.status')} | {message('report.col.count')} |",
        "| --- | --- |",
    ]
    lines += [f"| {status_label(s)} | {n} |" for s, n in r.counts.items()]
    cols = _unit_columns()
    lines += [
        "",
        f"## {message('report.s.ranking')}",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + " --- |" * len(cols),
    ]
    lines += [
        "| "
        + " | ".join([str(u.rank), u.unit, str(u.total), *(str(u.counts[s]) for s in STATUSES), _rate(u)])
        + " |"
        for u in r.units
    ]
    lines += ["", message("report.rate_note")]
    for key, items in _lists(r):
        lines += ["", f"## {_section(key, len(items))}", ""]
        lines += [f"- {_task_line(t)}" for t in items] or [f"- {message('report.none')}"]
    lines += ["", f"## {_section('silent', len(r.silent_units))}", ""]
    lines += [f"- {u}" for u in r.silent_units] or [f"- {message('report.none')}"]
    if r.notes:
        lines += ["", f"## {message('report.s.notes')}", ""] + [f"- {n}" for n in r.notes]
    lines += ["", f"## {changes_heading(r)}", ""]
    lines += [f"- {line}" for line in change_lines(r)] or [f"- {message('report.none')}"]
    return "\n".join(lines) + "\n"


# -- charts (inline SVG: no scripts, no CDN) --------------------------------------------------------


def _text_width(text: str, size: float) -> float:
    """Roughly how wide ``text`` is drawn at ``size`` px: CJK characters are square, others half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.6 for c in text)


def _legend(statuses: list[str], y: float, x0: float = 10) -> tuple[str, float]:
    """A row (or rows) of colour keys with their labels; the SVG and the height it takes."""
    parts, x, row = [], x0, 0
    for s in statuses:
        label = status_label(s)
        w = 18 + _text_width(label, 12) + 14
        if x + w > 700 and x > x0:
            x, row = x0, row + 1
        yy = y + row * 20
        parts.append(
            f'<rect x="{x:.0f}" y="{yy}" width="12" height="12" fill="{HEX[COLOURS[s]]}"/>'
            f'<text x="{x + 16:.0f}" y="{yy + 11}" font-size="12">{html.escape(label)}</text>'
        )
        x += w
    return "".join(parts), (row + 1) * 20


def bar_svg(r: Report) -> str:
    """Stacked bars of status per unit with the count in each part, an axis of task counts and a legend."""
    units = list(r.by_unit.items())
    bar_h, gap, width = 22, 8, 560
    label_w = max([_text_width(u, 13) for u, _ in units] + [60]) + 12
    top = max((sum(c.values()) for _, c in units), default=1) or 1
    step = max(1, -(-top // 5))  # about five ticks
    top = -(-top // step) * step
    chart_h = len(units) * (bar_h + gap) + 10
    used = [s for s in STATUSES if any(c[s] for _, c in units)]
    legend, legend_h = _legend(used, chart_h + 34)
    total_w = label_w + width + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{chart_h + 40 + legend_h}" '
        f'viewBox="0 0 {total_w:.0f} {chart_h + 40 + legend_h}" role="img" '
        f'aria-label="{html.escape(message("report.s.by_unit"))}">'
    ]
    for tick in range(0, top + 1, step):
        x = label_w + tick / top * width
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="5" y2="{chart_h}" stroke="#ddd"/>'
            f'<text x="{x:.1f}" y="{chart_h + 14}" font-size="11" text-anchor="middle">{tick}</text>'
        )
    parts.append(
        f'<text x="{label_w + width / 2:.0f}" y="{chart_h + 28}" font-size="11" text-anchor="middle">'
        f"{html.escape(message('report.axis_tasks'))}</text>"
    )
    for i, (unit, counts) in enumerate(units):
        y = i * (bar_h + gap) + 10
        parts.append(
            f'<text x="{label_w - 6:.0f}" y="{y + 16}" text-anchor="end" font-size="13">{html.escape(unit)}</text>'
        )
        x = float(label_w)
        for status in STATUSES:
            n = counts[status]
            if not n:
                continue
            w = n / top * width
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{HEX[COLOURS[status]]}">'
                f"<title>{html.escape(status_label(status))}: {n}</title></rect>"
            )
            if w >= 14:
                colour = "#000" if COLOURS[status] == "yellow" else "#fff"
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 15}" font-size="11" text-anchor="middle" '
                    f'fill="{colour}">{n}</text>'
                )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11">{sum(counts.values())}</text>')
    parts.append(legend + "</svg>")
    return "".join(parts)


def _line_svg(r: Report) -> str:
    """Tasks done by each month end, with the count at each point, axes and a legend line."""
    points = r.completion
    if not points:
        return ""
    total = max(points[-1][2], 1)
    w, h, left = 600, 220, 50
    step = w / max(len(points) - 1, 1)

    def y_of(n: float) -> float:
        return h - 40 - n / total * (h - 70)

    coords = [(left + i * step, y_of(n)) for i, (_, n, _) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    axis = (
        f'<line x1="{left}" x2="{left}" y1="{y_of(total):.1f}" y2="{y_of(0):.1f}" stroke="#999"/>'
        f'<line x1="{left}" x2="{left + w}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" stroke="#999"/>'
        f'<text x="{left - 6}" y="{y_of(0) + 4:.1f}" font-size="11" text-anchor="end">0</text>'
        f'<text x="{left - 6}" y="{y_of(total) + 4:.1f}" font-size="11" text-anchor="end">{total}</text>'
    )
    labels = "".join(
        f'<text x="{x:.1f}" y="{h - 24}" font-size="11" text-anchor="middle">{d[5:]}</text>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2e7d32"/>'
        f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="11" text-anchor="middle">{n}</text>'
        for (x, y), (d, n, _) in zip(coords, points, strict=True)
    )
    key = (
        f'<line x1="{left}" x2="{left + 20}" y1="{h - 8}" y2="{h - 8}" stroke="#2e7d32" stroke-width="2"/>'
        f'<text x="{left + 26}" y="{h - 4}" font-size="12">'
        f"{html.escape(message('report.trend_key', total=total))}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + left + 30}" height="{h}" '
        f'viewBox="0 0 {w + left + 30} {h}" role="img" aria-label="{html.escape(message("report.s.trend"))}">'
        f'{axis}<polyline fill="none" stroke="#2e7d32" stroke-width="2" points="{path}"/>{labels}{key}</svg>'
    )


# -- HTML ------------------------------------------------------------------------------------------


def render_html_body(r: Report, limit: int | None = None) -> str:
    """The report's content (no page around it, no styles): the site's report page shows it in
    its layout, ``render_html`` makes a printable document of it. With ``limit`` each list of
    tasks or changes shows its first ``limit`` lines and says how many there are (the page; the
    downloads have every line)."""
    esc = html.escape

    def shown(n: int) -> str:
        if limit is None or n <= limit:
            return ""
        return f'<p class="note more">{esc(message("report.list_shown", total=n, shown=limit))}</p>'

    total = sum(r.counts.values())
    cards = "".join(
        f'<div class="card {COLOURS[s]}"><b>{n}</b><br>{esc(status_label(s))}</div>'
        for s, n in r.counts.items()
    )

    def table(items: list[TaskView]) -> str:
        if not items:
            return f"<p>{esc(message('report.none'))}</p>"
        more, items = shown(len(items)), items[:limit] if limit is not None else items
        head = "".join(f"<th>{esc(c)}</th>" for c in _task_columns())
        rows = "".join(
            f'<tr class="row-{COLOURS[t.status.status]}"><td>{esc(t.code)}</td><td>{esc(t.title)}</td>'
            f"<td>{esc(t.lead_unit or '—')}</td><td>{esc(t.deadline_text or '—')}</td>"
            f"<td>{esc(t.status_text or '—')}</td>"
            f'<td><span class="dot {COLOURS[t.status.status]}"></span>{esc(status_label(t.status.status))}</td>'
            f"<td>{esc(t.status.rule)}{esc('【' + t.status.flag + '】' if t.status.flag else '')}</td></tr>"
            for t in items
        )
        return (
            f'<div class="table-wrap"><table class="report-tasks"><tr>{head}</tr>{rows}</table></div>{more}'
        )

    unit_head = "".join(f"<th>{esc(c)}</th>" for c in _unit_columns())
    unit_rows = "".join(
        f'<tr><td>{u.rank}</td><td class="unit">{esc(u.unit)}</td><td>{u.total}</td>'
        + "".join(f"<td>{u.counts[s]}</td>" for s in STATUSES)
        + f"<td>{_rate(u)}</td></tr>"
        for u in r.units
    )
    units = (
        (
            f'<div class="table-wrap"><table class="ranking"><tr>{unit_head}</tr>{unit_rows}</table></div>'
            f'<p class="note">{esc(message("report.rate_note"))}</p>'
        )
        if r.units
        else f"<p>{esc(message('report.none'))}</p>"
    )
    lists = "".join(f"<h2>{esc(_section(key, len(items)))}</h2>{table(items)}" for key, items in _lists(r))
    none = f"<li>{esc(message('report.none'))}</li>"
    silent = "".join(f"<li>{esc(u)}</li>" for u in r.silent_units) or none
    lines = change_lines(r)
    listed = lines[:limit] if limit is not None else lines
    changes = "".join(f"<li>{esc(line)}</li>" for line in listed) or none
    notes = (
        (
            f"<h2>{esc(message('report.s.notes'))}</h2><ul>"
            + "".join(f"<li>{esc(n)}</li>" for n in r.notes)
            + "</ul>"
        )
        if r.notes
        else ""
    )
    return f"""<div class="masthead"><p class="doc-kind">{esc(message("report.title"))}</p>
<p class="issue">{esc(_number(r))}</p><p class="issuer"><span>{esc(r.office)}</span><span>{esc(_date_words(date.fromisoformat(r.issued_on) if r.issued_on else r.as_of))}</span></p></div>
<h1>{esc(_title(r))}</h1><p>{esc(message("report.summary", as_of=r.as_of, total=total))}</p>
<section class="cards">{cards}</section>
<h2>{esc(message("report.s.ranking"))}</h2>{units}
<h2>{esc(message("report.s.by_unit"))}</h2><div class="chart">{bar_svg(r)}</div>
<h2>{esc(message("report.s.trend"))}</h2><div class="chart">{_line_svg(r)}</div>
{lists}
<h2>{esc(_section("silent", len(r.silent_units)))}</h2><ul>{silent}</ul>
<h2>{esc(changes_heading(r))}</h2><ul class="changes">{changes}</ul>{shown(len(lines))}
{notes}<p class="footer">{esc(_issued_line(r))}</p>
"""


def render_html(r: Report) -> str:
    """A printable document (A4, its own styles: it is read outside the site)."""
    colours = "".join(f".card.{c}{{border-color:{h}}}.dot.{c}{{background:{h}}}" for c, h in HEX.items())
    tints = "".join(f".row-{c} td{{background:#{t}}}" for c, t in _TINT.items() if c != "green")
    lang = "en" if language() == "en" else "zh-CN"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(_title(r))} {html.escape(_number(r))} {r.as_of}</title>
<style>body{{font-family:"Noto Serif CJK SC","SimSun",serif;margin:2em auto;max-width:1100px;padding:0 1em}}
.masthead{{text-align:center;border-bottom:3px solid #c62828;margin-bottom:1em}}
.doc-kind{{color:#c62828;font-size:32px;font-weight:bold;letter-spacing:.3em;margin:.2em}}.issue{{margin:.2em}}
.issuer{{display:flex;justify-content:space-between;margin:.4em 0}}h1{{text-align:center;font-size:22px}}
.card{{display:inline-block;border-left:6px solid;padding:.5em 1em;margin:.3em;background:#fafafa}}
.dot{{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em}} {colours} {tints}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #999;padding:4px 6px;font-size:14px;vertical-align:top}}
th{{background:#eee}}td.unit{{white-space:nowrap}}.note{{font-size:13px;color:#555}}.footer{{text-align:right;margin-top:2em}}
svg{{max-width:100%;height:auto}}@page{{size:A4;margin:15mm}}@media print{{body{{margin:0;max-width:none}}h2{{break-after:avoid}}tr{{break-inside:avoid}}}}</style></head>
<body>{render_html_body(r)}</body></html>
"""


# -- xlsx ------------------------------------------------------------------------------------------


def _width(value: Any) -> float:
    text = "" if value is None else str(value)
    return max((sum(2 if ord(c) > 0x2E80 else 1 for c in line) for line in text.split("\n")), default=0)


def _title_rows(ws: Worksheet, r: Report, columns: int, subtitle: str | None = None) -> int:
    """Title, 第N期 with the office and date, and the as-of line on top of a sheet; the next row."""
    lines = [
        (_title(r), 16),
        (f"{_number(r)}　{_issued_line(r)}", 11),
        (subtitle or message("report.summary", as_of=r.as_of, total=sum(r.counts.values())), 11),
    ]
    for i, (text, size) in enumerate(lines, 1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=i == 1, size=size)
        if columns > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=columns)
    return len(lines) + 2


def _header(ws: Worksheet, row: int, names: list[str]) -> None:
    for col, name in enumerate(names, 1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E0E0E0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _fit(ws: Worksheet, first_row: int, caps: dict[int, int] | None = None, wrap: bool = True) -> None:
    """Column widths from the content below the title rows (CJK characters count twice); long
    text columns are capped and wrap (``wrap=False``: the cells were written wrapping), unit
    names never are."""
    caps = caps or {}
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for col, w in widths.items():
        cap = caps.get(col)
        ws.column_dimensions[get_column_letter(col)].width = min(w, cap) + 2 if cap else w + 2
        if wrap and cap and w > cap:
            for (cell,) in ws.iter_rows(min_row=first_row, min_col=col, max_col=col):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _legend_rows(ws: Worksheet, row: int) -> int:
    ws.cell(row=row, column=1, value=message("report.legend")).font = Font(bold=True)
    for i, s in enumerate(STATUSES, 1):
        ws.cell(row=row + i, column=1).fill = PatternFill("solid", fgColor=HEX[COLOURS[s]][1:])
        ws.cell(row=row + i, column=2, value=status_label(s))
    return row + len(STATUSES) + 1


def _status_fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=HEX[COLOURS[status]][1:])


def render_xlsx(r: Report, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = message("report.sheet.summary")
    row = _title_rows(ws, r, 2)
    _header(ws, row, [message("col.status"), message("report.col.count")])
    for s, n in r.counts.items():
        row += 1
        ws.cell(row=row, column=1, value=status_label(s)).fill = _status_fill(s)
        ws.cell(row=row, column=2, value=n)
    _legend_rows(ws, row + 2)
    _fit(ws, 4)

    units = wb.create_sheet(message("report.sheet.units"))
    cols = _unit_columns()
    head = _title_rows(units, r, len(cols), message("report.rate_note"))
    _header(units, head, cols)
    for u in r.units:
        units.append([u.rank, u.unit, u.total, *(u.counts[s] for s in STATUSES), u.rate])
        units.cell(row=units.max_row, column=len(cols)).number_format = "0%"
    for i, s in enumerate(STATUSES):
        units.cell(row=head, column=4 + i).fill = _status_fill(s)
    _fit(units, head, {c: 12 for c in range(3, len(cols) + 1)})
    if r.units:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = message("report.s.by_unit")
        chart.y_axis.title = message("report.axis_tasks")
        chart.legend.position = "b"
        last = head + len(r.units)
        data = Reference(units, min_col=4, max_col=3 + len(STATUSES), min_row=head, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(units, min_col=2, min_row=head + 1, max_row=last))
        for series, s in zip(chart.series, STATUSES, strict=True):
            series.graphicalProperties.solidFill = HEX[COLOURS[s]][1:]
            series.graphicalProperties.line.solidFill = HEX[COLOURS[s]][1:]
        chart.height = max(7.5, 0.8 * len(r.units) + 3)
        chart.width = 24
        units.add_chart(chart, f"A{last + 3}")

    for key, items in _lists(r):
        sheet = wb.create_sheet(message(f"report.sheet.{key}"))
        cols = [*_task_columns(), message("report.col.flag")]
        head = _title_rows(sheet, r, len(cols), _section(key, len(items)))
        _header(sheet, head, cols)
        caps = {2: 50, 4: 20, 5: 16, 7: 60, 8: 30}
        styles: dict[tuple[str, int], Any] = {}  # one style per colour and column, copied to each cell
        for row, t in enumerate(items, head + 1):
            colour = COLOURS[t.status.status]
            values = [
                t.code,
                t.title,
                t.lead_unit,
                t.deadline_text,
                t.status_text,
                status_label(t.status.status),
                t.status.rule,
                t.status.flag,
            ]
            for col, value in enumerate(values, 1):
                cell = sheet.cell(row=row, column=col, value=value)
                style = styles.get((colour, col))
                if style is None:
                    cell.fill = (
                        _status_fill(t.status.status)
                        if col == 6
                        else PatternFill("solid", fgColor=_TINT[colour])
                    )
                    if col in caps:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                    style = styles[(colour, col)] = copy(cell._style)
                else:
                    cell._style = copy(style)
        _fit(sheet, head, caps, wrap=False)
        sheet.freeze_panes = sheet.cell(row=head + 1, column=1)

    silent = wb.create_sheet(message("report.sheet.silent"))
    head = _title_rows(silent, r, 1, _section("silent", len(r.silent_units)))
    _header(silent, head, [message("col.lead")])
    for name in r.silent_units:
        silent.append([name])
    _fit(silent, head)

    changed = wb.create_sheet(message("report.sheet.changes"))
    head = _title_rows(changed, r, 1, changes_heading(r))
    for line in change_lines(r) or [message("report.none")]:
        changed.append([line])
    _fit(changed, head, {1: 100})
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
            raise ValueError(message("report.needs_output"))
        render_xlsx(r, path)
        return None
    raise ValueError(message("report.unknown_format", fmt=fmt))
