"""Excel 台账 import and export, for the sheets offices actually keep.

Columns are found by meaning (luoshi.ledger.columns), in a header anywhere in the first 30 rows,
also when it spans several rows under merged group headings. Structure is read as offices write
it: category rows ("一、金融开放（4项）", counts checked), numbering 1. / （1） / 1.1 / 一、,
a 序号 merged over several rows (one task in parts, each part kept), unnumbered rows as siblings,
notes and signatures under the table skipped with a warning, every worksheet that holds a ledger.
What the office wrote is kept: its status words, progress (dated when the column says "1-10月"),
leader, contact, notes, numbering. Export writes all of it back so that importing the export gives
the same ledger. Every message comes from luoshi.messages (Chinese first)."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.extract.deadlines import month_end
from luoshi.ledger.columns import REPEATABLE, meaning
from luoshi.ledger.deadlines import Deadline, excel_date, parse_deadline
from luoshi.ledger.service import Ledger, LedgerError, NewTask, TaskView
from luoshi.ledger.status import LABELS_ZH, sheet_status
from luoshi.ledger.units import split_units
from luoshi.ledger.workdays import shift_workdays
from luoshi.messages import message
from luoshi.text import chinese_numeral, require_number

HEADER_SEARCH_ROWS = 30
MAX_CELLS = 2_000_000  # rows × columns a sheet or a merged range may span before it is refused
MAX_MERGED_CELLS = 200_000  # cells under merged ranges (openpyxl makes an object for each)
MAX_UNPACKED = 64 * 2**20  # bytes a workbook may inflate to (a 5,000-row 台账 is a few MB)
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"')

_CN_DIGITS = "一二三四五六七八九十百"
_CATEGORY = re.compile(rf"^\s*([{_CN_DIGITS}]+)\s*[、.．]\s*(.+?)\s*$")
_CN_SEQ = re.compile(rf"^\s*([{_CN_DIGITS}]+)\s*[、.．]?\s*$")
_DECLARED = re.compile(r"[（(]\s*(\d+|[一二三四五六七八九十百]+)\s*[项个条]\s*[)）]\s*$")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*[.、．]?\s*$")
_PAREN = re.compile(r"^\s*[（(]\s*(\d+)\s*[)）]\s*$")
_FOOTER = re.compile(
    r"^\s*(注|备注|说明|来源|资料来源|数据来源|填报人|填表人|审核人|审核|联系人|联系电话|制表|制表人|单位负责人|"
    r"签字|签发|负责人|附件|附)\s*[:：]?"
)
_PERIOD = re.compile(r"(\d{1,2})\s*(?:月份?)?\s*[-—–~～至到]\s*(\d{1,2})\s*月")
_ONE_MONTH = re.compile(r"(?<![\d-])(\d{1,2})\s*月(?:份|底|末)?")
_FULL_DATE = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_RELATIVE = re.compile(
    r"^(\d+|[一二三四五六七八九十]+)\s*个?\s*(工作日|天|日|周|星期)\s*(?:内|以内|之内)?(?:完成|整改到位|整改完成)?$"
)
_START_VERB = re.compile(r"动工|开工|启动|开建")
_UNIT_SUFFIX = re.compile(r"(局|委|委员会|会|办|办公室|中心|政府|部|厅|署|院|社|队|处|科|室|公司|工会)$")


@dataclass
class RowError:
    row: int
    reason: str
    sheet: str | None = None

    def __str__(self) -> str:
        text = message("import.row", row=self.row, reason=self.reason) if self.row else self.reason
        return f"[{self.sheet}] {text}" if self.sheet else text


@dataclass
class ImportResult:
    programme: str
    imported: list[str] = field(default_factory=list)  # codes
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False
    programmes: list[str] = field(default_factory=list)  # one per imported worksheet
    # Per task: added, or updated with what changed (an updated sheet imported again).
    changes: list[dict[str, Any]] = field(default_factory=list)


class SheetImportError(LedgerError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(message("import.failed", count=len(errors)))
        self.errors = errors


@dataclass
class ParsedSheet:
    """One worksheet, read: its title lines, the dates it speaks of, tasks, errors, warnings."""

    sheet: str
    title: str | None
    year: int | None
    issue_date: date | None  # the date the list was issued (a full date in the lines above the table)
    sheet_date: date | None  # the date its status and progress speak of
    tasks: list[tuple[int, NewTask]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Grid:
    """Cell values with merged ranges filled in (clipped to the cells the sheet really has)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.rows = ws.max_row
        self.width = ws.max_column
        if self.rows * self.width > MAX_CELLS:
            raise LedgerError(
                message("import.too_big", sheet=ws.title, dimensions=ws.dimensions, limit=MAX_CELLS)
            )
        # The cells the sheet holds, read once; asking openpyxl for an empty cell would create it.
        self.values: dict[tuple[int, int], Any] = {
            key: cell.value
            for key, cell in ws._cells.items()  # openpyxl keeps them here (no public view)
            if cell.value is not None
        }
        self.filled: dict[tuple[int, int], Any] = {}
        self.anchor: dict[tuple[int, int], tuple[int, int, int, int]] = {}  # cell → (r0, c0, r1, c1)
        for rng in ws.merged_cells.ranges:
            r1, c1 = min(rng.max_row, self.rows), min(rng.max_col, self.width)
            value = self.values.get((rng.min_row, rng.min_col))
            for r in range(rng.min_row, r1 + 1):
                for c in range(rng.min_col, c1 + 1):
                    self.filled[(r, c)] = value
                    self.anchor[(r, c)] = (rng.min_row, rng.min_col, r1, c1)

    def value(self, r: int, c: int) -> Any:
        """Row r, column c (both 1-based)."""
        if (r, c) in self.filled:
            return self.filled[(r, c)]
        return self.values.get((r, c))

    def text(self, r: int, c: int) -> str:
        return _text(self.value(r, c))

    def row(self, r: int) -> list[str]:
        return [self.text(r, c) for c in range(1, self.width + 1)]

    def merged_from_above(self, r: int, c: int) -> bool:
        span = self.anchor.get((r, c))
        return span is not None and span[0] < r

    def vertical_span(self, r: int, c: int) -> tuple[int, int] | None:
        span = self.anchor.get((r, c))
        return (span[0], span[2]) if span and span[2] > span[0] else None


@dataclass
class _Header:
    first: int
    last: int
    columns: dict[str, int]  # meaning → column (1-based)
    progress: list[tuple[int, str]]  # (column, label) of each progress column
    seen: list[str]  # every label, as written
    repeated: set[str]  # meanings found in more than one column (an indicator matrix)


def _continues_header(grid: _Grid, r: int) -> bool:
    """Row r belongs to the header above it: its own cells are all column names or periods."""
    own = [c for c in range(1, grid.width + 1) if grid.text(r, c) and not grid.merged_from_above(r, c)]
    if not own:
        return False
    return all(meaning(grid.text(r, c)) or _PERIOD.search(grid.text(r, c)) for c in own)


def _find_header(grid: _Grid) -> _Header | None:
    for r in range(1, min(grid.rows, HEADER_SEARCH_ROWS) + 1):
        keys = [meaning(t) for t in grid.row(r)]
        found = {k for k in keys if k}
        if not (("title" in found and len(found) >= 2) or len(found) >= 3):
            continue
        last = r
        while last + 1 <= grid.rows and last - r < 4 and _continues_header(grid, last + 1):
            last += 1
        columns: dict[str, int] = {}
        progress: list[tuple[int, str]] = []
        seen: list[str] = []
        counts: dict[str, int] = {}
        for c in range(1, grid.width + 1):
            labels: list[str] = []
            for rr in range(r, last + 1):
                t = re.sub(r"\s", "", grid.text(rr, c))
                if t and t not in labels:
                    labels.append(t)
            if not labels:
                continue
            seen.append("".join(labels) if len(labels) == 1 else "/".join(labels))
            # The lowest label that means something decides ("责任单位" over "牵头单位" → lead).
            key = next((k for k in (meaning(t) for t in reversed(labels)) if k), None)
            if key is None:
                continue
            counts[key] = counts.get(key, 0) + 1
            if key in REPEATABLE:
                progress.append((c, "".join(labels)))
            elif key not in columns:
                columns[key] = c
        repeated = {k for k, n in counts.items() if n > 1 and k not in REPEATABLE}
        return _Header(r, last, columns, progress, seen, repeated)
    return None


def _dates(lines: list[str], year: int | None) -> tuple[int | None, date | None, date | None]:
    """The programme year, issue date and as-of date from the lines above the table."""
    issue: date | None = None
    as_of: date | None = None
    for line in lines:
        if year is None and (m := _YEAR.search(line)):
            year = int(m.group(1))
    for line in lines:
        for m in _FULL_DATE.finditer(line):
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            if "截至" in line[: m.start()] or "截止" in line[: m.start()]:
                as_of = as_of or day
            else:
                issue = issue or day
        if year and (m := _MONTH_DAY.search(line)) and not _FULL_DATE.search(line):
            try:
                day = date(year, int(m.group(1)), int(m.group(2)))
            except ValueError:
                continue
            if "截至" in line or "截止" in line:
                as_of = as_of or day
            else:
                issue = issue or day
        if year and as_of is None and (p := _PERIOD.search(line)) and 1 <= int(p.group(2)) <= 12:
            as_of = month_end(year, int(p.group(2)))  # "1-8月份进展情况"
    return year, issue, as_of or issue


def _column_date(label: str, year: int | None) -> date | None:
    """The date a progress column speaks of: "1-10月推进情况" → the end of October."""
    if year is None:
        return None
    m = _FULL_DATE.search(label)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    p = _PERIOD.search(label) or _ONE_MONTH.search(label)
    month = int(p.group(p.lastindex or 1)) if p else 0
    return month_end(year, month) if 1 <= month <= 12 else None


def _percent(value: Any) -> int | None:
    if isinstance(value, int | float):
        number = float(value) * (100 if 0 < float(value) <= 1 and isinstance(value, float) else 1)
    else:
        m = re.search(r"(\d+(?:\.\d+)?)\s*%?", _text(value))
        if not m:
            return None
        number = float(m.group(1))
    return max(0, min(100, round(number)))


def _deadline(
    raw: Any, title: str, year: int | None, base: date | None, row: int, warnings: list[RowError]
) -> tuple[str, Deadline | None]:
    """The deadline text as written and, when the text alone would mislead, what it means."""
    as_date = excel_date(raw)
    text = as_date.isoformat() if as_date else _text(raw)
    if not text:
        return "", None
    compact = re.sub(r"\s", "", text)
    for m in _MONTH_DAY.finditer(compact):
        date(year or 2024, int(m.group(1)), int(m.group(2)))  # "2月30日" is no date: ValueError, a row error
    for m in re.finditer(r"(\d{1,2})\s*月", compact):
        if not 1 <= int(m.group(1)) <= 12:
            raise ValueError(text)  # "2026年13月"
    rel = _RELATIVE.match(compact)
    if rel:
        n = require_number(rel.group(1))
        if base is None:
            warnings.append(RowError(row, message("import.relative_no_date", text=text)))
            return text, Deadline(text, "none")
        if rel.group(2) == "工作日":
            return text, Deadline(text, "date", shift_workdays(base, n))
        days = n * 7 if rel.group(2) in ("周", "星期") else n
        return text, Deadline(text, "date", base + timedelta(days=days))
    clauses = [c for c in re.split(r"[，,；;。\s]+", compact) if c]
    if _START_VERB.search(compact) and not _START_VERB.search(title[:6]):
        rest = [c for c in clauses if not _START_VERB.search(c)]
        warnings.append(RowError(row, message("import.start_milestone", text=text)))
        if not rest:
            return text, Deadline(text, "none")
        return text, parse_deadline("".join(rest), year)
    return text, None


def _parse_sheet(ws: Worksheet, year_hint: int | None, source_name: str) -> ParsedSheet:
    grid = _Grid(ws)
    header = _find_header(grid)
    lines = []
    for r in range(1, (header.first if header else min(grid.rows, 5) + 1)):
        values = [v for v in dict.fromkeys(grid.row(r)) if v]
        lines.append("".join(values))
    title = next((line for line in lines if line), None)
    year, issue, as_of = _dates([line for line in lines if line], year_hint)
    parsed = ParsedSheet(ws.title, title, year, issue, as_of)
    if header is None:
        seen = "、".join(v for r in range(1, min(grid.rows, 3) + 1) for v in dict.fromkeys(grid.row(r)) if v)
        raise LedgerError(message("import.no_header", rows=HEADER_SEARCH_ROWS, seen=seen[:120] or "—"))
    if header.repeated:
        _read_matrix(grid, header, parsed, source_name)
        return parsed
    if "title" not in header.columns and "measures" not in header.columns:
        raise LedgerError(message("import.no_task_column", seen="、".join(header.seen)))
    _read_rows(grid, header, parsed, source_name)
    return parsed


def _read_rows(grid: _Grid, header: _Header, parsed: ParsedSheet, source_name: str) -> None:
    columns = header.columns
    errors, warnings, tasks = parsed.errors, parsed.warnings, parsed.tasks
    year, base = parsed.year, parsed.sheet_date or parsed.issue_date

    def get(r: int, key: str) -> Any:
        return grid.value(r, columns[key]) if key in columns else None

    area: str | None = None
    category_no = 0
    category_row = 0
    declared: int | None = None
    top_in_category = 0
    used_tops: set[int] = set()
    last_top: str | None = None
    last_top_style: str | None = None
    seen_codes: set[str] = set()
    parts: dict[int, tuple[str, int]] = {}  # first row of a merged 序号 → (code base, parts so far)
    footer = False

    def close_category() -> None:
        if declared is not None and declared != top_in_category:
            warnings.append(
                RowError(
                    category_row,
                    message("import.declared", area=area, declared=declared, found=top_in_category),
                )
            )

    seq_col = columns.get("seq")
    for r in range(header.last + 1, grid.rows + 1):
        values = grid.row(r)
        if not any(values):
            continue
        distinct = [v for v in dict.fromkeys(values) if v]
        first = distinct[0]
        if footer or (len(distinct) == 1 and _FOOTER.match(first)):
            footer = True  # everything under a note or a signature is not the table
            warnings.append(RowError(r, message("import.footer", text=" ".join(distinct)[:60])))
            continue
        seq = _text(get(r, "seq"))
        title_text = _text(get(r, "title"))
        measures = _text(get(r, "measures"))
        cat = _CATEGORY.match(seq or first)
        if cat and (
            len(distinct) == 1
            or (
                not _text(get(r, "deadline"))
                and not _text(get(r, "lead"))
                and not _text(get(r, "responsible"))
            )
        ):
            close_category()
            # "一、金融开放（4项）" in one (merged) cell, or "一、" in 序号 and the heading beside it.
            heading = title_text if seq and title_text and seq != title_text else cat.group(2)
            dm = _DECLARED.search(heading)
            declared = require_number(dm.group(1)) if dm else None
            area = _DECLARED.sub("", heading).strip()
            category_no = require_number(cat.group(1))
            category_row, top_in_category, last_top, last_top_style = r, 0, None, None
            used_tops = set()
            continue
        if not title_text and not measures:
            errors.append(RowError(r, message("import.no_task_text", first=first)))
            continue
        prefix = f"{category_no}." if category_no else ""
        span = grid.vertical_span(r, seq_col) if seq_col else None
        paren = _PAREN.match(seq)
        number = _NUMBER.match(seq)
        cn_number = _CN_SEQ.match(seq)
        parent: str | None = None
        if span and span[0] in parts:
            # A further row under a 序号 merged over several rows: the next part of that task.
            base_code, n = parts[span[0]]
            parts[span[0]] = (base_code, n + 1)
            code = f"{base_code}.{n + 1}"
            if n == 1 and base_code + ".1" not in seen_codes:
                # The first row was taken as the whole task; now that it has parts, it is part 1.
                for i, (_, t) in enumerate(tasks):
                    if t.code == base_code:
                        tasks[i][1].code = base_code + ".1"
                        seen_codes.discard(base_code)
                        seen_codes.add(base_code + ".1")
        elif paren and last_top is not None and last_top_style != "paren":
            code, parent = f"{last_top}.{paren.group(1)}", last_top
        elif paren or (number and "." not in number.group(1)) or (cn_number and not cat):
            raw = paren.group(1) if paren else number.group(1) if number else cn_number.group(1)  # type: ignore[union-attr]
            top = require_number(raw)
            code, last_top, last_top_style = (
                prefix + str(top),
                prefix + str(top),
                "paren" if paren else "number",
            )
            used_tops.add(top)
        elif number and (not prefix or number.group(1).startswith(prefix)):
            code = number.group(1)
            parent = code.rsplit(".", 1)[0] if code.count(".") > (1 if prefix else 0) else None
            if parent is None:
                last_top, last_top_style = code, "number"
        elif seq:
            errors.append(RowError(r, message("import.bad_number", seq=seq)))
            continue
        else:
            # An unnumbered row is a sibling of the rows around it, not a part of the one above.
            top = max(used_tops, default=0) + 1
            used_tops.add(top)
            code, last_top, last_top_style = prefix + str(top), prefix + str(top), "none"
        if span and span[0] == r:
            parts[r] = (code, 1)
        if code in seen_codes:
            errors.append(RowError(r, message("import.duplicate", code=code)))
            continue
        raw_deadline = get(r, "deadline")
        try:
            deadline_text, override = _deadline(raw_deadline, title_text or measures, year, base, r, warnings)
            meant = override or parse_deadline(deadline_text, year)
        except ValueError:
            errors.append(RowError(r, message("import.bad_date", text=_text(raw_deadline))))
            continue
        if deadline_text and meant.kind == "none" and override is None:
            errors.append(RowError(r, message("import.bad_deadline", text=deadline_text)))
            continue
        done_raw = get(r, "done_date")
        done_day = excel_date(done_raw)
        if done_raw not in (None, "") and done_day is None:
            try:
                done_parsed = parse_deadline(_text(done_raw), year)
            except ValueError:
                errors.append(RowError(r, message("import.bad_date", text=_text(done_raw))))
                continue
            done_day = done_parsed.date
        lead_units = split_units(_text(get(r, "lead")))
        co_units = split_units(_text(get(r, "co")))
        responsible = split_units(_text(get(r, "responsible")))
        if not lead_units and responsible:
            lead_units, co_units = responsible[:1], responsible[1:] + co_units
        elif responsible:
            co_units += [u for u in responsible if u not in lead_units]
        reports: list[tuple[date | None, str]] = []
        for c, label in header.progress:
            text = _text(grid.value(r, c))
            if text and (not reports or reports[-1][1] != text):
                reports.append((_column_date(label, year), text))
        status_text = _text(get(r, "status"))
        if not status_text and reports:
            # "已完成。完成投资1.2亿元" in a 完成情况 column: the leading status word counts.
            lead_clause = re.split(r"[，,。；;：:]", reports[-1][1], maxsplit=1)[0]
            if len(lead_clause) <= 8 and sheet_status(lead_clause):
                status_text = lead_clause
        row_area = _text(get(r, "area")) or area
        seen_codes.add(code)
        if parent is None and not (span and span[0] != r):
            top_in_category += 1  # parts of one task and sub-items count once against a declared number
        tasks.append(
            (
                r,
                NewTask(
                    code=code,
                    title=title_text or measures[:120],
                    area=row_area,
                    measures=measures or None,
                    lead_unit=lead_units[0] if lead_units else None,
                    co_units=lead_units[1:] + co_units,
                    deadline_text=deadline_text or None,
                    parent_code=parent,
                    status_text=status_text or None,
                    progress_text=reports[-1][1] if reports else None,
                    notes=_text(get(r, "notes")) or None,
                    leader=_text(get(r, "leader")) or None,
                    contact=_text(get(r, "contact")) or None,
                    seq_text=seq,
                    sheet_date=parsed.sheet_date,
                    start_date=parsed.issue_date,
                    done_date=done_day,
                    percent=_percent(get(r, "percent")),
                    reports=reports,
                    deadline_override=override,
                    source={"kind": "excel", "file": source_name, "sheet": parsed.sheet, "row": r}
                    | ({"category": category_no} if category_no and not _text(get(r, "area")) else {}),
                ),
            )
        )
    close_category()


def _is_unit(text: str) -> bool:
    return bool(text) and len(text) <= 30 and bool(_UNIT_SUFFIX.search(text))


def _read_matrix(grid: _Grid, header: _Header, parsed: ParsedSheet, source_name: str) -> None:
    """An indicator matrix (完成情况表): one row per area or unit, and for each indicator a group of
    columns (目标任务 / 进度 / 完成比例) under the indicator's name and its responsible unit."""
    sub = header.first  # the row naming 目标任务 / 进度 / 完成比例 in each group
    label_col = next((c for c in range(1, grid.width + 1) if grid.merged_from_above(sub, c)), 1)
    top = grid.anchor.get((sub, label_col), (sub, 0, 0, 0))[0]
    subject = [
        t
        for t in dict.fromkeys(
            grid.text(r, c)
            for r in range(top, sub)
            for c in range(label_col + 1, grid.width + 1)
            if (grid.anchor.get((r, c)) or (0, 0, 0, 0))[3] - (grid.anchor.get((r, c)) or (0, 0, 0, 0))[1] + 1
            >= grid.width - label_col
        )
        if t
    ]
    groups: list[dict[str, Any]] = []
    for c in range(label_col + 1, grid.width + 1):
        key = meaning(grid.text(sub, c))
        if key == "title" or not groups:
            names = [grid.text(r, c) for r in range(top, sub) if grid.text(r, c) not in subject]
            unit = next((n for n in reversed(names) if _is_unit(n)), None)
            name = next((n for n in names if n and not _is_unit(n)), grid.text(sub, c))
            groups.append({"name": name, "lead": unit, "cols": {}})
        groups[-1]["cols"].setdefault(key or "progress", c)
    area = "·".join(subject) or None
    for r in range(sub + 1, grid.rows + 1):
        label = grid.text(r, label_col)
        values = grid.row(r)
        if not any(values):
            continue
        if not label or (len([v for v in dict.fromkeys(values) if v]) == 1 and _FOOTER.match(values[0])):
            parsed.warnings.append(
                RowError(r, message("import.footer", text=" ".join(v for v in values if v)[:60]))
            )
            continue
        indicators = []
        for g in groups:
            cells = {k: grid.value(r, c) for k, c in g["cols"].items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            indicators.append(
                {
                    "name": g["name"],
                    "lead": g["lead"],
                    "target": cells.get("title"),
                    "progress": cells.get("progress"),
                    "percent": cells.get("percent"),
                }
            )
        leads = list(dict.fromkeys(i["lead"] for i in (indicators or groups) if i["lead"]))
        measures = "；".join(f"{i['name']}：{_text(i['target'])}" for i in indicators if _text(i["target"]))
        progress = "；".join(
            f"{i['name']}：{_text(i['progress'])}"
            + (f"（{_text(i['percent'])}%）" if _text(i["percent"]) else "")
            for i in indicators
            if _text(i["progress"])
        )
        code = str(len(parsed.tasks) + 1)
        parsed.tasks.append(
            (
                r,
                NewTask(
                    code=code,
                    title=label,
                    area=area,
                    measures=measures or None,
                    lead_unit=leads[0] if leads else None,
                    co_units=leads[1:],
                    progress_text=progress or None,
                    seq_text="",
                    sheet_date=parsed.sheet_date,
                    start_date=parsed.issue_date,
                    reports=[(None, progress)] if progress else [],
                    source={
                        "kind": "excel",
                        "file": source_name,
                        "sheet": parsed.sheet,
                        "row": r,
                        "indicators": [
                            {
                                k: (v if isinstance(v, int | float | str) or v is None else str(v))
                                for k, v in i.items()
                            }
                            for i in indicators
                        ],
                    },
                ),
            )
        )


def _check_package(path: Path) -> None:
    """Refuse, before openpyxl expands anything, what would exhaust memory: members that inflate
    beyond MAX_UNPACKED (zip bombs) and merged ranges over more than MAX_CELLS cells (a 5 KB file
    declaring A1:XFD1048576). Reads are bounded: zipfile stops at each member's declared size."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise LedgerError(message("import.not_a_workbook", name=path.name, error=e)) from e
    with zf:
        members = zf.infolist()
        if sum(i.file_size for i in members) > MAX_UNPACKED:
            raise LedgerError(message("import.zip_bomb", name=path.name, limit=MAX_UNPACKED // 2**20))
        for info in members:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            tail, merged = b"", 0
            with zf.open(info) as f:
                while chunk := f.read(1 << 20):
                    text = tail + chunk
                    for m in _MERGE_REF.finditer(text):
                        rng = CellRange(m.group(1).decode("ascii", "replace"))
                        merged += rng.size["rows"] * rng.size["columns"]
                        if merged > MAX_MERGED_CELLS:
                            raise LedgerError(
                                message(
                                    "import.too_big",
                                    sheet=info.filename,
                                    dimensions=rng.coord,
                                    limit=MAX_MERGED_CELLS,
                                )
                            )
                    tail = text[-200:]
                    # A ref cut by the chunk boundary is seen whole in the next round; one seen
                    # whole twice is counted twice, which errs on the side of refusing.


def _open(path: Path) -> Any:
    _check_package(path)
    try:
        return load_workbook(path, data_only=False)
    except Exception as e:
        raise LedgerError(message("import.not_a_workbook", name=path.name, error=e)) from e


def read_workbook(path: Path, sheet: str | None = None, year: int | None = None) -> list[ParsedSheet]:
    """Every worksheet that holds a ledger (or only ``sheet``). Writes nothing. A workbook where no
    sheet holds one raises the first sheet's reason."""
    wb = _open(path)
    if sheet is not None and sheet not in wb.sheetnames:
        raise LedgerError(message("import.no_sheet", sheet=sheet, names="、".join(wb.sheetnames)))
    chosen = [wb[sheet]] if sheet is not None else list(wb.worksheets)
    out: list[ParsedSheet] = []
    skipped: list[tuple[str, LedgerError]] = []
    for ws in chosen:
        try:
            out.append(_parse_sheet(ws, year, path.name))
        except LedgerError as e:
            skipped.append((ws.title, e))
    if not out:
        raise skipped[0][1]
    for name, reason in skipped:
        out[0].warnings.append(RowError(0, message("import.sheet_skipped", sheet=name, reason=reason)))
    return out


def _programme_year(parsed: ParsedSheet, name: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", name)
    return parsed.year or (int(m.group(1)) if m else None)


def import_sheet(
    ledger: Ledger, path: Path, programme: str | None = None, partial: bool = False, sheet: str | None = None
) -> ImportResult:
    """Import a workbook: all or nothing, unless ``partial`` (then good rows go in, bad are listed).
    Each worksheet holding a ledger becomes a programme (``sheet`` picks one)."""
    sheets = read_workbook(path, sheet)
    names: list[str] = []
    for parsed in sheets:
        name = programme or parsed.title or path.stem
        if len(sheets) > 1 and (programme or names.count(name) or name == path.stem):
            name = f"{name}·{parsed.sheet}"
        names.append(name)
    # Deadlines such as "年底前" take the programme's year, which may only be known from its name.
    sheets = [
        p if p.year or not _programme_year(p, n) else _reparse(path, p, _programme_year(p, n))
        for p, n in zip(sheets, names, strict=True)
    ]
    errors = [
        RowError(e.row, e.reason, p.sheet if len(sheets) > 1 else None) for p in sheets for e in p.errors
    ]
    warnings = [
        RowError(e.row, e.reason, p.sheet if len(sheets) > 1 else None) for p in sheets for e in p.warnings
    ]
    result = ImportResult(names[0], errors=errors, warnings=warnings, programmes=names)
    if errors and not partial:
        raise SheetImportError(errors)
    with ledger.store.transaction() as conn:
        for parsed, name in zip(sheets, names, strict=True):
            tasks = [t for _, t in parsed.tasks]
            result.changes += ledger.merge_tasks(conn, name, _programme_year(parsed, name), tasks)
    result.imported = [t.code for p in sheets for _, t in p.tasks]
    result.written = True
    return result


def _reparse(path: Path, parsed: ParsedSheet, year: int | None) -> ParsedSheet:
    return read_workbook(path, parsed.sheet, year)[0]


EXPORT_COLUMNS = [
    "序号",
    "任务",
    "具体举措",
    "牵头单位",
    "配合单位",
    "完成时限",
    "责任领导",
    "责任人",
    "进展情况",
    "完成比例",
    "完成状态",
    "完成日期",
    "备注",
    "领域",
    "督查研判",
]
_WIDTHS = (8, 36, 40, 18, 24, 16, 12, 12, 36, 10, 12, 12, 16, 16, 12)
HEADERS = EXPORT_COLUMNS


def export_sheet(views: list[TaskView], path: Path, title: str, issue_line: str | None = None) -> None:
    """Write tasks as an office keeps them: title and issue line, category rows, numbering as
    written (a 序号 merged over the parts of one task), every column the ledger holds. Importing
    the file gives the same ledger."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    width = len(EXPORT_COLUMNS)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet_dates = sorted({t.sheet_date for t in views if t.sheet_date})
    if issue_line is None and sheet_dates:
        d = date.fromisoformat(sheet_dates[-1])
        issue_line = f"截至{d.year}年{d.month}月{d.day}日"
    if issue_line:
        ws.append([issue_line])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(EXPORT_COLUMNS)
    head = row = 3 if issue_line else 2  # (ws.max_row scans every cell: quadratic over a big sheet)
    for c in range(1, width + 1):
        ws.cell(head, c).font = Font(bold=True)
        ws.cell(head, c).fill = PatternFill("solid", fgColor="DDEBF7")
    by_area: dict[str | None, list[TaskView]] = {}
    for t in views:
        by_area.setdefault(t.area, []).append(t)
    # Category rows only where the areas were category rows of the sheet ("二、公共服务").
    numbered = all(t.area and t.from_category for t in views)
    # Parts of one task: top-level codes N.1, N.2 … written under one 序号.
    shared = Counter(
        (t.code.rsplit(".", 1)[0], t.seq_text) for t in views if t.parent_id is None and "." in t.code
    )
    merges: list[tuple[int, int]] = []
    for index, (area, tasks) in enumerate(by_area.items(), 1):
        if area and numbered:
            ws.append([f"{chinese_numeral(index)}、{area}"])
            row += 1
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            ws.cell(row, 1).font = Font(bold=True)
        group: tuple[int, str] | None = None  # (first row, code base) of a task written in parts
        for t in tasks:
            # Numbering as written, where the written numbers rebuild the codes: under category rows,
            # or for tasks that had none; otherwise (categories not written) the code itself.
            as_written = t.seq_text is not None and (numbered or not t.from_category)
            seq = t.seq_text if as_written else t.code.rsplit(".", 1)[-1] if numbered else t.code
            base = t.code.rsplit(".", 1)[0]
            part = bool(seq) and t.parent_id is None and "." in t.code and shared[(base, t.seq_text)] > 1
            later_part = part and group is not None and group[1] == base
            values: list[Any] = [
                "" if later_part else seq,
                t.title,
                t.measures or "",
                t.lead_unit or "",
                "、".join(t.co_units),
                t.deadline_text or "",
                t.leader or "",
                t.contact or "",
                t.progress_text or "",
                t.percent if t.percent is not None else "",
                t.status_text or "",
                t.done_date or "",
                t.notes or "",
                "" if numbered else t.area or "",
                LABELS_ZH[t.status.status],
            ]
            ws.append(values)
            row += 1
            for col, value in enumerate(values, 1):
                if isinstance(value, str) and value.startswith("="):
                    ws.cell(row, col).data_type = "s"  # text as written, never a live formula
            if later_part and group is not None:
                merges[-1] = (group[0], row)
            else:
                group = (row, base) if part else None
                if part:
                    merges.append((row, row))
    for first, last in merges:
        if last > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    for col, w in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    for row in ws.iter_rows(min_row=head + 1):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
