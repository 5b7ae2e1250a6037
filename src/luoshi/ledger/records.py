"""What the ledger's parts share: the task shapes they read and write (NewTask, TaskView,
TaskPage), the ledger's constants and the completion rule (待销号 since when)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from luoshi.ledger.deadlines import Deadline
from luoshi.ledger.status import Status

__all__ = [
    "GRADES",
    "HIDDEN",
    "NewTask",
    "TaskPage",
    "TaskView",
    "completion_day",
]

HIDDEN = ("draft", "rejected")  # states a ledger page does not list among its tasks

GRADES = ("优秀", "良好", "合格", "不合格")
REMINDER_REASONS = ("overdue", "at_risk", "due_soon", "awaiting_report")  # why a 催办单 names a task
HISTORY_ENTITIES = ("task", "progress", "request", "milestone", "evidence", "reminder")
MAX_WORKDAYS = 250  # a milestone at most about a working year before the deadline
TASK_FIELDS = (
    "code",
    "area",
    "title",
    "measures",
    "lead_unit_id",
    "deadline_text",
    "deadline_kind",
    "deadline",
    "original_deadline",
    "start_date",
    "state",
    "done_date",
    "grade",
    "status_text",
    "notes",
    "parent_id",
    "leader",
    "contact",
    "seq_text",
    "sheet_date",
)


@dataclass
class NewTask:
    code: str
    title: str
    area: str | None = None
    measures: str | None = None
    lead_unit: str | None = None
    co_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    start_date: date | None = None
    parent_code: str | None = None
    state: str = "active"
    status_text: str | None = None
    progress_text: str | None = None
    notes: str | None = None
    source: dict[str, Any] = field(default_factory=dict)
    leader: str | None = None  # 责任领导 / 分管领导
    contact: str | None = None  # 责任人 / 联系人
    seq_text: str | None = None  # 序号 as written
    sheet_date: date | None = None  # the date the sheet speaks of (its status and progress)
    done_date: date | None = None  # 完成时间 as written
    percent: int | None = None  # 完成比例 as written
    # Dated progress ("1-10月推进情况", "1-11月推进情况"): (date or None for the sheet's date, text).
    reports: list[tuple[date | None, str]] = field(default_factory=list)
    # What the deadline text means when the text alone would mislead ("3天" from the sheet's date,
    # "5月底前动工" a start milestone, not the deadline).
    deadline_override: Deadline | None = None


@dataclass
class TaskView:
    """A task with what the reports need: names, latest progress, status."""

    id: int
    programme: str
    code: str
    title: str
    area: str | None
    measures: str | None
    lead_unit: str | None
    co_units: list[str]
    deadline_text: str | None
    deadline: str | None
    original_deadline: str | None
    state: str
    done_date: str | None
    percent: int | None
    last_report: str | None
    progress_text: str | None
    status: Status
    notes: str | None = None
    status_text: str | None = None
    parent_id: int | None = None
    leader: str | None = None
    contact: str | None = None
    seq_text: str | None = None
    sheet_date: str | None = None
    from_category: bool = False  # its area is a category row of the sheet ("一、金融开放"), not a column
    grade: str | None = None  # 销号 grade
    lead_unit_id: int | None = None

    @property
    def sheet_status(self) -> str | None:
        """The office's own status word (完成状态 as written)."""
        return self.status_text

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if k != "status"}
        out.update(
            status=self.status.status,
            colour=self.status.colour,
            rule=self.status.rule,
            status_reason=self.status.rule,
            status_flag=self.status.flag,
            sheet_status=self.status_text,
            progress=self.progress_text,
            updated=self.last_report,
        )
        return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _completion(
    reports: list[tuple[str, int | None]], closures: list[tuple[str, str, str | None]], day: str
) -> tuple[str | None, bool]:
    """As of ``day``: since when the lead unit has declared the task complete and awaits the
    office (a 100% report since the last returned closure, or a closure request not yet decided),
    and whether a request (rather than a report) declared it."""
    returned = max(
        (d for _, decision, d in closures if decision == "returned" and d and d <= day), default=""
    )
    by_report = completion_day([(on, p) for on, p in reports if on > returned]) if reports else None
    pending = min(
        (on for on, decision, d in closures if decision == "pending" or (d is not None and d > day)),
        default=None,
    )
    if pending and (by_report is None or pending < by_report):
        return pending, True
    return by_report, False


def completion_day(reports: Sequence[tuple[str, int | None]]) -> str | None:
    """The day the latest run of 100% reports began (reports in date order, percents as given;
    reports without a percent neither start nor end a run), or None when the last percent is not 100."""
    day = None
    for on, percent in reports:
        if percent is None:
            continue
        if percent == 100:
            day = day or on
        else:
            day = None
    return day


@dataclass
class TaskPage:
    """One page of tasks and how many there are in all."""

    total: int
    views: list[TaskView]
