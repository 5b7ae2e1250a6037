"""Words the ledger says to people: status reasons, import errors and warnings, CLI lines.

Chinese (zh-CN) first, English when asked (``set_language("en")``, the CLI's ``--lang en`` or
``LUOSHI_LANG=en``). Each key holds (zh, en) templates formatted with ``str.format``. This module
sits at the bottom of the import order so that ledger, services, CLI and web can all speak
through it; the web's interface labels (luoshi.web.i18n) are meant to join it."""

from __future__ import annotations

import os
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # -- status reasons (luoshi.ledger.status) -------------------------------------------------
    "status.done": ("已于{done}完成{deadline_part}", "completed {done}{deadline_part}"),
    "status.done.deadline_part": ("（完成时限{deadline}）", " (deadline {deadline})"),
    "status.done_late": (
        "{done}完成，晚于完成时限（{deadline}）",
        "completed {done} after the deadline {deadline}",
    ),
    "status.sheet_done": ("表内填报“{word}”{on}", "the sheet reports “{word}”{on}"),
    "status.sheet_done.on": ("（截至{date}）", " (as of {date})"),
    "status.stale": (
        "已{days}天未报送进展（超过{limit}天）",
        "no progress report for {days} days (> {limit})",
    ),
    "status.ongoing": ("长期推进事项，无固定完成时限", "ongoing work without a fixed deadline"),
    "status.no_deadline": ("完成时限未能确定日期", "no dated deadline"),
    "status.recurring": ("定期事项，无固定完成时限", "recurring work without a fixed deadline"),
    "status.overdue": (
        "已超过完成时限（{deadline}）未完成",
        "past the deadline {deadline} and not completed",
    ),
    "status.behind_red": (
        "落后序时进度{behind}个百分点（实际{actual}%，序时{expected}%；超过{limit}个百分点为红灯）",
        "{behind} points behind 序时进度 ({actual}% vs {expected}%; red beyond {limit})",
    ),
    "status.behind_yellow": (
        "落后序时进度{behind}个百分点（实际{actual}%，序时{expected}%；{limit}个百分点起为黄灯）",
        "{behind} points behind 序时进度 ({actual}% vs {expected}%; yellow from {limit})",
    ),
    "status.reminder": (
        "距完成时限（{deadline}）还有{days}天（提醒期{window}天）",
        "deadline {deadline} in {days} days (reminder window {window} days)",
    ),
    "status.not_started": ("尚未报送进展", "no progress reported yet"),
    "status.on_track": ("进度达到序时进度", "progress keeps pace with 序时进度"),
    "status.reported": ("已报送进展，完成时限未到", "reported, deadline ahead"),
    "status.sheet_behind": ("表内填报“{word}”", "the sheet reports “{word}” (behind)"),
    "status.sheet_not_started": ("表内填报“{word}”", "the sheet reports “{word}” (not started)"),
    "status.sheet_in_progress": ("表内填报“{word}”", "the sheet reports “{word}” (in progress)"),
    "status.year_end": (
        "未写完成时限，按{year}年度任务于{deadline}到期",
        "no deadline written: an annual task of {year}, due {deadline}",
    ),
    "flag.done_without_date": (
        "表内填报已完成但无完成日期",
        "the sheet says done but gives no completion date",
    ),
    "flag.ok_but_overdue": (
        "表内填报正常但已超期",
        "the sheet says it is on course but the deadline has passed",
    ),
    "flag.done_but_computed": (
        "表内填报“{word}”，按规则计算为“{computed}”",
        "the sheet says “{word}”, the rules say “{computed}”",
    ),
    # -- working days (luoshi.ledger.workdays) -------------------------------------------------
    "calendar.assumed": (
        "{year}年尚无国务院节假日安排数据，工作日按周一至周五计算（可用 luoshi calendar load 补充）",
        "no official holidays for {year}: working days assumed Monday to Friday (add them with luoshi calendar load)",
    ),
    "calendar.bad_line": (
        "{name}第{line}行无法识别：“{text}”（应为 YYYY-MM-DD,休 或 YYYY-MM-DD,班）",
        "{name} line {line} not understood: {text!r} (expected YYYY-MM-DD,休 or YYYY-MM-DD,班)",
    ),
    "calendar.empty": ("{name}中没有日期", "{name} holds no dates"),
    "calendar.loaded": ("已加载{years}年节假日安排", "loaded the holidays of {years}"),
    # -- ledger service (luoshi.ledger.service) ------------------------------------------------
    "ledger.no_programme": ("没有名为“{name}”的台账", "no programme named {name!r}"),
    "ledger.alias_taken": ("“{alias}”已是另一个单位的名称", "{alias!r} already names another unit"),
    "ledger.task_exists": ("任务{code}已在“{programme}”中", "task {code} already exists in {programme}"),
    "ledger.no_task": ("没有任务{ref}", "no task {ref}"),
    "ledger.ambiguous": (
        "任务序号{ref}在多个台账中出现，请用 --programme 指明",
        "task code {ref!r} is in several programmes: name one with --programme",
    ),
    "ledger.cannot_change": ("不能修改：{fields}", "cannot change {fields}"),
    "ledger.bad_percent": ("完成比例应在0–100之间，而不是{percent}", "percent must be 0–100, not {percent}"),
    "ledger.no_progress_state": (
        "任务{code}处于{state}状态，不能报送进展",
        "task {code} is {state}: no progress can be reported",
    ),
    "ledger.no_deadline_to_schedule": (
        "任务{code}没有具体的完成日期，无法倒排",
        "task {code} has no dated deadline to schedule back from",
    ),
    "ledger.extension_needs_date": (
        "延期申请需写明新的完成时限",
        "an extension request needs the new deadline",
    ),
    "ledger.unknown_request": ("未知的申请类型：{kind}", "unknown request kind {kind!r}"),
    "ledger.no_request": ("没有申请{id}", "no request {id}"),
    "ledger.already_decided": (
        "申请{id}已经处理过（{decision}）",
        "request {id} was already decided ({decision})",
    ),
    "ledger.needs_grade": ("销号需要评定等次：{grades}", "closing (销号) needs a grade: one of {grades}"),
    "ledger.no_document": ("没有文件{id}", "no document {id}"),
    "ledger.no_directives": (
        "文件{id}中没有可生成任务的部署要求",
        "document {id} has no directives to propose",
    ),
    "ledger.not_a_proposal": (
        "任务{code}不是待确认任务（状态：{state}）",
        "task {code} is not a proposal (state {state})",
    ),
    "ledger.extension_late": (
        "{on}申请延期已晚于完成时限（{deadline}），延期须在时限前申请",
        "extension asked on {on}, after the deadline {deadline}: it must be asked before",
    ),
    # -- sheet import (luoshi.ledger.excel) ----------------------------------------------------
    "import.row": ("第{row}行：{reason}", "row {row}: {reason}"),
    "import.failed": (
        "有{count}行无法识别，未导入任何内容",
        "{count} rows could not be understood; nothing was imported",
    ),
    "import.not_a_workbook": (
        "无法将{name}读作Excel工作簿：{error}",
        "cannot read {name} as an Excel workbook: {error}",
    ),
    "import.no_header": (
        "前{rows}行中未找到表头（应含序号、任务、牵头单位、完成时限等列）；看到的内容：{seen}",
        "no header row found (looked for 序号, 任务, 牵头单位, 完成时限… in the first {rows} rows); seen: {seen}",
    ),
    "import.no_task_column": (
        "表头中没有任务列（如“重点任务”“工作任务”“民生实事”“存在问题”“事项”）；识别到的列：{seen}；缺少：任务列",
        "the header has no task column (重点任务, 工作任务, 民生实事, 存在问题, 事项…); columns seen: {seen}; "
        "missing: the task column",
    ),
    "import.no_sheet": (
        "工作簿中没有名为“{sheet}”的工作表（现有：{names}）",
        "no worksheet {sheet!r} (there are: {names})",
    ),
    "import.no_task_text": (
        "该行没有任务内容（任务列为空），内容为“{first}”",
        "no task text in a row holding {first!r}",
    ),
    "import.bad_number": (
        "无法识别序号“{seq}”（应为 1 / 1. / （1） / 1.2）",
        "cannot read the number {seq!r} (expected 1 / 1. / (1) / 1.2)",
    ),
    "import.sub_before_top": (
        "子项{seq}出现在任何编号任务之前",
        "sub-item {seq} comes before any numbered task",
    ),
    "import.duplicate": ("序号{code}重复", "number {code} appears twice"),
    "import.bad_deadline": ("无法理解完成时限“{text}”", "cannot understand the deadline {text!r}"),
    "import.bad_date": ("日期不存在：“{text}”", "no such date: {text!r}"),
    "import.declared": (
        "类别“{area}”标明{declared}项，实际{found}项",
        "category '{area}' declares {declared} tasks, found {found}",
    ),
    "import.footer": (
        "表格下方的说明、来源或落款已略过：“{text}”",
        "note, source or signature under the table skipped: {text!r}",
    ),
    "import.relative_no_date": (
        "完成时限“{text}”是相对时间，表中没有可推算的日期，未定具体日期",
        "deadline {text!r} is relative and the sheet gives no date to count from; left undated",
    ),
    "import.start_milestone": (
        "“{text}”是开工/启动节点，不作为完成时限",
        "{text!r} is a start milestone, not the completion deadline",
    ),
    "import.too_big": (
        "工作表“{sheet}”声明的范围过大（{dimensions}，超过{limit}个单元格），已拒绝",
        "worksheet {sheet!r} declares too large a range ({dimensions}, over {limit} cells); refused",
    ),
    "import.zip_bomb": (
        "{name}解压后超过{limit} MB，已拒绝（可能是压缩炸弹）",
        "{name} inflates to more than {limit} MB; refused (a zip bomb?)",
    ),
    "import.sheet_skipped": (
        "工作表“{sheet}”不是台账，已略过：{reason}",
        "worksheet {sheet!r} is not a ledger, skipped: {reason}",
    ),
    "import.warning": ("提示", "warning"),
    "import.done": (
        "已导入{count}项任务到“{programme}”（新增{added}项，更新{updated}项）",
        "imported {count} tasks into programme {programme!r} ({added} added, {updated} updated)",
    ),
    "import.changed": ("已更新 {code} {title}：{what}", "updated {code} {title}: {what}"),
    "import.skipped": ("已跳过", "skipped"),
    "export.done": ("已导出{count}项任务到{file}", "wrote {count} tasks to {file}"),
    # -- CLI lines (luoshi.cli.ledger) ---------------------------------------------------------
    "cli.error": ("错误", "error"),
    "cli.draft": (
        "待确认任务 {id} [{code}] 牵头单位 {lead}，完成时限 {deadline}：{title}",
        "draft {id} [{code}] lead {lead}, deadline {deadline}: {title}",
    ),
    "cli.proposed": (
        "已生成{count}项待确认任务；用 luoshi ledger accept/reject ID 确认",
        "{count} draft tasks proposed; decide with `luoshi ledger accept/reject ID`",
    ),
    "cli.accepted": ("已采纳 {ref}", "accepted {ref}"),
    "cli.rejected": ("未采纳 {ref}", "rejected {ref}"),
    "cli.progress": ("已记录 {task} 的进展", "progress recorded for {task}"),
    "cli.extension_recorded": ("已记录延期申请 {id}", "extension request {id} recorded"),
    "cli.closure_recorded": ("已记录办结申请 {id}", "closure request {id} recorded"),
    "cli.decided": ("申请 {id} 已处理", "request {id} decided"),
    "cli.nothing_to_remind": ("无需催办", "nothing to remind"),
    "cli.overdue": ("逾期", "overdue"),
    "cli.due_soon": ("临期", "due soon"),
    "cli.awaiting_report": ("待报送进展", "awaiting a report"),
    "cli.reminder": (
        "{label}：{code} {title}（完成时限 {deadline}）",
        "{label}: {code} {title} (deadline {deadline})",
    ),
    "cli.no_changes": ("无变化", "no changes"),
    "cli.aliases": ("{unit}：{count}个别名", "{unit}: {count} aliases"),
    "field.status": ("状态", "status"),
    "field.deadline": ("完成时限", "deadline"),
    "field.percent": ("完成比例", "percent"),
    # -- column names the export writes ---------------------------------------------------------
    "col.seq": ("序号", "code"),
    "col.task": ("任务", "task"),
    "col.lead": ("牵头单位", "lead unit"),
    "col.deadline": ("完成时限", "deadline"),
    "col.sheet_status": ("表内状态", "sheet status"),
    "col.status": ("研判状态", "status"),
    "col.rule": ("依据", "rule"),
}

_LANG = {"lang": os.environ.get("LUOSHI_LANG", "zh")}


def set_language(lang: str) -> None:
    """``zh`` (default) or ``en``, for everything said after this call."""
    _LANG["lang"] = "en" if lang.lower().startswith("en") else "zh"


def language() -> str:
    return _LANG["lang"]


def msg(key: str, lang: str | None = None, **values: Any) -> str:
    """The message ``key`` in the current language, filled with ``values``."""
    pair = MESSAGES[key]
    template = pair[1] if (lang or _LANG["lang"]) == "en" else pair[0]
    return template.format(**values)
