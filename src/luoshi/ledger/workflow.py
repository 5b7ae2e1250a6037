"""The work on a task: progress reports, milestones (倒排), 延期/办结 requests and the office's
decision (销号), 催办单 sent, reports issued (第N期)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update

from luoshi.ledger.errors import LedgerError
from luoshi.ledger.evidence import StagedFile
from luoshi.ledger.read_models import ReadModels
from luoshi.ledger.records import (
    GRADES,
    MAX_WORKDAYS,
    REMINDER_REASONS,
    _iso,
    completion_day,
)
from luoshi.ledger.schema import (
    MilestoneRow,
    ProgrammeRow,
    ProgressRow,
    ReminderRow,
    ReminderTaskRow,
    RequestRow,
    SnapshotRow,
    TaskRow,
    UnitRow,
)
from luoshi.ledger.status import StatusRules
from luoshi.ledger.workdays import backward_schedule
from luoshi.messages import message
from luoshi.store import new_id


class Workflow(ReadModels):
    def report_progress(
        self,
        task_id: int,
        on: date,
        text: str,
        percent: int | None = None,
        unit: str | None = None,
        evidence: str | None = None,
        files: Sequence[StagedFile] = (),
        source: dict[str, Any] | None = None,
    ) -> int:
        """A unit's progress report (``source``: the later document and span it was taken from). Its date may not lie in the future or before the task's
        start. A 100% report makes the task await closure (待销号); only the office's 销号 (an
        accepted closure request) makes it done."""
        if percent is not None and not 0 <= percent <= 100:
            raise LedgerError(message("ledger.bad_percent", percent=percent))
        if not text.strip():
            raise LedgerError(message("ledger.empty_report"))
        with self.store.transaction() as conn:
            task = self._task_in_state(conn, task_id, ("active",), "ledger.no_progress_state")
            self._check_day(on, task["start_date"], "ledger.report_in_future", "ledger.report_before_start")
            uid = self.unit_id(conn, unit) if unit else task["lead_unit_id"]
            values = {
                "task_id": task_id,
                "date": on.isoformat(),
                "unit_id": uid,
                "text": text.strip(),
                "percent": percent,
                "evidence": evidence,
                "reporter": self.actor,
            }
            if source is not None:
                values["source"] = source
            rid = new_id(conn.execute(insert(ProgressRow).values(**values)))
            self.audit(conn, "progress", task_id, "report", None, values)
            self._keep_evidence(conn, task_id, files, uid, progress_id=rid)
            return rid

    def schedule_milestones(self, task_id: int, offsets: dict[str, int]) -> dict[str, date]:
        """倒排: milestone dates counted back in working days from the task's deadline. A
        milestone of the same title as an existing one moves that one."""
        if not offsets:
            raise LedgerError(message("ledger.no_milestones"))
        for title, days in offsets.items():
            if not title.strip() or not isinstance(days, int) or not 0 <= days <= MAX_WORKDAYS:
                raise LedgerError(message("ledger.bad_workdays", title=title, value=days, max=MAX_WORKDAYS))
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            if not task["deadline"]:
                raise LedgerError(message("ledger.no_deadline_to_schedule", code=task["code"]))
            existing = {
                r.title: r for r in conn.execute(select(MilestoneRow).where(MilestoneRow.task_id == task_id))
            }
            dates = backward_schedule(date.fromisoformat(task["deadline"]), offsets)
            for title, due in dates.items():
                values = {
                    "task_id": task_id,
                    "title": title,
                    "workdays_before_deadline": offsets[title],
                    "due": due.isoformat(),
                }
                old = existing.get(title)
                if old is None:
                    conn.execute(insert(MilestoneRow).values(**values))
                    self.audit(conn, "milestone", task_id, "create", None, values)
                elif (old.due, old.workdays_before_deadline) != (values["due"], offsets[title]):
                    conn.execute(update(MilestoneRow).where(MilestoneRow.id == old.id).values(**values))
                    self.audit(
                        conn,
                        "milestone",
                        task_id,
                        "update",
                        {
                            "title": title,
                            "due": old.due,
                            "workdays_before_deadline": old.workdays_before_deadline,
                        },
                        values,
                    )
            return dates

    def complete_milestone(self, milestone_id: int, on: date) -> int:
        """A milestone reached (by the lead unit or the office); the task's id."""
        with self.store.transaction() as conn:
            row = conn.execute(select(MilestoneRow).where(MilestoneRow.id == milestone_id)).mappings().first()
            if row is None:
                raise LedgerError(message("ledger.no_milestone", id=milestone_id))
            task = self._task_row(conn, row["task_id"])
            self._check_day(on, task["start_date"], "ledger.report_in_future", "ledger.report_before_start")
            conn.execute(
                update(MilestoneRow).where(MilestoneRow.id == milestone_id).values(done_date=on.isoformat())
            )
            self.audit(
                conn,
                "milestone",
                row["task_id"],
                "done",
                {"title": row["title"], "done_date": row["done_date"]},
                {"title": row["title"], "done_date": on.isoformat()},
            )
            return int(row["task_id"])

    def request(
        self,
        task_id: int,
        kind: str,
        on: date,
        text: str,
        new_deadline: date | None = None,
        files: Sequence[StagedFile] = (),
        unit: str | None = None,
    ) -> int:
        """A unit asks for an extension (延期申请, before the deadline, to a later date) or for
        closure (办结申请, with its 办结报告); one of each kind may wait for a decision at a time.
        A pending closure makes the task await closure (待销号)."""
        if kind not in ("extension", "closure"):
            raise LedgerError(message("ledger.unknown_request", kind=kind))
        with self.store.transaction() as conn:
            task = self._task_in_state(conn, task_id, ("active",), "ledger.request_state")
            self._check_day(on, task["start_date"], "ledger.request_in_future", "ledger.request_before_start")
            pending = conn.scalar(
                select(RequestRow.id).where(
                    RequestRow.task_id == task_id, RequestRow.kind == kind, RequestRow.decision == "pending"
                )
            )
            if pending is not None:
                raise LedgerError(
                    message(
                        "ledger.request_pending",
                        code=task["code"],
                        id=pending,
                        kind=message(f"request_kind.{kind}"),
                    )
                )
            if kind == "extension":
                if new_deadline is None:
                    raise LedgerError(message("ledger.extension_needs_date"))
                if task["deadline"] and on > date.fromisoformat(task["deadline"]):
                    raise LedgerError(message("ledger.extension_late", on=on, deadline=task["deadline"]))
                if task["deadline"] and new_deadline.isoformat() <= task["deadline"]:
                    raise LedgerError(
                        message("ledger.extension_not_later", new=new_deadline, deadline=task["deadline"])
                    )
            elif not text.strip():
                raise LedgerError(message("ledger.closure_needs_report"))
            values = {
                "task_id": task_id,
                "kind": kind,
                "date": on.isoformat(),
                "text": text.strip(),
                "new_deadline": _iso(new_deadline) if kind == "extension" else None,
                "actor": self.actor,
            }
            rid = new_id(conn.execute(insert(RequestRow).values(**values)))
            self.audit(conn, "request", task_id, f"{kind}-request", None, values)
            uid = self.unit_id(conn, unit) if unit else task["lead_unit_id"]
            self._keep_evidence(conn, task_id, files, uid, request_id=rid)
            return rid

    def decide(self, request_id: int, accept: bool, on: date, grade: str | None = None) -> None:
        """The office decides: an extension approved moves the deadline (the original is kept);
        a closure accepted is 销号 with a grade (优秀/良好/合格/不合格) and the task is done as of
        the day the unit declared it complete; a closure returned puts the task back to work."""
        with self.store.transaction() as conn:
            req = conn.execute(select(RequestRow).where(RequestRow.id == request_id)).mappings().first()
            if req is None:
                raise LedgerError(message("ledger.no_request", id=request_id))
            if req["decision"] != "pending":
                raise LedgerError(
                    message(
                        "ledger.already_decided",
                        id=request_id,
                        decision=message(f"decision.{req['decision']}"),
                    )
                )
            if on > self.today():
                raise LedgerError(message("ledger.decision_in_future", on=on, today=self.today()))
            if on.isoformat() < req["date"]:
                raise LedgerError(message("ledger.decision_before_request", on=on, requested=req["date"]))
            if req["kind"] == "closure" and accept and grade not in GRADES:
                raise LedgerError(message("ledger.needs_grade", grades="/".join(GRADES)))
            if grade and not (req["kind"] == "closure" and accept):
                raise LedgerError(message("ledger.grade_only_closure"))
            decision = (
                ("approved" if accept else "refused")
                if req["kind"] == "extension"
                else ("accepted" if accept else "returned")
            )
            conn.execute(
                update(RequestRow)
                .where(RequestRow.id == request_id)
                .values(decision=decision, decided_on=on.isoformat(), grade=grade)
            )
            self.audit(
                conn,
                "request",
                req["task_id"],
                f"{req['kind']}-{decision}",
                {"decision": "pending"},
                {"decision": decision, "grade": grade, "request": request_id},
            )
            task = self._task_row(conn, req["task_id"])
            if req["kind"] == "extension" and accept:
                change = {"deadline": req["new_deadline"]}
            elif req["kind"] == "closure" and accept:
                # Done on the day the unit reported it complete, counting only reports since the
                # office last returned a closure (what it returned was not complete).
                returned = (
                    conn.scalar(
                        select(func.max(RequestRow.decided_on)).where(
                            RequestRow.task_id == task["id"],
                            RequestRow.kind == "closure",
                            RequestRow.decision == "returned",
                        )
                    )
                    or ""
                )
                reports = conn.execute(
                    select(ProgressRow.date, ProgressRow.percent)
                    .where(
                        ProgressRow.task_id == task["id"],
                        ProgressRow.date <= req["date"],
                        ProgressRow.date > returned,
                    )
                    .order_by(ProgressRow.date, ProgressRow.id)
                ).all()
                done = task["done_date"] or completion_day([(d, p) for d, p in reports]) or req["date"]
                change = {"state": "closed", "grade": grade, "done_date": done}
            else:
                return
            conn.execute(update(TaskRow).where(TaskRow.id == req["task_id"]).values(**change))
            self.audit(conn, "task", req["task_id"], "update", {k: task[k] for k in change}, change)

    def pending_requests(self) -> list[dict[str, Any]]:
        """Requests waiting for the office, oldest first, with their task's code, title and unit."""
        with self.store.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(RequestRow, TaskRow.code, TaskRow.title, UnitRow.name.label("lead_unit"))
                    .join(TaskRow, TaskRow.id == RequestRow.task_id)
                    .outerjoin(UnitRow, UnitRow.id == TaskRow.lead_unit_id)
                    .where(RequestRow.decision == "pending")
                    .order_by(RequestRow.date, RequestRow.id)
                ).mappings()
            ]

    def send_reminder(
        self,
        unit: str,
        on: date,
        reply_by: date | None = None,
        note: str = "",
        task_ids: Sequence[int] | None = None,
        office: str | None = None,
        rules: StatusRules | None = None,
    ) -> int:
        """A 催办单 to ``unit``: the tasks it leads that are overdue, at risk, due soon or
        awaiting a report on ``on`` (or those of ``task_ids``, which must be its own), numbered
        催办〔year〕N号 and kept as sent. Returns its id."""
        if on > self.today():
            raise LedgerError(message("ledger.reminder_in_future", on=on, today=self.today()))
        if reply_by is not None and reply_by < on:
            raise LedgerError(message("ledger.reply_before_sent", reply_by=reply_by, on=on))
        with self.store.engine.connect() as conn:
            uid = self.unit_id(conn, unit, create=False)
        if uid is None:
            raise LedgerError(message("ledger.no_unit", name=unit))
        buckets = next(iter(self.reminders(on, rules, unit_id=uid).values()), {})
        reasons: dict[int, str] = {}
        for reason in REMINDER_REASONS:
            for t in buckets.get(reason, []):
                reasons.setdefault(t.id, reason)
        if task_ids is not None:
            views = {t.id: t for t in self.tasks(on, ids=task_ids)}
            for tid in task_ids:
                view = views.get(tid)
                if view is None:
                    raise LedgerError(message("ledger.no_task", ref=tid))
                if view.lead_unit_id != uid:
                    raise LedgerError(message("ledger.reminder_not_unit_task", code=view.code, unit=unit))
            reasons = {
                tid: reasons.get(tid, "at_risk" if views[tid].status.status == "at_risk" else "due_soon")
                for tid in dict.fromkeys(task_ids)
            }
        if not reasons:
            raise LedgerError(message("ledger.reminder_nothing", unit=unit))
        with self.store.transaction() as conn:
            number = (
                conn.scalar(select(func.max(ReminderRow.number)).where(ReminderRow.year == on.year)) or 0
            ) + 1
            values = {
                "year": on.year,
                "number": number,
                "unit_id": uid,
                "sent_on": on.isoformat(),
                "reply_by": _iso(reply_by),
                "note": note.strip() or None,
                "office": office or message("report.office_default", lang="zh"),
                "actor": self.actor,
            }
            rid = new_id(conn.execute(insert(ReminderRow).values(**values)))
            for position, (tid, reason) in enumerate(reasons.items()):
                conn.execute(
                    insert(ReminderTaskRow).values(
                        reminder_id=rid, task_id=tid, reason=reason, position=position
                    )
                )
                self.audit(
                    conn,
                    "reminder",
                    tid,
                    "send",
                    None,
                    {
                        "reminder": rid,
                        "number": number,
                        "year": on.year,
                        "reason": reason,
                        "reply_by": _iso(reply_by),
                    },
                )
            return rid

    def snapshot(
        self, as_of: date, programme: str | None = None, office: str | None = None
    ) -> dict[str, Any]:
        """Issue the report as of ``as_of``: its figures are kept, numbered 第N期 of that year
        for the programme (or the whole ledger), as the baseline the next report compares with.
        Issuing the same date again returns the issue made before."""
        found = self.issue(as_of, programme)
        if found is not None:
            return found
        data = {
            str(t.id): {
                "code": t.code,
                "status": t.status.status,
                "deadline": t.deadline,
                "percent": t.percent,
            }
            for t in self.tasks(as_of, programme)
        }
        with self.store.transaction() as conn:
            where = self._programme_filter(conn, programme)
            pid = (
                conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.name == programme))
                if programme
                else None
            )
            year_start, year_end = f"{as_of.year}-01-01", f"{as_of.year}-12-31"
            number = (
                conn.scalar(
                    select(func.max(SnapshotRow.number)).where(
                        where, SnapshotRow.as_of >= year_start, SnapshotRow.as_of <= year_end
                    )
                )
                or 0
            ) + 1
            values = {
                "programme_id": pid,
                "as_of": as_of.isoformat(),
                "data": data,
                "number": number,
                "office": office or message("report.office_default", lang="zh"),
                "issued_by": self.actor,
                "issued_on": self.today().isoformat(),
            }
            sid = new_id(conn.execute(insert(SnapshotRow).values(**values)))
            self.audit(conn, "report", sid, "issue", None, {k: v for k, v in values.items() if k != "data"})
        return {**values, "id": sid}
