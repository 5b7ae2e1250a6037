"""Reading the ledger: tasks with their status as of a day, pages of them, a task's detail,
what each unit must be hurried on (催办), issued reports and what changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from luoshi.ledger.errors import LedgerError
from luoshi.ledger.records import (
    HIDDEN,
    REMINDER_REASONS,
    TaskPage,
    TaskView,
    _completion,
    _date,
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
    TaskUnitRow,
    UnitRow,
)
from luoshi.ledger.status import PRESETS, StatusRules, TaskState, compute_status
from luoshi.ledger.tasks import TaskLedger
from luoshi.messages import message
from luoshi.store.cache import VersionedCache

TaskSelect = Select[TaskRow, str, int | None]  # a task row, its programme's name and year
_STATUSES: VersionedCache[dict[int, str]] = VersionedCache(16)  # see ReadModels.statuses


class ReadModels(TaskLedger):
    def tasks(
        self,
        as_of: date,
        programme: str | None = None,
        rules: StatusRules | None = None,
        include_drafts: bool = False,
        include_rejected: bool = False,
        ids: Iterable[int] | None = None,
        unit_id: int | None = None,
        states: Sequence[str] | None = None,
    ) -> list[TaskView]:
        """Tasks with their status as of a date. ``ids`` or ``unit_id`` (tasks it leads or
        co-operates on) or ``states`` limit the rows read and computed."""
        rules = rules or PRESETS["supervision-office"]
        day = as_of.isoformat()
        with self.store.engine.connect() as conn:
            stmt = select(
                TaskRow, ProgrammeRow.name.label("programme_name"), ProgrammeRow.year.label("year")
            ).join(ProgrammeRow, ProgrammeRow.id == TaskRow.programme_id)
            if programme:
                stmt = stmt.where(ProgrammeRow.name == programme)
            if ids is not None:
                stmt = stmt.where(TaskRow.id.in_(list(ids)))
            if unit_id is not None:
                stmt = stmt.where(
                    or_(
                        TaskRow.lead_unit_id == unit_id,
                        TaskRow.id.in_(select(TaskUnitRow.task_id).where(TaskUnitRow.unit_id == unit_id)),
                    )
                )
            if states is not None:
                stmt = stmt.where(TaskRow.state.in_(list(states)))
            rows = conn.execute(stmt.order_by(TaskRow.programme_id, TaskRow.id)).all()
            few = ids is not None or unit_id is not None or states is not None

            def of_rows(query: Any, column: Any) -> Any:  # a few tasks: only theirs are read
                return query.where(column.in_([r.id for r in rows])) if few else query

            units = {int(i): n for i, n in conn.execute(select(UnitRow.id, UnitRow.name))}
            co: dict[int, list[str]] = {}
            for tid, uid in conn.execute(
                of_rows(
                    select(TaskUnitRow.task_id, TaskUnitRow.unit_id).order_by(TaskUnitRow.position),
                    TaskUnitRow.task_id,
                )
            ):
                co.setdefault(tid, []).append(units[uid])
            latest: dict[int, tuple[str, int | None, str]] = {}
            best_percent: dict[int, int | None] = {}
            reports: dict[int, list[tuple[str, int | None]]] = {}
            for tid, on, percent, text in conn.execute(
                of_rows(
                    select(ProgressRow.task_id, ProgressRow.date, ProgressRow.percent, ProgressRow.text)
                    .where(ProgressRow.date <= day)
                    .order_by(ProgressRow.date, ProgressRow.id),
                    ProgressRow.task_id,
                )
            ):
                latest[tid] = (on, percent, text)
                if percent is not None:
                    best_percent[tid] = percent
                    reports.setdefault(tid, []).append((on, percent))
            closures: dict[int, list[tuple[str, str, str | None]]] = {}
            for tid, on, decision, decided in conn.execute(
                of_rows(
                    select(
                        RequestRow.task_id, RequestRow.date, RequestRow.decision, RequestRow.decided_on
                    ).where(RequestRow.kind == "closure", RequestRow.date <= day),
                    RequestRow.task_id,
                )
            ):
                closures.setdefault(tid, []).append((on, decision, decided))
        out = []
        for row in rows:
            t = row
            if (t.state == "rejected" and not include_rejected) or (
                t.state == "draft" and not include_drafts
            ):
                continue
            last = latest.get(t.id)
            percent = best_percent.get(t.id)
            done = _date(t.done_date) if t.done_date and t.done_date <= day else None
            completed_on, by_request = _completion(reports.get(t.id, []), closures.get(t.id, []), day)
            state = TaskState(
                t.deadline_kind,
                _date(t.deadline),
                _date(t.original_deadline),
                _date(t.start_date),
                done,
                percent,
                _date(last[0]) if last else None,
                t.status_text,
                _date(t.sheet_date),
                row.year,
                _date(completed_on),
                by_request,
            )
            out.append(
                TaskView(
                    t.id,
                    row.programme_name,
                    t.code,
                    t.title,
                    t.area,
                    t.measures,
                    units.get(t.lead_unit_id),
                    co.get(t.id, []),
                    t.deadline_text,
                    t.deadline,
                    t.original_deadline,
                    t.state,
                    t.done_date,
                    percent,
                    last[0] if last else None,
                    last[2] if last else None,
                    compute_status(state, as_of, rules),
                    t.notes,
                    t.status_text,
                    t.parent_id,
                    t.leader,
                    t.contact,
                    t.seq_text,
                    t.sheet_date,
                    bool((t.source or {}).get("category")),
                    t.grade,
                    t.lead_unit_id,
                )
            )
        return out

    @staticmethod
    def _task_select(programme: str | None, unit: str | None, hidden: tuple[str, ...] = ()) -> TaskSelect:
        """Tasks with their programme's name and year; of a programme, of a lead unit, without
        the ``hidden`` states."""
        stmt = select(
            TaskRow, ProgrammeRow.name.label("programme_name"), ProgrammeRow.year.label("year")
        ).join(ProgrammeRow, ProgrammeRow.id == TaskRow.programme_id)
        if programme:
            stmt = stmt.where(ProgrammeRow.name == programme)
        if unit:
            stmt = stmt.where(TaskRow.lead_unit_id.in_(select(UnitRow.id).where(UnitRow.name == unit)))
        if hidden:
            stmt = stmt.where(TaskRow.state.not_in(hidden))
        return stmt

    def _views(self, ids: list[int], as_of: date, rules: StatusRules | None) -> list[TaskView]:
        """The views of these tasks, in this order (their units, progress and status read and
        computed for them only)."""
        if not ids:
            return []
        found = {
            v.id: v
            for v in self.tasks(as_of, rules=rules, include_drafts=True, include_rejected=True, ids=ids)
        }
        return [found[i] for i in ids if i in found]

    def task_page(
        self,
        as_of: date,
        programme: str | None = None,
        unit: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
        rules: StatusRules | None = None,
        hidden: tuple[str, ...] = HIDDEN,
    ) -> TaskPage:
        """One page of tasks in ledger order, with the total: paged in SQL, statuses computed for
        the rows of the page only. Filtering by status needs every task's status: those come
        from a snapshot computed once per data version (``store.data_version``), as-of date and
        rules, and only the page's rows are read in full."""
        with self.store.engine.connect() as conn:
            stmt = self._task_select(programme, unit, hidden)
            if status:
                wanted = [tid for tid, s in self.statuses(as_of, programme, rules).items() if s == status]
                if unit:
                    wanted = self._ids(conn, stmt, wanted)
                return TaskPage(len(wanted), self._views(wanted[offset : offset + limit], as_of, rules))
            total = conn.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            ordered = stmt.with_only_columns(TaskRow.id).order_by(TaskRow.programme_id, TaskRow.id)
            page = list(conn.scalars(ordered.limit(limit).offset(offset)))
        return TaskPage(total, self._views(page, as_of, rules))

    def drafts(self, as_of: date, limit: int = 200) -> list[TaskView]:
        """Proposed tasks awaiting a decision (the oldest first)."""
        with self.store.engine.connect() as conn:
            ids = list(
                conn.scalars(
                    self._task_select(None, None)
                    .with_only_columns(TaskRow.id)
                    .where(TaskRow.state == "draft")
                    .order_by(TaskRow.id)
                    .limit(limit)
                )
            )
        return self._views(ids, as_of, None)

    def lead_units(self, programme: str | None = None) -> list[str]:
        """The names of the units that lead a listed task (of ``programme``), in name order."""
        stmt = self._task_select(programme, None, HIDDEN).subquery()
        with self.store.engine.connect() as conn:
            return list(
                conn.scalars(
                    select(UnitRow.name)
                    .where(UnitRow.id.in_(select(stmt.c.lead_unit_id)))
                    .order_by(UnitRow.name)
                )
            )

    @staticmethod
    def _ids(conn: Connection, stmt: TaskSelect, among: list[int]) -> list[int]:
        """Of ``among`` (in ledger order), those ``stmt`` selects."""
        keep: set[int] = set()
        for k in range(0, len(among), 500):
            keep.update(r.id for r in conn.execute(stmt.where(TaskRow.id.in_(among[k : k + 500]))))
        return [i for i in among if i in keep]

    def statuses(
        self, as_of: date, programme: str | None = None, rules: StatusRules | None = None
    ) -> dict[int, str]:
        """Every listed task's status as of ``as_of``, in ledger order; computed once per version
        of the data (any change to the ledger or a new document makes a new one)."""
        key = (id(self.store), as_of, programme, rules or PRESETS["supervision-office"])
        return _STATUSES.get(
            key,
            self.store.data_version(),
            lambda: {v.id: v.status.status for v in self.tasks(as_of, programme, rules)},
        )

    def task_detail(self, task_id: int, as_of: date) -> dict[str, Any]:
        view = next(iter(self.tasks(as_of, include_drafts=True, include_rejected=True, ids=[task_id])), None)
        if view is None:
            raise LedgerError(message("ledger.no_task", ref=task_id))
        with self.store.engine.connect() as conn:
            task = self._task_row(conn, task_id)
            milestones = [
                dict(r)
                for r in conn.execute(
                    select(MilestoneRow).where(MilestoneRow.task_id == task_id).order_by(MilestoneRow.due)
                ).mappings()
            ]
            progress = self._progress_rows(conn, task_id)
            requests = [
                dict(r)
                for r in conn.execute(
                    select(RequestRow).where(RequestRow.task_id == task_id).order_by(RequestRow.id)
                ).mappings()
            ]
            co_ids = [
                int(u)
                for u in conn.scalars(select(TaskUnitRow.unit_id).where(TaskUnitRow.task_id == task_id))
            ]
        files = self.evidence(task_id)
        for p in progress:
            p["files"] = [f for f in files if f["progress_id"] == p["id"]]
        for r in requests:
            r["files"] = [f for f in files if f["request_id"] == r["id"]]
        return {
            **view.to_json(),
            "source": task["source"],
            "start_date": task["start_date"],
            "co_unit_ids": co_ids,
            "milestones": milestones,
            "progress": progress,
            "requests": requests,
            "evidence": files,
            "reminders": self.sent_reminders(task_id=task_id),
        }

    def reminders(
        self, as_of: date, rules: StatusRules | None = None, unit_id: int | None = None
    ) -> dict[str, dict[str, list[TaskView]]]:
        """Per lead unit: what is overdue, at risk, due soon, or awaits a report (what a 催办单
        presses for). Tasks done or awaiting the office's 销号 are not the unit's to hurry."""
        rules = rules or PRESETS["supervision-office"]
        out: dict[str, dict[str, list[TaskView]]] = {}
        for t in self.tasks(as_of, rules=rules, unit_id=unit_id):
            if t.status.status in ("done", "done_late", "awaiting_closure") or t.state != "active":
                continue
            if unit_id is not None and t.lead_unit_id != unit_id:
                continue
            unit = t.lead_unit or message("report.no_lead")
            bucket = out.setdefault(unit, {k: [] for k in REMINDER_REASONS})
            if t.status.status == "overdue":
                bucket["overdue"].append(t)
            elif t.deadline and 0 <= (date.fromisoformat(t.deadline) - as_of).days <= max(
                rules.reminder_days, 7
            ):
                bucket["due_soon"].append(t)
            elif t.status.status == "at_risk":
                bucket["at_risk"].append(t)
            if (
                t.last_report is None
                or (as_of - date.fromisoformat(t.last_report)).days > rules.stale_report_days
            ):
                bucket["awaiting_report"].append(t)
        return {u: b for u, b in sorted(out.items()) if any(b.values())}

    def unit_tasks(
        self, unit_id: int, as_of: date, rules: StatusRules | None = None, soon_days: int = 7
    ) -> dict[str, list[TaskView]]:
        """A unit's own work: the tasks it leads, then those it co-operates on, each list with the
        overdue first, then those due within ``soon_days``, at risk, under way, awaiting 销号, done."""
        rules = rules or PRESETS["supervision-office"]
        horizon = (as_of + timedelta(days=max(soon_days, rules.reminder_days))).isoformat()

        def urgency(t: TaskView) -> tuple[int, str, str]:
            s = t.status.status
            if s == "overdue":
                rank = 0
            elif s in ("done", "done_late"):
                rank = 5
            elif s == "awaiting_closure":
                rank = 4
            elif t.deadline and as_of.isoformat() <= t.deadline <= horizon:
                rank = 1
            else:
                rank = 2 if s == "at_risk" else 3
            return rank, t.deadline or "9999", t.code

        views = self.tasks(as_of, rules=rules, unit_id=unit_id)
        return {
            "lead": sorted((t for t in views if t.lead_unit_id == unit_id), key=urgency),
            "co": sorted((t for t in views if t.lead_unit_id != unit_id), key=urgency),
        }

    def sent_reminders(self, unit_id: int | None = None, task_id: int | None = None) -> list[dict[str, Any]]:
        """催办单 sent (newest first), to one unit or naming one task, each with its task count."""
        with self.store.engine.connect() as conn:
            stmt = (
                select(
                    ReminderRow,
                    UnitRow.name.label("unit"),
                    func.count(ReminderTaskRow.task_id).label("tasks"),
                )
                .join(UnitRow, UnitRow.id == ReminderRow.unit_id)
                .join(ReminderTaskRow, ReminderTaskRow.reminder_id == ReminderRow.id)
                .group_by(ReminderRow.id, UnitRow.name)
            )
            if unit_id is not None:
                stmt = stmt.where(ReminderRow.unit_id == unit_id)
            if task_id is not None:
                stmt = stmt.where(
                    ReminderRow.id.in_(
                        select(ReminderTaskRow.reminder_id).where(ReminderTaskRow.task_id == task_id)
                    )
                )
            return [dict(r) for r in conn.execute(stmt.order_by(ReminderRow.id.desc())).mappings()]

    def reminder(self, reminder_id: int, rules: StatusRules | None = None) -> dict[str, Any]:
        """A 催办单 as sent: its number, unit, dates, and its tasks as they stood on the day it was sent."""
        with self.store.engine.connect() as conn:
            row = (
                conn.execute(
                    select(ReminderRow, UnitRow.name.label("unit"))
                    .join(UnitRow, UnitRow.id == ReminderRow.unit_id)
                    .where(ReminderRow.id == reminder_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise LedgerError(message("ledger.no_reminder", id=reminder_id))
            items = conn.execute(
                select(ReminderTaskRow.task_id, ReminderTaskRow.reason)
                .where(ReminderTaskRow.reminder_id == reminder_id)
                .order_by(ReminderTaskRow.position)
            ).all()
        views = {
            t.id: t
            for t in self.tasks(
                date.fromisoformat(row["sent_on"]),
                rules=rules,
                ids=[i for i, _ in items],
                include_rejected=True,
            )
        }
        return {
            **dict(row),
            "items": [{"reason": reason, "task": views[tid]} for tid, reason in items if tid in views],
        }

    def programmes(self) -> list[str]:
        """The names of every programme (台账), in name order."""
        with self.store.engine.connect() as conn:
            return list(conn.scalars(select(ProgrammeRow.name).order_by(ProgrammeRow.name)))

    def _programme_filter(self, conn: Connection, programme: str | None) -> Any:
        if not programme:
            return SnapshotRow.programme_id.is_(None)
        pid = conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.name == programme))
        if pid is None:
            raise LedgerError(message("ledger.no_programme", name=programme))
        return SnapshotRow.programme_id == pid

    def issue(self, as_of: date, programme: str | None = None) -> dict[str, Any] | None:
        """The report issued as of exactly ``as_of`` (None if none was)."""
        return self._issue(programme, SnapshotRow.as_of == as_of.isoformat())

    def last_issue_before(self, as_of: date, programme: str | None = None) -> dict[str, Any] | None:
        """The latest report issued as of a date before ``as_of`` (the one a report compares with)."""
        return self._issue(programme, SnapshotRow.as_of < as_of.isoformat())

    def next_issue_number(self, as_of: date, programme: str | None = None) -> int:
        with self.store.engine.connect() as conn:
            try:
                where = self._programme_filter(conn, programme)
            except LedgerError:
                return 1
            return (
                conn.scalar(
                    select(func.max(SnapshotRow.number)).where(
                        where,
                        SnapshotRow.as_of >= f"{as_of.year}-01-01",
                        SnapshotRow.as_of <= f"{as_of.year}-12-31",
                    )
                )
                or 0
            ) + 1

    def _issue(self, programme: str | None, when: Any) -> dict[str, Any] | None:
        with self.store.engine.connect() as conn:
            try:
                where = self._programme_filter(conn, programme)
            except LedgerError:
                return None
            row = (
                conn.execute(
                    select(SnapshotRow)
                    .where(where, when)
                    .order_by(SnapshotRow.as_of.desc(), SnapshotRow.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def changes(
        self, since: date, until: date, programme: str | None = None, current: list[TaskView] | None = None
    ) -> list[dict[str, Any]]:
        """What changed between two dates: status, deadline and progress, task by task.
        ``current`` may pass the tasks as of ``until`` when the caller has them already."""
        before = {
            t.id: {"status": t.status.status, "deadline": t.deadline, "percent": t.percent}
            for t in self.tasks(since, programme)
        }
        return self.changes_from(before, current if current is not None else self.tasks(until, programme))

    @staticmethod
    def changes_from(before: dict[Any, dict[str, Any]], current: list[TaskView]) -> list[dict[str, Any]]:
        """What differs between figures kept before (task id → status, deadline, percent; an
        issued report's data) and the tasks now."""
        out = []
        for t in current:
            b = before.get(t.id) or before.get(str(t.id))
            diff = {}
            for name, new in (("status", t.status.status), ("deadline", t.deadline), ("percent", t.percent)):
                old = b.get(name) if b else None
                if old != new:
                    diff[name] = [old, new]
            if diff:
                out.append({"task": t.code, "title": t.title, "changes": diff})
        return out
