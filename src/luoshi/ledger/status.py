"""Task status as of a date, by documented, configurable rules.

The default preset follows how supervision offices colour their 台账: progress is compared with
序时进度, the share of the time from start to deadline that has elapsed. Each computed status
carries the rule that decided it, so a report can say why a task is red."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from luoshi.messages import message

STATUSES = (
    "done",
    "done_late",
    "awaiting_closure",
    "overdue",
    "at_risk",
    "on_track",
    "not_started",
    "ongoing",
)
COLOURS = {
    "done": "green",
    "done_late": "green",
    "awaiting_closure": "teal",
    "overdue": "red",
    "at_risk": "yellow",
    "on_track": "green",
    "not_started": "grey",
    "ongoing": "blue",
}
# The conventional colours of supervision reports: 红灯 overdue, 黄灯 at risk, 绿灯 on track.
HEX = {
    "green": "#2e7d32",
    "red": "#c62828",
    "yellow": "#f9a825",
    "grey": "#9e9e9e",
    "blue": "#1565c0",
    "teal": "#00838f",
}


def status_label(status: str, lang: str | None = None) -> str:
    """A status as the office names it (已完成, 逾期/红灯 …), in ``lang`` (default: the current one)."""
    return message(f"status_label.{status}", lang=lang)


def status_labels(lang: str | None = None) -> dict[str, str]:
    return {s: status_label(s, lang) for s in STATUSES}


LABELS_ZH = status_labels("zh")


@dataclass(frozen=True)
class StatusRules:
    """Thresholds in percentage points behind 序时进度, and in days."""

    name: str = "supervision-office"
    yellow_behind: float = 10.0  # at risk from this many points behind
    red_behind: float = 30.0  # overdue (red) beyond this many points behind
    reminder_days: int = 3  # at risk when the deadline is this close and the task not done
    stale_report_days: int = 30  # at risk when the last report is older than this
    assess_original_deadline: bool = False  # judge against the deadline before any extension


PRESETS = {
    "supervision-office": StatusRules(),
    "strict": StatusRules("strict", yellow_behind=5, red_behind=20, reminder_days=5, stale_report_days=14),
    "lenient": StatusRules("lenient", yellow_behind=20, red_behind=40, reminder_days=1, stale_report_days=60),
}


# What an office writes in its 完成状态 / 是否达序 column, and what it means. Negative phrases come
# first: "未达到序时进度" holds "达到序时进度", "未完成" holds "完成".
SHEET_STATUS_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("behind", ("未达到序时进度", "未达序时进度", "未达序", "未达到序时", "滞后", "落后", "进度缓慢", "否")),
    ("not_started", ("未启动", "尚未启动", "未开工", "尚未开工", "未开展")),
    (
        "in_progress",
        (
            "未完成",
            "推进中",
            "正在推进",
            "正在整改",
            "整改中",
            "顺利推进",
            "正常推进",
            "有序推进",
            "达到序时进度",
            "达序时进度",
            "已达序",
            "达序",
            "进行中",
            "正在实施",
            "在建",
            "是",
        ),
    ),
    (
        "done",
        ("已完成", "已办结", "已整改", "已竣工", "已完工", "已销号", "全面完成", "完成", "办结", "完工"),
    ),
)


def sheet_status(text: str | None) -> str | None:
    """done / in_progress / behind / not_started from a status word as the office wrote it."""
    s = re.sub(r"\s", "", text or "")
    if not s:
        return None
    for key, words in SHEET_STATUS_WORDS:
        # One-character answers (是/否 in a 是否达序 column) only count when they are the whole cell.
        if any((w == s) if len(w) == 1 else (w in s) for w in words):
            return key
    return None


@dataclass(frozen=True)
class TaskState:
    """What the status rules look at, taken from a task and its reports."""

    deadline_kind: str
    deadline: date | None
    original_deadline: date | None
    start: date | None
    done_date: date | None
    percent: int | None  # latest reported percent
    last_report: date | None
    sheet_status: str | None = None  # the office's own word, as written (已完成, 滞后 …)
    sheet_date: date | None = None  # the date the sheet speaks of (its date line or "1-8月")
    year: int | None = None  # the programme's year: a task without a deadline is due at its end
    # The day the lead unit declared the task complete (a 100% report or a 办结 request) and the
    # office has not yet decided: the task awaits closure (待销号), it is not done by itself.
    completed_on: date | None = None
    completion_by_request: bool = False  # declared by a 办结 request (else by a 100% report)


@dataclass(frozen=True)
class Status:
    status: str
    rule: str
    expected: float | None = None  # 序时进度, in percent
    actual: float | None = None
    flag: str | None = None  # where the sheet's own status and the rules disagree

    @property
    def colour(self) -> str:
        return COLOURS[self.status]


def elapsed_share(start: date, deadline: date, as_of: date) -> float:
    if deadline <= start:
        return 100.0
    share = (as_of - start).days / (deadline - start).days * 100
    return max(0.0, min(100.0, share))


def compute_status(
    state: TaskState, as_of: date, rules: StatusRules = PRESETS["supervision-office"]
) -> Status:
    """The rules' verdict, with the office's own status word taken as evidence: a sheet that says
    已完成 makes the task done (as of the sheet's date), 滞后 makes it at risk, 未启动 not started;
    where the sheet and the dates disagree the status says so in ``flag``."""
    computed = _computed_status(state, as_of, rules)
    word = state.sheet_status
    said = sheet_status(word)
    if said is None or (state.sheet_date is not None and state.sheet_date > as_of):
        return computed
    if computed.status in ("done", "done_late"):
        return computed
    if said == "done":
        on = message("status.sheet_done.on", date=state.sheet_date) if state.sheet_date else ""
        flag = message("flag.done_without_date") if state.done_date is None else None
        return Status(
            "done", message("status.sheet_done", word=word, on=on), computed.expected, computed.actual, flag
        )
    if computed.status == "awaiting_closure":
        return computed
    behind = (computed.expected or 0) - (computed.actual or 0)
    if computed.expected is not None and state.percent is None and behind >= rules.yellow_behind:
        # Behind 序时进度 only because no share was reported: the office's own word is better evidence.
        verdict = {"in_progress": "on_track", "behind": "at_risk", "not_started": "not_started"}[said]
        return Status(verdict, message(f"status.sheet_{said}", word=word), computed.expected, computed.actual)
    if computed.status == "overdue":
        flag = message("flag.ok_but_overdue") if said == "in_progress" else None
        return Status("overdue", computed.rule, computed.expected, computed.actual, flag)
    if said == "behind" and computed.status in ("on_track", "not_started", "ongoing", "at_risk"):
        rule = message("status.sheet_behind", word=word)
        if computed.status == "at_risk":
            rule = f"{rule}；{computed.rule}"
        return Status("at_risk", rule, computed.expected, computed.actual)
    if said == "not_started" and computed.status in ("on_track", "not_started"):
        return Status(
            "not_started", message("status.sheet_not_started", word=word), computed.expected, computed.actual
        )
    if said == "in_progress" and computed.status == "not_started":
        return Status(
            "on_track", message("status.sheet_in_progress", word=word), computed.expected, computed.actual
        )
    return computed


def _computed_status(state: TaskState, as_of: date, rules: StatusRules) -> Status:
    status = _dated_status(state, as_of, rules)
    implied = state.deadline is None and state.deadline_kind == "none" and state.year
    if implied and status.status not in ("done", "done_late", "awaiting_closure"):
        note = message("status.year_end", year=state.year, deadline=date(state.year, 12, 31))  # type: ignore[arg-type]
        if note not in status.rule:
            status = Status(
                status.status, f"{status.rule}（{note}）", status.expected, status.actual, status.flag
            )
    return status


def _dated_status(state: TaskState, as_of: date, rules: StatusRules) -> Status:
    deadline = (
        state.original_deadline
        if rules.assess_original_deadline and state.original_deadline
        else state.deadline
    )
    if state.done_date and state.done_date <= as_of:
        if deadline and state.done_date > deadline:
            return Status("done_late", message("status.done_late", done=state.done_date, deadline=deadline))
        part = message("status.done.deadline_part", deadline=deadline) if deadline else ""
        return Status("done", message("status.done", done=state.done_date, deadline_part=part))
    if state.completed_on and state.completed_on <= as_of:
        key = "status.awaiting_closure_request" if state.completion_by_request else "status.awaiting_closure"
        rule = message(key, on=state.completed_on)
        if deadline and state.completed_on > deadline:
            rule += message("status.awaiting_closure_late", deadline=deadline)
        return Status(
            "awaiting_closure", rule, None, float(state.percent) if state.percent is not None else None
        )
    stale = state.last_report is not None and (as_of - state.last_report).days > rules.stale_report_days
    stale_rule = (
        message("status.stale", days=(as_of - state.last_report).days, limit=rules.stale_report_days)
        if state.last_report is not None
        else ""
    )
    year_end_rule = None
    if deadline is None and state.deadline_kind == "none" and state.year:
        # An annual list: a task without a written deadline is due at the end of that year.
        deadline = date(state.year, 12, 31)
        year_end_rule = message("status.year_end", year=state.year, deadline=deadline)
    if deadline is None and state.deadline_kind == "none" and not stale:
        # Not ongoing work (only 长期坚持 / 持续推进 / 常态化 are): a deadline nobody could date.
        return Status(
            "not_started" if state.last_report is None else "on_track", message("status.no_deadline")
        )
    if state.deadline_kind in ("ongoing", "recurring") or deadline is None:
        if stale:
            return Status("at_risk", stale_rule)
        key = "status.ongoing" if state.deadline_kind != "recurring" else "status.recurring"
        return Status("ongoing", message(key))
    if as_of > deadline:
        return Status("overdue", year_end_rule or message("status.overdue", deadline=deadline))
    actual = float(state.percent or 0)
    expected = None
    if state.start:
        expected = elapsed_share(state.start, deadline, as_of)
        behind = expected - actual
        values = {"behind": f"{behind:.0f}", "actual": f"{actual:.0f}", "expected": f"{expected:.0f}"}
        if behind > rules.red_behind:
            return Status(
                "overdue",
                message("status.behind_red", limit=f"{rules.red_behind:.0f}", **values),
                expected,
                actual,
            )
        if behind >= rules.yellow_behind:
            return Status(
                "at_risk",
                message("status.behind_yellow", limit=f"{rules.yellow_behind:.0f}", **values),
                expected,
                actual,
            )
    days_left = (deadline - as_of).days
    if days_left <= rules.reminder_days:
        return Status(
            "at_risk",
            message("status.reminder", deadline=deadline, days=days_left, window=rules.reminder_days),
            expected,
            actual,
        )
    if stale:
        return Status("at_risk", stale_rule, expected, actual)
    if state.last_report is None and not state.percent:
        return Status("not_started", year_end_rule or message("status.not_started"), expected, actual)
    return Status(
        "on_track",
        message("status.on_track") if expected is not None else (year_end_rule or message("status.reported")),
        expected,
        actual,
    )
