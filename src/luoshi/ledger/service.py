"""The ledger service: every change goes through here and lands in the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select, update

from luoshi.errors import LedgerError
from luoshi.ledger.deadlines import Deadline, parse_deadline
from luoshi.ledger.schema import (
    AuditRow,
    MilestoneRow,
    ProgrammeRow,
    ProgressRow,
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
from luoshi.store import Store, registry
from luoshi.store.cache import VersionedCache
from luoshi.store.db import new_id
from luoshi.store.schema import DirectiveRow, DocumentRow

GRADES = ("优秀", "良好", "合格", "不合格")
TASK_FIELDS = ("code", "area", "title", "measures", "lead_unit_id", "deadline_text", "deadline_kind",
               "deadline", "original_deadline", "start_date", "state", "done_date", "grade",
               "status_text", "notes", "parent_id", "leader", "contact", "seq_text", "sheet_date")  # fmt: skip


TaskSelect = Select[TaskRow, str, int | None]  # a task row, its programme's name and year
HIDDEN = ("draft", "rejected")  # states a ledger page does not list among its tasks
_STATUSES: VersionedCache[dict[int, str]] = VersionedCache(16)  # see Ledger.statuses


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

    @property
    def sheet_status(self) -> str | None:
        """The office's own status word (完成状态 as written)."""
        return self.status_text

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if k != "status"}
        out.update(status=self.status.status, colour=self.status.colour, rule=self.status.rule,
                   status_reason=self.status.rule, status_flag=self.status.flag, sheet_status=self.status_text,
                   progress=self.progress_text, updated=self.last_report)  # fmt: skip
        return out


@dataclass
class TaskPage:
    """One page of tasks and how many there are in all."""

    total: int
    views: list[TaskView]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


class Ledger:
    def __init__(self, store: Store, actor: str = "system") -> None:
        self.store = store
        self.actor = actor

    # -- audit ---------------------------------------------------------------------------------

    def audit(self, conn: Connection, entity: str, entity_id: int | None, action: str,
              before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:  # fmt: skip
        registry.audit(conn, self.actor, entity, entity_id, action, before, after)

    def history(self, task_id: int) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(AuditRow).where(AuditRow.entity_id == task_id, AuditRow.entity.in_(("task", "progress", "request", "milestone")))
                .order_by(AuditRow.id)
            ).mappings()  # fmt: skip
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
                conn.scalar(select(TaskRow.id).where(TaskRow.programme_id == pid, TaskRow.code == t.parent_code))
                if t.parent_code else None
            )  # fmt: skip
            values = {
                "programme_id": pid, "parent_id": parent_id, "code": t.code, "area": t.area, "title": t.title,
                "measures": t.measures,
                "lead_unit_id": lead_id,
                "deadline_text": t.deadline_text, "deadline_kind": dl.kind,
                "deadline": _iso(dl.date), "original_deadline": _iso(dl.date),
                "start_date": _iso(t.start_date or (date(year, 1, 1) if year else None)),
                "state": t.state, "status_text": t.status_text, "notes": t.notes, "source": t.source,
                "leader": t.leader, "contact": t.contact, "seq_text": t.seq_text, "sheet_date": _iso(t.sheet_date),
                "done_date": _iso(t.done_date),
            }  # fmt: skip
            tid = new_id(conn.execute(insert(TaskRow), values))
            self._add_co_units(conn, tid, lead_id, t.co_units, unit)
            self.audit(conn, "task", tid, "create", None,
                       {k: v for k, v in values.items() if k != "source"} | {"co_units": t.co_units})  # fmt: skip
            reports = list(t.reports)
            if t.progress_text and not reports:
                reports.append((None, t.progress_text))
            for i, (day, text) in enumerate(reports):
                # A progress text is a report on the sheet's date (not on 1 January); the percent
                # written beside it goes with the latest one.
                on = day or t.sheet_date or t.start_date or (date(year, 1, 1) if year else date.today())
                percent = t.percent if i == len(reports) - 1 else None
                conn.execute(insert(ProgressRow), {"task_id": tid, "date": on.isoformat(), "text": text,
                                                   "percent": percent, "reporter": self.actor})  # fmt: skip
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
            for tid, uid in conn.execute(select(TaskUnitRow.task_id, TaskUnitRow.unit_id)
                                         .where(TaskUnitRow.task_id.in_(chunk)).order_by(TaskUnitRow.position)):  # fmt: skip
                co_of.setdefault(tid, []).append(uid)
            for tid, text in conn.execute(select(ProgressRow.task_id, ProgressRow.text)
                                          .where(ProgressRow.task_id.in_(chunk))
                                          .order_by(ProgressRow.date, ProgressRow.id)):  # fmt: skip
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
            new_co_ids = list(dict.fromkeys(u for u in (unit(n) for n in t.co_units)
                                            if u is not None and u != lead_id))  # fmt: skip
            diff: dict[str, list[Any]] = {}
            values: dict[str, Any] = {}
            for name, before, after in (
                ("code", old["code"], t.code), ("measures", old["measures"], t.measures),
                ("deadline_text", old["deadline_text"], t.deadline_text), ("leader", old["leader"], t.leader),
                ("contact", old["contact"], t.contact), ("status_text", old["status_text"], t.status_text),
                ("notes", old["notes"], t.notes), ("seq_text", old["seq_text"], t.seq_text),
                ("sheet_date", old["sheet_date"], _iso(t.sheet_date)),
            ):  # fmt: skip
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
                    conn.execute(insert(ProgressRow).values(task_id=old["id"], date=on.isoformat(), text=text,
                                                            percent=t.percent, reporter=self.actor))  # fmt: skip
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

    def _add_co_units(self, conn: Connection, tid: int, lead_id: int | None, names: list[str],
                      unit: Callable[[str], int | None] | None = None) -> None:  # fmt: skip
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

    def report_progress(self, task_id: int, on: date, text: str, percent: int | None = None,
                        unit: str | None = None, evidence: str | None = None) -> int:  # fmt: skip
        if percent is not None and not 0 <= percent <= 100:
            raise LedgerError(message("ledger.bad_percent", percent=percent))
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            if task["state"] in ("rejected", "draft"):
                raise LedgerError(message("ledger.no_progress_state", code=task["code"], state=task["state"]))
            uid = self.unit_id(conn, unit) if unit else task["lead_unit_id"]
            values = {"task_id": task_id, "date": on.isoformat(), "unit_id": uid, "text": text,
                      "percent": percent, "evidence": evidence, "reporter": self.actor}  # fmt: skip
            rid = new_id(conn.execute(insert(ProgressRow).values(**values)))
            self.audit(conn, "progress", task_id, "report", None, values)
            if percent == 100 and not task["done_date"]:
                conn.execute(update(TaskRow).where(TaskRow.id == task_id).values(done_date=on.isoformat()))
                self.audit(
                    conn, "task", task_id, "update", {"done_date": None}, {"done_date": on.isoformat()}
                )
            return rid

    def schedule_milestones(self, task_id: int, offsets: dict[str, int]) -> dict[str, date]:
        """倒排: milestone dates counted back in working days from the task's deadline."""
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            if not task["deadline"]:
                raise LedgerError(message("ledger.no_deadline_to_schedule", code=task["code"]))
            dates = backward_schedule(date.fromisoformat(task["deadline"]), offsets)
            for title, due in dates.items():
                values = {"task_id": task_id, "title": title, "workdays_before_deadline": offsets[title],
                          "due": due.isoformat()}  # fmt: skip
                conn.execute(insert(MilestoneRow).values(**values))
                self.audit(conn, "milestone", task_id, "create", None, values)
            return dates

    # -- extension and closure requests ---------------------------------------------------------

    def request(self, task_id: int, kind: str, on: date, text: str, new_deadline: date | None = None) -> int:
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            if kind == "extension":
                if new_deadline is None:
                    raise LedgerError(message("ledger.extension_needs_date"))
                if task["deadline"] and on > date.fromisoformat(task["deadline"]):
                    raise LedgerError(message("ledger.extension_late", on=on, deadline=task["deadline"]))
            elif kind != "closure":
                raise LedgerError(message("ledger.unknown_request", kind=kind))
            values = {"task_id": task_id, "kind": kind, "date": on.isoformat(), "text": text,
                      "new_deadline": _iso(new_deadline), "actor": self.actor}  # fmt: skip
            rid = new_id(conn.execute(insert(RequestRow).values(**values)))
            self.audit(conn, "request", task_id, f"{kind}-request", None, values)
            return rid

    def decide(self, request_id: int, accept: bool, on: date, grade: str | None = None) -> None:
        with self.store.transaction() as conn:
            req = conn.execute(select(RequestRow).where(RequestRow.id == request_id)).mappings().first()
            if req is None:
                raise LedgerError(message("ledger.no_request", id=request_id))
            if req["decision"] != "pending":
                raise LedgerError(message("ledger.already_decided", id=request_id, decision=req["decision"]))
            if req["kind"] == "closure" and accept and grade not in GRADES:
                raise LedgerError(message("ledger.needs_grade", grades="/".join(GRADES)))
            decision = ("approved" if accept else "refused") if req["kind"] == "extension" else (
                "accepted" if accept else "returned")  # fmt: skip
            conn.execute(update(RequestRow).where(RequestRow.id == request_id)
                         .values(decision=decision, decided_on=on.isoformat(), grade=grade))  # fmt: skip
            self.audit(conn, "request", req["task_id"], f"{req['kind']}-{decision}", {"decision": "pending"},
                       {"decision": decision, "grade": grade})  # fmt: skip
            task = self._task_row(conn, req["task_id"])
            if req["kind"] == "extension" and accept:
                change = {"deadline": req["new_deadline"]}
            elif req["kind"] == "closure" and accept:
                change = {"state": "closed", "grade": grade, "done_date": task["done_date"] or req["date"]}
            else:
                return
            conn.execute(update(TaskRow).where(TaskRow.id == req["task_id"]).values(**change))
            self.audit(conn, "task", req["task_id"], "update", {k: task[k] for k in change}, change)

    # -- proposals from documents ---------------------------------------------------------------

    def propose(self, document_id: int, programme: str) -> list[int]:
        """Draft tasks from a stored document's directives: addressee as candidate lead unit,
        deadline from the directive, a link back to the source span."""
        with self.store.transaction() as conn:
            doc = conn.execute(select(DocumentRow.id, DocumentRow.name, DocumentRow.event_date, DocumentRow.published)
                               .where(DocumentRow.id == document_id)).first()  # fmt: skip
            if doc is None:
                raise LedgerError(message("ledger.no_document", id=document_id))
            directives = conn.execute(select(DirectiveRow).where(DirectiveRow.document_id == document_id)
                                      .order_by(DirectiveRow.start)).mappings().all()  # fmt: skip
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
                tasks.append(NewTask(
                    code=code, title=d["text"][:200], measures=d["text"], lead_unit=d["addressee"],
                    deadline_text=d["deadline"], state="draft",
                    start_date=date.fromisoformat(day) if day else None,
                    source={"kind": "document", "document_id": document_id, "document": doc.name,
                            "span": [d["start"], d["end"]], "speaker": d["speaker"]},
                ))  # fmt: skip
            return self.add_tasks(conn, programme, year, tasks) if tasks else []

    def decide_proposal(self, task_id: int, accept: bool) -> None:
        with self.store.transaction() as conn:
            task = self._task_row(conn, task_id)
            if task["state"] != "draft":
                raise LedgerError(message("ledger.not_a_proposal", code=task["code"], state=task["state"]))
            state = "active" if accept else "rejected"
            conn.execute(update(TaskRow).where(TaskRow.id == task_id).values(state=state))
            self.audit(
                conn, "task", task_id, "accept" if accept else "reject", {"state": "draft"}, {"state": state}
            )

    # -- reading -------------------------------------------------------------------------------

    def tasks(self, as_of: date, programme: str | None = None, rules: StatusRules | None = None,
              include_drafts: bool = False, include_rejected: bool = False) -> list[TaskView]:  # fmt: skip
        """Every task (of ``programme``) with its status as of ``as_of``."""
        hidden = (*(() if include_drafts else ("draft",)), *(() if include_rejected else ("rejected",)))
        with self.store.engine.connect() as conn:
            stmt = self._task_select(programme, None, hidden)
            rows = conn.execute(stmt.order_by(TaskRow.programme_id, TaskRow.id)).all()
            return self._views(conn, rows, as_of, rules, everything=True)

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

    def _views(self, conn: Connection, rows: Sequence[Any], as_of: date, rules: StatusRules | None,
               everything: bool = False) -> list[TaskView]:  # fmt: skip
        """The views of these task rows: their units, latest progress and status as of ``as_of``,
        read for these tasks only (``everything``: the rows are every task; read all at once)."""
        rules = rules or PRESETS["supervision-office"]
        ids = [r.id for r in rows]
        units: dict[int, str] = {}
        co: dict[int, list[str]] = {}
        latest: dict[int, tuple[str, int | None, str]] = {}
        best_percent: dict[int, int | None] = {}
        progress = select(ProgressRow.task_id, ProgressRow.date, ProgressRow.percent, ProgressRow.text).where(
            ProgressRow.date <= as_of.isoformat()
        )
        co_units = select(TaskUnitRow.task_id, TaskUnitRow.unit_id)
        for chunk in [ids] if everything else [ids[k : k + 500] for k in range(0, len(ids), 500)]:
            where_co = co_units if everything else co_units.where(TaskUnitRow.task_id.in_(chunk))
            pairs = conn.execute(where_co.order_by(TaskUnitRow.position)).all()
            wanted = {u for _, u in pairs} | {r.lead_unit_id for r in rows if r.lead_unit_id is not None}
            missing = wanted - units.keys()
            if everything:
                units.update((int(i), n) for i, n in conn.execute(select(UnitRow.id, UnitRow.name)))
            elif missing:
                units.update((int(i), n) for i, n in conn.execute(select(UnitRow.id, UnitRow.name)
                                                                   .where(UnitRow.id.in_(missing))))  # fmt: skip
            for tid, uid in pairs:
                co.setdefault(tid, []).append(units[uid])
            where_progress = progress if everything else progress.where(ProgressRow.task_id.in_(chunk))
            for tid, day, percent, text in conn.execute(
                where_progress.order_by(ProgressRow.date, ProgressRow.id)
            ):
                latest[tid] = (day, percent, text)
                if percent is not None:
                    best_percent[tid] = percent
        out = []
        for row in rows:
            t = row
            last = latest.get(t.id)
            percent = best_percent.get(t.id)
            done = _date(t.done_date) if t.done_date and t.done_date <= as_of.isoformat() else None
            state = TaskState(t.deadline_kind, _date(t.deadline), _date(t.original_deadline), _date(t.start_date),
                              done, percent, _date(last[0]) if last else None, t.status_text,
                              _date(t.sheet_date), row.year)  # fmt: skip
            out.append(TaskView(
                t.id, row.programme_name, t.code, t.title, t.area, t.measures, units.get(t.lead_unit_id),
                co.get(t.id, []), t.deadline_text, t.deadline, t.original_deadline, t.state, t.done_date, percent,
                last[0] if last else None, last[2] if last else None,
                compute_status(state, as_of, rules), t.notes, t.status_text, t.parent_id,
                t.leader, t.contact, t.seq_text, t.sheet_date, bool((t.source or {}).get("category")),
            ))  # fmt: skip
        return out

    def task_page(
        self, as_of: date, programme: str | None = None, unit: str | None = None, status: str | None = None,
        limit: int = 50, offset: int = 0, rules: StatusRules | None = None, hidden: tuple[str, ...] = HIDDEN,
    ) -> TaskPage:  # fmt: skip
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
                ids = wanted[offset : offset + limit]
                rows = {r.id: r for r in conn.execute(stmt.where(TaskRow.id.in_(ids)))} if ids else {}
                return TaskPage(
                    len(wanted), self._views(conn, [rows[i] for i in ids if i in rows], as_of, rules)
                )
            total = conn.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            page = list(
                conn.execute(stmt.order_by(TaskRow.programme_id, TaskRow.id).limit(limit).offset(offset))
            )
            return TaskPage(total, self._views(conn, page, as_of, rules))

    def drafts(self, as_of: date, limit: int = 200) -> list[TaskView]:
        """Proposed tasks awaiting a decision (the oldest first)."""
        with self.store.engine.connect() as conn:
            stmt = (
                self._task_select(None, None)
                .where(TaskRow.state == "draft")
                .order_by(TaskRow.id)
                .limit(limit)
            )
            return self._views(conn, list(conn.execute(stmt)), as_of, None)

    def lead_units(self, programme: str | None = None) -> list[str]:
        """The names of the units that lead a listed task (of ``programme``), in name order."""
        stmt = self._task_select(programme, None, HIDDEN).subquery()
        with self.store.engine.connect() as conn:
            return list(conn.scalars(select(UnitRow.name).where(UnitRow.id.in_(select(stmt.c.lead_unit_id)))
                                     .order_by(UnitRow.name)))  # fmt: skip

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
        return _STATUSES.get(key, self.store.data_version(),
                             lambda: {v.id: v.status.status for v in self.tasks(as_of, programme, rules)})  # fmt: skip

    def task_detail(self, task_id: int, as_of: date) -> dict[str, Any]:
        with self.store.engine.connect() as conn:
            found = conn.execute(self._task_select(None, None).where(TaskRow.id == task_id)).all()
            if not found:
                raise LedgerError(message("ledger.no_task", ref=task_id))
            view = self._views(conn, found, as_of, None)[0]
            task = self._task_row(conn, task_id)
            milestones = [dict(r) for r in conn.execute(select(MilestoneRow).where(MilestoneRow.task_id == task_id)
                                                        .order_by(MilestoneRow.due)).mappings()]  # fmt: skip
            progress = [dict(r) for r in conn.execute(select(ProgressRow).where(ProgressRow.task_id == task_id)
                                                      .order_by(ProgressRow.date, ProgressRow.id)).mappings()]  # fmt: skip
            requests = [dict(r) for r in conn.execute(select(RequestRow).where(RequestRow.task_id == task_id)
                                                      .order_by(RequestRow.id)).mappings()]  # fmt: skip
        return {**view.to_json(), "source": task["source"], "milestones": milestones, "progress": progress,
                "requests": requests}  # fmt: skip

    def reminders(
        self, as_of: date, rules: StatusRules | None = None
    ) -> dict[str, dict[str, list[TaskView]]]:
        """Per lead unit: what is overdue, due soon, or awaits a report."""
        rules = rules or PRESETS["supervision-office"]
        out: dict[str, dict[str, list[TaskView]]] = {}
        for t in self.tasks(as_of, rules=rules):
            if t.status.status in ("done", "done_late"):
                continue
            unit = t.lead_unit or "(no lead unit)"
            bucket = out.setdefault(unit, {"overdue": [], "due_soon": [], "awaiting_report": []})
            if t.status.status == "overdue":
                bucket["overdue"].append(t)
            elif t.deadline and 0 <= (date.fromisoformat(t.deadline) - as_of).days <= max(
                rules.reminder_days, 7
            ):
                bucket["due_soon"].append(t)
            if (
                t.last_report is None
                or (as_of - date.fromisoformat(t.last_report)).days > rules.stale_report_days
            ):
                bucket["awaiting_report"].append(t)
        return {u: b for u, b in out.items() if any(b.values())}

    # -- snapshots and change ------------------------------------------------------------------

    def programmes(self) -> list[str]:
        """The names of every programme (台账), in name order."""
        with self.store.engine.connect() as conn:
            return list(conn.scalars(select(ProgrammeRow.name).order_by(ProgrammeRow.name)))

    def snapshot(self, as_of: date, programme: str | None = None) -> dict[str, Any]:
        data = {str(t.id): {"code": t.code, "status": t.status.status, "deadline": t.deadline, "percent": t.percent}
                for t in self.tasks(as_of, programme)}  # fmt: skip
        with self.store.transaction() as conn:
            pid = (
                conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.name == programme))
                if programme
                else None
            )
            conn.execute(insert(SnapshotRow).values(programme_id=pid, as_of=as_of.isoformat(), data=data))
        return data

    def changes(self, since: date, until: date, programme: str | None = None,
                current: list[TaskView] | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """What changed between two dates: status, deadline and progress, task by task.
        ``current`` may pass the tasks as of ``until`` when the caller has them already."""
        before = {t.id: t for t in self.tasks(since, programme)}
        out = []
        for t in current if current is not None else self.tasks(until, programme):
            b = before.get(t.id)
            diff = {}
            for name, old, new in (
                ("status", b.status.status if b else None, t.status.status),
                ("deadline", b.deadline if b else None, t.deadline),
                ("percent", b.percent if b else None, t.percent),
            ):
                if old != new:
                    diff[name] = [old, new]
            if diff:
                out.append({"task": t.code, "title": t.title, "changes": diff})
        return out
