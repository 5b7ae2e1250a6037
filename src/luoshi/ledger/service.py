"""The ledger service: every change goes through here and lands in the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Select, delete, func, insert, or_, select, update

from luoshi.ledger.deadlines import Deadline, parse_deadline
from luoshi.ledger.errors import LedgerError
from luoshi.ledger.evidence import EvidenceFiles, StagedFile, files_folder
from luoshi.ledger.schema import (
    AuditRow,
    EvidenceRow,
    MilestoneRow,
    ProgrammeRow,
    ProgressRow,
    ReminderRow,
    ReminderTaskRow,
    RequestRow,
    SnapshotRow,
    TaskRow,
    TaskUnitRow,
    UnitAliasRow,
    UnitRow,
)
from luoshi.ledger.status import PRESETS, Status, StatusRules, TaskState, compute_status
from luoshi.ledger.units import unit_key
from luoshi.ledger.workdays import backward_schedule
from luoshi.messages import message
from luoshi.store import Store, new_id, registry
from luoshi.store.cache import VersionedCache
from luoshi.store.schema import DirectiveRow, DocumentRow

__all__ = ["GRADES", "Ledger", "LedgerError", "NewTask", "StagedFile", "TaskPage", "TaskView"]

TaskSelect = Select[TaskRow, str, int | None]  # a task row, its programme's name and year
HIDDEN = ("draft", "rejected")  # states a ledger page does not list among its tasks
_STATUSES: VersionedCache[dict[int, str]] = VersionedCache(16)  # see Ledger.statuses

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


class Ledger:
    def __init__(self, store: Store, actor: str = "system", today: date | None = None) -> None:
        self.store = store
        self.actor = actor
        self._today = today  # fixed "today" (tests, the demo); else the calendar's
        self._files: EvidenceFiles | None = None

    def today(self) -> date:
        return self._today or date.today()

    def _check_day(self, on: date, start: str | None, future_key: str, before_key: str) -> None:
        """``on`` may not lie after today, nor before the task's start."""
        if on > self.today():
            raise LedgerError(message(future_key, on=on, today=self.today()))
        if start and on.isoformat() < start:
            raise LedgerError(message(before_key, on=on, start=start))

    # -- audit ---------------------------------------------------------------------------------

    def audit(
        self,
        conn: Connection,
        entity: str,
        entity_id: int | None,
        action: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        registry.audit(conn, self.actor, entity, entity_id, action, before, after)

    def history(self, task_id: int) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(AuditRow)
                .where(AuditRow.entity_id == task_id, AuditRow.entity.in_(HISTORY_ENTITIES))
                .order_by(AuditRow.id)
            ).mappings()
            return [dict(r) for r in rows]

    # -- programmes and units ------------------------------------------------------------------

    def programme_id(self, conn: Connection, name: str, year: int | None = None, create: bool = True) -> int:
        pid = conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.name == name))
        if pid is None:
            if not create:
                raise LedgerError(message("ledger.no_programme", name=name))
            pid = new_id(conn.execute(insert(ProgrammeRow).values(name=name, year=year)))
            self.audit(conn, "programme", pid, "create", None, {"name": name, "year": year})
        return int(pid)

    def unit_id(
        self, conn: Connection, name: str, create: bool = True, parent: str | None = None
    ) -> int | None:
        return registry.unit_id(conn, name, create=create, parent=parent, actor=self.actor)

    def add_alias(self, unit: str, alias: str) -> None:
        with self.store.transaction() as conn:
            uid = self.unit_id(conn, unit)
            key = unit_key(alias)
            existing = conn.scalar(select(UnitAliasRow.unit_id).where(UnitAliasRow.alias == key))
            if existing is not None and existing != uid:
                raise LedgerError(message("ledger.alias_taken", alias=alias))
            if existing is None:
                conn.execute(insert(UnitAliasRow).values(alias=key, unit_id=uid))
                self.audit(conn, "unit", uid, "alias", None, {"alias": alias})

    # -- tasks ---------------------------------------------------------------------------------

    def add_tasks(
        self, conn: Connection, programme: str, year: int | None, tasks: Iterable[NewTask]
    ) -> list[int]:
        pid = self.programme_id(conn, programme, year)
        ids: dict[str, int] = {}
        out = []
        taken = set(conn.scalars(select(TaskRow.code).where(TaskRow.programme_id == pid)))
        units: dict[str, int | None] = {}  # names met in this batch (a 5,000-row sheet names a few dozen)

        def unit(name: str) -> int | None:
            if name not in units:
                units[name] = self.unit_id(conn, name)
            return units[name]

        for t in tasks:
            if t.code in taken:
                raise LedgerError(message("ledger.task_exists", code=t.code, programme=programme))
            taken.add(t.code)
            # The same reading as extraction's: relative phrases ("月底前") against the start day.
            dl = t.deadline_override or parse_deadline(t.deadline_text, year, reference=t.start_date)
            lead_id = unit(t.lead_unit) if t.lead_unit else None
            parent_id = ids.get(t.parent_code or "") or (
                conn.scalar(
                    select(TaskRow.id).where(TaskRow.programme_id == pid, TaskRow.code == t.parent_code)
                )
                if t.parent_code
                else None
            )
            values = {
                "programme_id": pid,
                "parent_id": parent_id,
                "code": t.code,
                "area": t.area,
                "title": t.title,
                "measures": t.measures,
                "lead_unit_id": lead_id,
                "deadline_text": t.deadline_text,
                "deadline_kind": dl.kind,
                "deadline": _iso(dl.date),
                "original_deadline": _iso(dl.date),
                "start_date": _iso(t.start_date or (date(year, 1, 1) if year else None)),
                "state": t.state,
                "status_text": t.status_text,
                "notes": t.notes,
                "source": t.source,
                "leader": t.leader,
                "contact": t.contact,
                "seq_text": t.seq_text,
                "sheet_date": _iso(t.sheet_date),
                "done_date": _iso(t.done_date),
            }
            tid = new_id(conn.execute(insert(TaskRow), values))
            self._add_co_units(conn, tid, lead_id, t.co_units, unit)
            self.audit(
                conn,
                "task",
                tid,
                "create",
                None,
                {k: v for k, v in values.items() if k != "source"} | {"co_units": t.co_units},
            )
            reports = list(t.reports)
            if t.progress_text and not reports:
                reports.append((None, t.progress_text))
            for i, (day, text) in enumerate(reports):
                # A progress text is a report on the sheet's date (not on 1 January); the percent
                # written beside it goes with the latest one.
                on = day or t.sheet_date or t.start_date or (date(year, 1, 1) if year else date.today())
                percent = t.percent if i == len(reports) - 1 else None
                conn.execute(
                    insert(ProgressRow),
                    {
                        "task_id": tid,
                        "date": on.isoformat(),
                        "text": text,
                        "percent": percent,
                        "reporter": self.actor,
                    },
                )
            ids[t.code] = tid
            out.append(tid)
        return out

    def merge_tasks(
        self, conn: Connection, programme: str, year: int | None, tasks: Iterable[NewTask]
    ) -> list[dict[str, Any]]:
        """The monthly loop: units fill in the same sheet again. Tasks already in the programme
        (matched by code and title, else by title) are updated where the sheet changed, the rest
        are added; what changed is returned and kept in the audit log. The programme is reused."""
        pid = self.programme_id(conn, programme, year)
        existing = {
            r["code"]: dict(r)
            for r in conn.execute(select(TaskRow).where(TaskRow.programme_id == pid)).mappings()
        }
        by_title = {r["title"]: r for r in existing.values()}
        units = {int(i): n for i, n in conn.execute(select(UnitRow.id, UnitRow.name))}  # those tasks use
        ids = [r["id"] for r in existing.values()]
        co_of: dict[int, list[int]] = {}
        texts_of: dict[int, list[str]] = {}
        for start in range(0, len(ids), 500):  # bulk reads, not two queries per task
            chunk = ids[start : start + 500]
            for tid, uid in conn.execute(
                select(TaskUnitRow.task_id, TaskUnitRow.unit_id)
                .where(TaskUnitRow.task_id.in_(chunk))
                .order_by(TaskUnitRow.position)
            ):
                co_of.setdefault(tid, []).append(uid)
            for tid, text in conn.execute(
                select(ProgressRow.task_id, ProgressRow.text)
                .where(ProgressRow.task_id.in_(chunk))
                .order_by(ProgressRow.date, ProgressRow.id)
            ):
                texts_of.setdefault(tid, []).append(text)
        unit_ids: dict[str, int | None] = {}

        def unit(name: str) -> int | None:
            if name not in unit_ids:
                unit_ids[name] = self.unit_id(conn, name)
            return unit_ids[name]

        changes: list[dict[str, Any]] = []
        new: list[NewTask] = []
        renames: list[tuple[int, str, str]] = []
        for t in tasks:
            old = existing.get(t.code)
            if old is None or old["title"] != t.title:
                old = by_title.get(t.title)
            if old is None:
                new.append(t)
                changes.append({"code": t.code, "title": t.title, "action": "added", "changes": {}})
                continue
            co_ids = co_of.get(old["id"], [])
            co = [units[u] for u in co_ids]
            lead = units.get(old["lead_unit_id"]) if old["lead_unit_id"] else None
            # Units compare by identity: "市发改委" is the unit stored as "深圳市发展和改革委员会".
            lead_id = unit(t.lead_unit) if t.lead_unit else None
            new_co_ids = list(
                dict.fromkeys(u for u in (unit(n) for n in t.co_units) if u is not None and u != lead_id)
            )
            diff: dict[str, list[Any]] = {}
            values: dict[str, Any] = {}
            for name, before, after in (
                ("code", old["code"], t.code),
                ("measures", old["measures"], t.measures),
                ("deadline_text", old["deadline_text"], t.deadline_text),
                ("leader", old["leader"], t.leader),
                ("contact", old["contact"], t.contact),
                ("status_text", old["status_text"], t.status_text),
                ("notes", old["notes"], t.notes),
                ("seq_text", old["seq_text"], t.seq_text),
                ("sheet_date", old["sheet_date"], _iso(t.sheet_date)),
            ):
                if before != after:
                    diff[name], values[name] = [before, after], after
            if "code" in values:  # renumbered: codes change after the loop, when every old code is free
                renames.append((old["id"], old["code"], values.pop("code")))
            if t.done_date and old["done_date"] != _iso(t.done_date):
                diff["done_date"], values["done_date"] = (
                    [old["done_date"], _iso(t.done_date)],
                    _iso(t.done_date),
                )
            if "deadline_text" in values:
                dl = t.deadline_override or parse_deadline(t.deadline_text, year)
                values.update(deadline_kind=dl.kind, deadline=_iso(dl.date))
            if lead_id != old["lead_unit_id"]:
                diff["lead_unit"] = [lead, t.lead_unit]
                values["lead_unit_id"] = lead_id
            if values:
                conn.execute(update(TaskRow).where(TaskRow.id == old["id"]).values(**values))
                self.audit(conn, "task", old["id"], "update", {k: old.get(k) for k in values}, values)
            if new_co_ids != co_ids:
                diff["co_units"] = [co, t.co_units]
                conn.execute(delete(TaskUnitRow).where(TaskUnitRow.task_id == old["id"]))
                self._add_co_units(
                    conn, old["id"], values.get("lead_unit_id", old["lead_unit_id"]), t.co_units, unit
                )
            known = texts_of.get(old["id"], [])
            for day, text in t.reports:
                if text not in known:  # a report the sheet adds (each dated column once)
                    on = day or t.sheet_date or date.today()
                    conn.execute(
                        insert(ProgressRow).values(
                            task_id=old["id"],
                            date=on.isoformat(),
                            text=text,
                            percent=t.percent,
                            reporter=self.actor,
                        )
                    )
                    self.audit(
                        conn, "progress", old["id"], "report", None, {"date": on.isoformat(), "text": text}
                    )
                    diff["progress"] = [known[-1] if known else None, text]
            if diff:
                changes.append({"code": t.code, "title": t.title, "action": "updated", "changes": diff})
        for tid, _, _ in renames:
            conn.execute(update(TaskRow).where(TaskRow.id == tid).values(code=f"~{tid}"))
        for tid, before_code, after_code in renames:
            conn.execute(update(TaskRow).where(TaskRow.id == tid).values(code=after_code))
            self.audit(conn, "task", tid, "update", {"code": before_code}, {"code": after_code})
        self.add_tasks(conn, programme, year, new)
        self.audit(conn, "programme", pid, "sheet-import", None, {"changes": changes})
        return changes

    def _add_co_units(
        self,
        conn: Connection,
        tid: int,
        lead_id: int | None,
        names: list[str],
        unit: Callable[[str], int | None] | None = None,
    ) -> None:
        """Co-operating units of a task that has none yet, in order, each once, never the lead."""
        seen = {lead_id, None}
        for position, name in enumerate(names):
            uid = unit(name) if unit else self.unit_id(conn, name)
            if uid not in seen:
                seen.add(uid)
                conn.execute(insert(TaskUnitRow), {"task_id": tid, "unit_id": uid, "position": position})

    def task_id(self, conn: Connection, ref: str | int, programme: str | None = None) -> int:
        """A task by id or by code (unique within a programme)."""
        if isinstance(ref, int) or (str(ref).isdigit() and not programme):
            tid = conn.scalar(select(TaskRow.id).where(TaskRow.id == int(ref)))
            if tid is not None:
                return int(tid)
        stmt = select(TaskRow.id).where(TaskRow.code == str(ref))
        if programme:
            stmt = stmt.join(ProgrammeRow, ProgrammeRow.id == TaskRow.programme_id).where(
                ProgrammeRow.name == programme
            )
        found = list(conn.scalars(stmt))
        if not found:
            raise LedgerError(message("ledger.no_task", ref=ref))
        if len(found) > 1:
            raise LedgerError(message("ledger.ambiguous", ref=ref))
        return int(found[0])

    def _task_row(self, conn: Connection, task_id: int) -> dict[str, Any]:
        row = conn.execute(select(TaskRow).where(TaskRow.id == task_id)).mappings().first()
        if row is None:
            raise LedgerError(message("ledger.no_task", ref=task_id))
        return dict(row)

    def update_task(self, task_id: int, **changes: Any) -> None:
        unknown = set(changes) - set(TASK_FIELDS)
        if unknown:
            raise LedgerError(message("ledger.cannot_change", fields="、".join(sorted(unknown))))
        with self.store.transaction() as conn:
            before = self._task_row(conn, task_id)
            conn.execute(update(TaskRow).where(TaskRow.id == task_id).values(**changes))
            self.audit(conn, "task", task_id, "update", {k: before[k] for k in changes}, changes)

    # -- evidence files (佐证材料) ----------------------------------------------------------------

    @property
    def files(self) -> EvidenceFiles:
        """Where this store's evidence files are kept (see ``luoshi.ledger.evidence``)."""
        if self._files is None:
            self._files = EvidenceFiles(files_folder(self.store.engine.url))
        return self._files

    @contextmanager
    def evidence_upload(self) -> Iterator[Callable[[str | None, BinaryIO], StagedFile]]:
        """Stage uploaded files for one report or request: ``with ledger.evidence_upload() as
        stage: files = [stage(name, stream) …]``; each is checked as it is copied (LedgerError);
        whatever was not kept is removed when the block ends."""
        with self.files.staging() as incoming:
            count = iter(range(1 << 30))
            yield lambda name, stream: self.files.stage(incoming, name, stream, next(count))

    def _keep_evidence(
        self,
        conn: Connection,
        task_id: int,
        files: Sequence[StagedFile],
        unit_id: int | None,
        progress_id: int | None = None,
        request_id: int | None = None,
    ) -> list[int]:
        ids = []
        for f in files:
            values = {
                "task_id": task_id,
                "progress_id": progress_id,
                "request_id": request_id,
                "name": f.name,
                "path": self.files.keep(f),
                "size": f.size,
                "sha256": f.sha256,
                "unit_id": unit_id,
                "uploaded_by": self.actor,
            }
            ids.append(new_id(conn.execute(insert(EvidenceRow).values(**values))))
            self.audit(
                conn, "evidence", task_id, "add", None, {k: values[k] for k in ("name", "size", "sha256")}
            )
        return ids

    def add_evidence(self, task_id: int, files: Sequence[StagedFile], unit: str | None = None) -> list[int]:
        """Evidence for a task outside a report (a later scan, a photograph)."""
        if not files:
            raise LedgerError(message("evidence.none_given"))
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            if task["state"] in ("rejected", "draft"):
                raise LedgerError(
                    message(
                        "ledger.no_progress_state",
                        code=task["code"],
                        state=message(f"task_state.{task['state']}"),
                    )
                )
            uid = self.unit_id(conn, unit) if unit else task["lead_unit_id"]
            return self._keep_evidence(conn, task_id, files, uid)

    def evidence(self, task_id: int) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(EvidenceRow, UnitRow.name.label("unit"))
                    .outerjoin(UnitRow, UnitRow.id == EvidenceRow.unit_id)
                    .where(EvidenceRow.task_id == task_id)
                    .order_by(EvidenceRow.id)
                ).mappings()
            ]

    def evidence_file(self, file_id: int) -> tuple[dict[str, Any], Path]:
        """One evidence file's record and where its content is (LedgerError when either is gone)."""
        with self.store.engine.connect() as conn:
            row = conn.execute(select(EvidenceRow).where(EvidenceRow.id == file_id)).mappings().first()
        if row is None:
            raise LedgerError(message("evidence.no_file", id=file_id))
        path = self.files.path(row["path"])
        if not path.is_file():
            raise LedgerError(message("evidence.missing_file", name=row["name"], folder=self.files.folder))
        return dict(row), path

    # -- progress, milestones ------------------------------------------------------------------

    def task_record(self, task_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A task's row (its source among the fields) and its progress reports, oldest first."""
        with self.store.engine.connect() as conn:
            task = self._task_row(conn, task_id)
            progress = [
                dict(r)
                for r in conn.execute(
                    select(ProgressRow)
                    .where(ProgressRow.task_id == task_id)
                    .order_by(ProgressRow.date, ProgressRow.id)
                ).mappings()
            ]
        return task, progress

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
            task = self._task_row(conn, task_id)
            if task["state"] != "active":
                raise LedgerError(
                    message(
                        "ledger.no_progress_state",
                        code=task["code"],
                        state=message(f"task_state.{task['state']}"),
                    )
                )
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

    # -- editing -------------------------------------------------------------------------------

    def edit_task(
        self,
        task_id: int,
        title: str | None = None,
        lead_unit: str | None = None,
        co_units: Sequence[str] | None = None,
        deadline: date | None = None,
    ) -> dict[str, Any]:
        """The office corrects a task: title, lead unit ("" for none), co-operating units, or the
        deadline (a correction, not an extension: the original deadline moves with it unless an
        extension was approved). Only what differs is changed; before and after go to the audit
        log. Returns the changes."""
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            return self._edit(conn, task, title, lead_unit, co_units, deadline)

    def _edit(
        self,
        conn: Connection,
        task: dict[str, Any],
        title: str | None,
        lead_unit: str | None,
        co_units: Sequence[str] | None,
        deadline: date | None,
    ) -> dict[str, Any]:
        task_id = task["id"]
        units = {int(i): n for i, n in conn.execute(select(UnitRow.id, UnitRow.name))}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        values: dict[str, Any] = {}
        if title is not None:
            title = " ".join(title.split())
            if not title:
                raise LedgerError(message("ledger.empty_title"))
            if title != task["title"]:
                before["title"], after["title"] = task["title"], title
                values["title"] = title
        lead_id = task["lead_unit_id"]
        if lead_unit is not None:
            lead_id = self.unit_id(conn, lead_unit.strip()) if lead_unit.strip() else None
            if lead_id != task["lead_unit_id"]:
                before["lead_unit"] = units.get(task["lead_unit_id"]) if task["lead_unit_id"] else None
                after["lead_unit"] = lead_unit.strip() or None
                values["lead_unit_id"] = lead_id
        if deadline is not None and deadline.isoformat() != task["deadline"]:
            if task["start_date"] and deadline.isoformat() < task["start_date"]:
                raise LedgerError(
                    message("ledger.deadline_before_start", deadline=deadline, start=task["start_date"])
                )
            values.update(
                deadline=deadline.isoformat(),
                deadline_kind="date",
                deadline_text=message(
                    "ledger.deadline_written",
                    lang="zh",
                    year=deadline.year,
                    month=deadline.month,
                    day=deadline.day,
                ),
            )
            if task["original_deadline"] in (None, task["deadline"]):
                values["original_deadline"] = deadline.isoformat()
            for k in ("deadline", "deadline_text", "deadline_kind"):
                before[k], after[k] = task[k], values[k]
        if values:
            conn.execute(update(TaskRow).where(TaskRow.id == task_id).values(**values))
        old_co = [
            int(u)
            for u in conn.scalars(
                select(TaskUnitRow.unit_id)
                .where(TaskUnitRow.task_id == task_id)
                .order_by(TaskUnitRow.position)
            )
        ]
        if co_units is not None or "lead_unit_id" in values:
            names = [
                n.strip()
                for n in (co_units if co_units is not None else [units[u] for u in old_co])
                if n.strip()
            ]
            new_co = list(
                dict.fromkeys(u for u in (self.unit_id(conn, n) for n in names) if u not in (None, lead_id))
            )
            if new_co != old_co:
                conn.execute(delete(TaskUnitRow).where(TaskUnitRow.task_id == task_id))
                self._add_co_units(conn, task_id, lead_id, names)
                names_now = {int(i): n for i, n in conn.execute(select(UnitRow.id, UnitRow.name))}
                before["co_units"] = [units[u] for u in old_co]
                after["co_units"] = [names_now[u] for u in new_co]
        if after:
            self.audit(conn, "task", task_id, "edit", before, after)
        return after

    # -- extension and closure requests ---------------------------------------------------------

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
            task = self._task_row(conn, task_id)
            if task["state"] != "active":
                raise LedgerError(
                    message(
                        "ledger.request_state",
                        code=task["code"],
                        state=message(f"task_state.{task['state']}"),
                    )
                )
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

    # -- proposals from documents ---------------------------------------------------------------

    def propose(self, document_id: int, programme: str) -> list[int]:
        """Draft tasks from a stored document's directives: addressee as candidate lead unit,
        deadline from the directive, a link back to the source span."""
        with self.store.transaction() as conn:
            doc = conn.execute(
                select(DocumentRow.id, DocumentRow.name, DocumentRow.event_date, DocumentRow.published).where(
                    DocumentRow.id == document_id
                )
            ).first()
            if doc is None:
                raise LedgerError(message("ledger.no_document", id=document_id))
            directives = (
                conn.execute(
                    select(DirectiveRow)
                    .where(DirectiveRow.document_id == document_id)
                    .order_by(DirectiveRow.start)
                )
                .mappings()
                .all()
            )
            if not directives:
                raise LedgerError(message("ledger.no_directives", id=document_id))
            day = doc.event_date or doc.published
            year = int(day[:4]) if day else None
            existing = conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.name == programme))
            taken = (
                set(conn.scalars(select(TaskRow.code).where(TaskRow.programme_id == existing)))
                if existing
                else set()
            )
            tasks = []
            for i, d in enumerate(directives, 1):
                code = f"D{document_id}.{i}"
                if code in taken:
                    continue
                tasks.append(
                    NewTask(
                        code=code,
                        title=d["text"][:200],
                        measures=d["text"],
                        lead_unit=d["addressee"],
                        deadline_text=d["deadline"],
                        state="draft",
                        start_date=date.fromisoformat(day) if day else None,
                        source={
                            "kind": "document",
                            "document_id": document_id,
                            "document": doc.name,
                            "span": [d["start"], d["end"]],
                            "speaker": d["speaker"],
                        },
                    )
                )
            return self.add_tasks(conn, programme, year, tasks) if tasks else []

    def decide_proposal(self, task_id: int, accept: bool) -> None:
        self.decide_proposals([task_id], accept)

    def decide_proposals(self, task_ids: Sequence[int], accept: bool) -> None:
        """Accept or reject proposed tasks, all of them or (when one is not a proposal) none."""
        if not task_ids:
            raise LedgerError(message("ledger.nothing_selected"))
        state = "active" if accept else "rejected"
        with self.store.transaction() as conn:
            for task_id in dict.fromkeys(task_ids):
                task = self._task_row(conn, task_id)
                if task["state"] != "draft":
                    raise LedgerError(
                        message(
                            "ledger.not_a_proposal",
                            code=task["code"],
                            state=message(f"task_state.{task['state']}"),
                        )
                    )
                conn.execute(update(TaskRow).where(TaskRow.id == task_id).values(state=state))
                self.audit(
                    conn,
                    "task",
                    task_id,
                    "accept" if accept else "reject",
                    {"state": "draft"},
                    {"state": state},
                )

    def edit_proposals(self, edits: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """Edit several proposed tasks at once (``edit_task``'s fields per task id): all or none."""
        out = {}
        with self.store.transaction() as conn:
            for task_id, fields in edits.items():
                task = self._task_row(conn, task_id)
                if task["state"] != "draft":
                    raise LedgerError(
                        message(
                            "ledger.not_a_proposal",
                            code=task["code"],
                            state=message(f"task_state.{task['state']}"),
                        )
                    )
                changed = self._edit(
                    conn,
                    task,
                    fields.get("title"),
                    fields.get("lead_unit"),
                    fields.get("co_units"),
                    fields.get("deadline"),
                )
                if changed:
                    out[task_id] = changed
        return out

    def proposals(self, as_of: date, document_id: int | None = None) -> list[TaskView]:
        """Proposed tasks (drafts), of one document's directives when ``document_id`` is given."""
        drafts = [v for v in self.tasks(as_of, include_drafts=True, states=("draft",))]
        if document_id is None:
            return drafts
        with self.store.engine.connect() as conn:
            sources = dict(
                conn.execute(
                    select(TaskRow.id, TaskRow.source).where(TaskRow.id.in_([v.id for v in drafts]))
                ).all()
            )
        return [v for v in drafts if (sources.get(v.id) or {}).get("document_id") == document_id]

    def document_tasks(self, document_id: int) -> list[dict[str, Any]]:
        """The tasks proposed from a document's directives (any state), with their source spans."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(
                    TaskRow.id,
                    TaskRow.code,
                    TaskRow.title,
                    TaskRow.state,
                    TaskRow.source,
                    ProgrammeRow.name.label("programme"),
                )
                .join(ProgrammeRow, ProgrammeRow.id == TaskRow.programme_id)
                .where(TaskRow.code.like(f"D{document_id}.%"))
                .order_by(TaskRow.id)
            ).mappings()
            return [dict(r) for r in rows if (r["source"] or {}).get("document_id") == document_id]

    # -- reading -------------------------------------------------------------------------------

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
            progress = [
                dict(r)
                for r in conn.execute(
                    select(ProgressRow)
                    .where(ProgressRow.task_id == task_id)
                    .order_by(ProgressRow.date, ProgressRow.id)
                ).mappings()
            ]
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

    # -- 催办单 ----------------------------------------------------------------------------------

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

    # -- issued reports (督查通报 第N期) and change --------------------------------------------------

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
