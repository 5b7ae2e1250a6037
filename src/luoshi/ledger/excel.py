"""Excel 台账 import and export in the conventional layout:
序号 | 任务/领域 | 具体举措 | 牵头单位 | 配合单位 | 完成时限 | 进展情况 | 完成状态 | 备注.

Import is tolerant of what real sheets hold: a title row above the header, merged category
cells, numbering as 一、/ 1. / (1) / 1.2.1, blank rows, extra columns, dates as text or Excel
serial numbers, a single 责任单位 column (the first-listed unit leads). It checks declared counts
("一、金融开放（4项）") and lists every row it cannot understand with its number and reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cn2an  # type: ignore[import-untyped]
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.ledger.deadlines import excel_date, parse_deadline
from luoshi.ledger.service import Ledger, LedgerError, NewTask, TaskView
from luoshi.ledger.status import LABELS_ZH
from luoshi.ledger.units import split_units

HEADERS = [
    "序号",
    "任务/领域",
    "具体举措",
    "牵头单位",
    "配合单位",
    "完成时限",
    "进展情况",
    "完成状态",
    "备注",
]

_COLUMN_NAMES: list[tuple[str, tuple[str, ...]]] = [
    ("seq", ("序号", "编号", "序")),
    ("measures", ("具体举措", "工作举措", "主要举措", "具体措施", "工作措施", "任务内容", "举措")),
    ("lead", ("牵头单位", "牵头部门", "主责单位")),
    ("co", ("配合单位", "配合部门", "协办单位", "协同单位")),
    ("responsible", ("责任单位", "责任部门", "责任主体")),
    ("deadline", ("完成时限", "完成时间", "时间节点", "时限", "完成期限", "截止时间")),
    ("progress", ("进展情况", "工作进展", "推进情况", "进展")),
    ("status", ("完成状态", "状态", "完成情况")),
    ("notes", ("备注",)),
    ("title", ("任务", "事项", "工作内容", "重点工作")),
    ("area", ("领域", "类别", "方面", "板块")),
]
_CN_DIGITS = "一二三四五六七八九十百"
_CATEGORY = re.compile(rf"^\s*([{_CN_DIGITS}]+)\s*[、.．]\s*(.+?)\s*$")
_DECLARED = re.compile(r"[（(]\s*(\d+|[一二三四五六七八九十百]+)\s*[项个条]\s*[)）]\s*$")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*[.、．]?\s*$")
_PAREN = re.compile(r"^\s*[（(]\s*(\d+)\s*[)）]\s*$")


@dataclass
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportResult:
    programme: str
    imported: list[str] = field(default_factory=list)  # codes
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


class SheetImportError(LedgerError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows could not be understood; nothing was imported")
        self.errors = errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cn_int(raw: str) -> int:
    return int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))


def _merged_values(ws: Worksheet) -> dict[tuple[int, int], Any]:
    filled: dict[tuple[int, int], Any] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                filled[(r, c)] = value
    return filled


def _map_columns(cells: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for idx, raw in enumerate(cells):
        name = re.sub(r"\s", "", raw)
        if not name:
            continue
        for key, words in _COLUMN_NAMES:
            if key not in mapping and any(w in name for w in words):
                mapping[key] = idx
                break
    return mapping


def read_sheet(
    path: Path, year: int | None = None
) -> tuple[str | None, list[tuple[int, NewTask]], list[RowError]]:
    """Parse a 台账 sheet into tasks (with their row numbers) and row errors. Writes nothing."""
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:
        raise LedgerError(f"cannot read {path.name} as an Excel workbook: {e}") from e
    ws = wb.worksheets[0]
    filled = _merged_values(ws)

    def cell(r: int, c: int) -> Any:
        return filled.get((r, c + 1), ws.cell(r, c + 1).value)

    width = ws.max_column
    header_row, columns, title = None, {}, None
    for r in range(1, min(ws.max_row, 15) + 1):
        cells = [_text(cell(r, c)) for c in range(width)]
        mapping = _map_columns(cells)
        if (len(mapping) >= 3 and "title" in mapping) or len(mapping) >= 4:
            header_row, columns = r, mapping
            break
        if title is None and any(cells):
            title = next(c for c in cells if c)
    if header_row is None:
        raise LedgerError(
            "no header row found (looked for 序号, 任务, 牵头单位, 完成时限… in the first 15 rows)"
        )
    if "title" not in columns and "measures" not in columns:
        raise LedgerError("the header has no task column (任务 / 事项) and no 具体举措 column")

    def get(r: int, key: str) -> Any:
        return cell(r, columns[key]) if key in columns else None

    tasks: list[tuple[int, NewTask]] = []
    errors: list[RowError] = []
    area: str | None = None
    category_no = 0
    category_row = 0
    declared: int | None = None
    top_in_category = 0
    last_top: str | None = None
    sub_count: dict[str, int] = {}
    seen_codes: set[str] = set()

    def close_category() -> None:
        if declared is not None and declared != top_in_category:
            errors.append(
                RowError(
                    category_row, f"category '{area}' declares {declared} tasks, found {top_in_category}"
                )
            )

    for r in range(header_row + 1, ws.max_row + 1):
        values = [_text(cell(r, c)) for c in range(width)]
        if not any(values):
            continue
        seq = _text(get(r, "seq"))
        title_text = _text(get(r, "title"))
        measures = _text(get(r, "measures"))
        first = next(v for v in values if v)
        distinct = {v for v in values if v}
        cat = _CATEGORY.match(seq or first)
        if cat and (len(distinct) == 1 or (not _text(get(r, "deadline")) and not _text(get(r, "lead")))):
            close_category()
            # "一、金融开放（4项）" in one (merged) cell, or "一、" in 序号 and the heading beside it.
            heading = title_text if seq and title_text and seq != title_text else cat.group(2)
            dm = _DECLARED.search(heading)
            declared = _cn_int(dm.group(1)) if dm else None
            area = _DECLARED.sub("", heading).strip()
            category_no = _cn_int(cat.group(1))
            category_row, top_in_category, last_top = r, 0, None
            continue
        if not title_text and not measures:
            errors.append(
                RowError(r, f"no task text (任务 and 具体举措 are empty) in a row holding {first!r}")
            )
            continue
        prefix = f"{category_no}." if category_no else ""
        paren = _PAREN.match(seq)
        number = _NUMBER.match(seq)
        parent: str | None
        if paren:
            if last_top is None:
                errors.append(RowError(r, f"sub-item {seq} comes before any numbered task"))
                continue
            code, parent = f"{last_top}.{paren.group(1)}", last_top
        elif number and "." in number.group(1) and (not prefix or number.group(1).startswith(prefix)):
            code = number.group(1)
            parent = code.rsplit(".", 1)[0] if code.count(".") > (1 if prefix else 0) else None
            if parent is None:
                last_top = code
        elif number:
            code, parent = prefix + number.group(1), None
            last_top = code
        elif seq:
            errors.append(RowError(r, f"cannot read the number {seq!r} (expected 1 / 1. / (1) / 1.2)"))
            continue
        else:
            # Unnumbered row under a numbered task: a further measure of that task.
            if last_top is None:
                code, parent = f"{prefix}{top_in_category + 1}", None
                last_top = code
            else:
                sub_count[last_top] = sub_count.get(last_top, 0) + 1
                code, parent = f"{last_top}.{sub_count[last_top]}", last_top
        if code in seen_codes:
            errors.append(RowError(r, f"number {code} appears twice"))
            continue
        raw_deadline = get(r, "deadline")
        as_date = excel_date(raw_deadline)
        deadline_text = as_date.isoformat() if as_date else _text(raw_deadline)
        if deadline_text and parse_deadline(deadline_text, year).kind == "none":
            errors.append(RowError(r, f"cannot understand the deadline {deadline_text!r}"))
            continue
        lead_units = split_units(_text(get(r, "lead")))
        co_units = split_units(_text(get(r, "co")))
        responsible = split_units(_text(get(r, "responsible")))
        if not lead_units and responsible:
            lead_units, co_units = responsible[:1], responsible[1:] + co_units
        elif responsible:
            co_units += [u for u in responsible if u not in lead_units]
        row_area = _text(get(r, "area")) or area
        seen_codes.add(code)
        if parent is None:
            top_in_category += 1  # only tasks that are imported count against a declared number
        tasks.append((r, NewTask(
            code=code, title=title_text or measures[:120], area=row_area, measures=measures or None,
            lead_unit=lead_units[0] if lead_units else None, co_units=lead_units[1:] + co_units,
            deadline_text=deadline_text or None, parent_code=parent,
            status_text=_text(get(r, "status")) or None, progress_text=_text(get(r, "progress")) or None,
            notes=_text(get(r, "notes")) or None,
            source={"kind": "excel", "file": path.name, "row": r},
        )))  # fmt: skip
    close_category()
    return title, tasks, errors


def import_sheet(
    ledger: Ledger, path: Path, programme: str | None = None, partial: bool = False
) -> ImportResult:
    """Import a sheet: all or nothing, unless ``partial`` (then good rows go in, bad are listed)."""
    title, tasks, errors = read_sheet(path)
    name = programme or title or path.stem
    m = re.search(r"(20\d{2})年", name)
    year = int(m.group(1)) if m else None
    if year:  # deadlines such as "年底前" take the programme's year
        _, tasks, errors = read_sheet(path, year)
    result = ImportResult(name, errors=errors)
    if errors and not partial:
        raise SheetImportError(errors)
    with ledger.store.transaction() as conn:
        ledger.add_tasks(conn, name, year, [t for _, t in tasks])
    result.imported = [t.code for _, t in tasks]
    result.written = True
    return result


def export_sheet(views: list[TaskView], path: Path, title: str) -> None:
    """Write tasks in the conventional layout; importing the file gives the same ledger."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append(HEADERS)
    for c in range(1, len(HEADERS) + 1):
        ws.cell(2, c).font = Font(bold=True)
        ws.cell(2, c).fill = PatternFill("solid", fgColor="DDEBF7")
    by_area: dict[str | None, list[TaskView]] = {}
    for t in views:
        by_area.setdefault(t.area, []).append(t)
    numbered = all(t.area for t in views)
    for index, (area, tasks) in enumerate(by_area.items(), 1):
        if area and numbered:
            tops = sum(1 for t in tasks if t.code.count(".") == 1)
            ws.append([f"{cn2an.an2cn(index)}、{area}（{tops}项）"])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADERS))
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        for t in tasks:
            ws.append([
                t.code, t.title, t.measures or "", t.lead_unit or "", "、".join(t.co_units), t.deadline_text or "",
                t.progress_text or "", LABELS_ZH[t.status.status], t.notes or "",
            ])  # fmt: skip
    for col, width in zip("ABCDEFGHI", (8, 36, 48, 18, 24, 16, 36, 12, 16), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
