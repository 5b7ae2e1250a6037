"""Programmes, units and tasks: adding, merging a sheet again, correcting; evidence files (佐证材料)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, delete, func, insert, select, update

from luoshi.ledger.audit import LedgerCore
from luoshi.ledger.deadlines import parse_deadline
from luoshi.ledger.errors import LedgerError
from luoshi.ledger.evidence import EvidenceFiles, StagedFile, files_folder
from luoshi.ledger.records import (
    NewTask,
    _iso,
)
from luoshi.ledger.schema import (
    EvidenceRow,
    ProgrammeRow,
    ProgressRow,
    TaskRow,
    TaskUnitRow,
    UnitAliasRow,
    UnitRow,
)
from luoshi.ledger.units import unit_key
from luoshi.messages import message
from luoshi.store import new_id, registry


class TaskLedger(LedgerCore):
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

    def _task_in_state(
        self, conn: Connection, task_id: int, states: tuple[str, ...], refusal: str
    ) -> dict[str, Any]:
        """A task's row when its state is one of ``states``; else LedgerError with the message
        ``refusal`` naming the task's code and state (what may not be done to a task in that state)."""
        task = self._task_row(conn, task_id)
        if task["state"] not in states:
            raise LedgerError(
                message(refusal, code=task["code"], state=message(f"task_state.{task['state']}"))
            )
        return task

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
            task = self._task_in_state(conn, task_id, ("active", "closed"), "ledger.no_progress_state")
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

    def delete_evidence(self, file_id: int) -> dict[str, Any]:
        """Remove an evidence file: its record, with the audit log keeping what it was (name,
        size, hash, unit), then its content from the folder unless another record keeps the
        same content (files are kept once per content). The record removed is returned; who may
        remove which file is the caller's rule (the uploader's unit, the office)."""
        with self.store.transaction() as conn:
            row = conn.execute(select(EvidenceRow).where(EvidenceRow.id == file_id)).mappings().first()
            if row is None:
                raise LedgerError(message("evidence.no_file", id=file_id))
            conn.execute(delete(EvidenceRow).where(EvidenceRow.id == file_id))
            self.audit(
                conn,
                "evidence",
                row["task_id"],
                "delete",
                {k: row[k] for k in ("name", "size", "sha256", "unit_id")} | {"file": file_id},
                None,
            )
        # Only once the record is gone for good (a failed transaction keeps file and record).
        with self.store.engine.connect() as conn:
            shared = conn.scalar(select(func.count(EvidenceRow.id)).where(EvidenceRow.path == row["path"]))
        if not shared:
            self.files.remove(row["path"])
        return dict(row)

    def task_record(self, task_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A task's row (its source among the fields) and its progress reports, oldest first."""
        with self.store.engine.connect() as conn:
            return self._task_row(conn, task_id), self._progress_rows(conn, task_id)

    def _progress_rows(self, conn: Connection, task_id: int) -> list[dict[str, Any]]:
        """A task's progress reports, oldest first."""
        return [
            dict(r)
            for r in conn.execute(
                select(ProgressRow)
                .where(ProgressRow.task_id == task_id)
                .order_by(ProgressRow.date, ProgressRow.id)
            ).mappings()
        ]

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
