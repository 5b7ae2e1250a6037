"""Ledger (台账) tables: programmes, tasks, milestones, progress, requests, snapshots.

Units and the audit log are shared with accounts and live in the store (re-exported here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from luoshi.store.orm import Base
from luoshi.store.schema import AuditRow, UnitAliasRow, UnitRow, utcnow

__all__ = [
    "AuditRow",
    "EvidenceRow",
    "MilestoneRow",
    "ProgrammeRow",
    "ProgressRow",
    "ReminderRow",
    "ReminderTaskRow",
    "RequestRow",
    "SnapshotRow",
    "TaskRow",
    "TaskUnitRow",
    "UnitAliasRow",
    "UnitRow",
]


class ProgrammeRow(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(200))  # 方面 / 领域
    title: Mapped[str] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)  # 具体举措
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    deadline_text: Mapped[str | None] = mapped_column(String(100))
    deadline_kind: Mapped[str] = mapped_column(String(16), default="none")
    deadline: Mapped[str | None] = mapped_column(String(10))  # current deadline, ISO
    original_deadline: Mapped[str | None] = mapped_column(String(10))
    start_date: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(16), default="active")  # draft | active | rejected | closed
    done_date: Mapped[str | None] = mapped_column(String(10))
    grade: Mapped[str | None] = mapped_column(String(8))  # 优秀 / 良好 / 合格 / 不合格
    status_text: Mapped[str | None] = mapped_column(Text)  # 完成状态 as written in a sheet
    notes: Mapped[str | None] = mapped_column(Text)  # 备注
    leader: Mapped[str | None] = mapped_column(String(200))  # 责任领导 / 分管领导
    contact: Mapped[str | None] = mapped_column(String(200))  # 责任人 / 联系人
    seq_text: Mapped[str | None] = mapped_column(String(40))  # 序号 as written ("1.", "（3）", "")
    sheet_date: Mapped[str | None] = mapped_column(String(10))  # the date the sheet's status speaks of
    source: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TaskUnitRow(Base):
    """Co-operating units (配合单位) of a task, in the order written."""

    __tablename__ = "task_units"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MilestoneRow(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    workdays_before_deadline: Mapped[int | None] = mapped_column(Integer)
    due: Mapped[str | None] = mapped_column(String(10))
    done_date: Mapped[str | None] = mapped_column(String(10))


class ProgressRow(Base):
    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    date: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)
    reporter: Mapped[str | None] = mapped_column(String(100))
    # Where the report comes from when it was not written by a unit: a later document's span
    # ({"kind": "document", "document_id", "span", "label", "directive_id"}: follow-through).
    source: Mapped[dict[str, object] | None] = mapped_column(JSON)


class RequestRow(Base):
    """Extension (延期申请) and closure (办结/销号) requests and their decisions."""

    __tablename__ = "task_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # extension | closure
    date: Mapped[str] = mapped_column(String(10))
    new_deadline: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16), default="pending")
    decided_on: Mapped[str | None] = mapped_column(String(10))
    grade: Mapped[str | None] = mapped_column(String(8))
    actor: Mapped[str | None] = mapped_column(String(100))


class SnapshotRow(Base):
    """An issued report (督查通报, 第N期): its figures, kept as the baseline the next one compares
    with. Numbered per programme (None: the whole ledger) and year."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    as_of: Mapped[str] = mapped_column(String(10), index=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    number: Mapped[int | None] = mapped_column(Integer)  # 第N期 within the year of as_of
    office: Mapped[str | None] = mapped_column(String(200))  # the issuing office
    issued_by: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[str | None] = mapped_column(String(10))


class EvidenceRow(Base):
    """A 佐证材料 file of a task: kept in the evidence folder under its content hash, shown and
    downloaded under the (sanitised) name it was uploaded with."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    progress_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("task_requests.id"))
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(100))  # relative to the evidence folder
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReminderRow(Base):
    """A 催办单 sent to a unit: numbered within its year (催办〔2026〕3号), with a reply-by date."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sent_on: Mapped[str] = mapped_column(String(10))
    reply_by: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    office: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReminderTaskRow(Base):
    """The tasks a 催办单 presses for, each with why (overdue, due_soon, awaiting_report, at_risk)."""

    __tablename__ = "reminder_tasks"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
