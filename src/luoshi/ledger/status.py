"""Task status as of a date, by documented, configurable rules.

The default preset follows how supervision offices colour their 台账: progress is compared with
序时进度, the share of the time from start to deadline that has elapsed. Each computed status
carries the rule that decided it, so a report can say why a task is red."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STATUSES = ("done", "done_late", "overdue", "at_risk", "on_track", "not_started", "ongoing")
COLOURS = {
    "done": "green", "done_late": "green", "overdue": "red", "at_risk": "yellow",
    "on_track": "green", "not_started": "grey", "ongoing": "blue",
}  # fmt: skip
LABELS_ZH = {
    "done": "已完成", "done_late": "逾期完成", "overdue": "逾期/红灯", "at_risk": "滞后/黄灯",
    "on_track": "正常推进", "not_started": "未启动", "ongoing": "长期推进",
}  # fmt: skip


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


@dataclass(frozen=True)
class Status:
    status: str
    rule: str
    expected: float | None = None  # 序时进度, in percent
    actual: float | None = None

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
    deadline = (
        state.original_deadline
        if rules.assess_original_deadline and state.original_deadline
        else state.deadline
    )
    if state.done_date and state.done_date <= as_of:
        if deadline and state.done_date > deadline:
            return Status("done_late", f"completed {state.done_date} after the deadline {deadline}")
        return Status(
            "done", f"completed {state.done_date}" + (f" (deadline {deadline})" if deadline else "")
        )
    stale = state.last_report is not None and (as_of - state.last_report).days > rules.stale_report_days
    if state.deadline_kind in ("ongoing", "recurring") or deadline is None:
        if stale:
            return Status("at_risk", f"no progress report for {(as_of - state.last_report).days} days "  # type: ignore[operator]
                          f"(> {rules.stale_report_days})")  # fmt: skip
        kind = "ongoing work" if state.deadline_kind != "recurring" else "recurring work"
        return Status("ongoing", f"{kind} without a fixed deadline")
    if as_of > deadline:
        return Status("overdue", f"past the deadline {deadline} and not completed")
    actual = float(state.percent or 0)
    expected = None
    if state.start:
        expected = elapsed_share(state.start, deadline, as_of)
        behind = expected - actual
        if behind > rules.red_behind:
            return Status("overdue", f"{behind:.0f} points behind 序时进度 ({actual:.0f}% vs {expected:.0f}%; "
                          f"red beyond {rules.red_behind:.0f})", expected, actual)  # fmt: skip
        if behind >= rules.yellow_behind:
            return Status("at_risk", f"{behind:.0f} points behind 序时进度 ({actual:.0f}% vs {expected:.0f}%; "
                          f"yellow from {rules.yellow_behind:.0f})", expected, actual)  # fmt: skip
    days_left = (deadline - as_of).days
    if days_left <= rules.reminder_days:
        return Status("at_risk", f"deadline {deadline} in {days_left} days (reminder window "
                      f"{rules.reminder_days} days)", expected, actual)  # fmt: skip
    if stale:
        return Status("at_risk", f"no progress report for {(as_of - state.last_report).days} days "  # type: ignore[operator]
                      f"(> {rules.stale_report_days})", expected, actual)  # fmt: skip
    if state.last_report is None and not state.percent:
        return Status("not_started", "no progress reported yet", expected, actual)
    return Status("on_track", "progress keeps pace with 序时进度" if expected is not None else "reported, deadline ahead",
                  expected, actual)  # fmt: skip
