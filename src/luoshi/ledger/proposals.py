"""Draft tasks proposed from a document's directives, and the office's decision on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, update

from luoshi.ledger.errors import LedgerError
from luoshi.ledger.read_models import ReadModels
from luoshi.ledger.records import (
    NewTask,
    TaskView,
)
from luoshi.ledger.schema import (
    ProgrammeRow,
    TaskRow,
)
from luoshi.messages import message
from luoshi.store.schema import DirectiveRow, DocumentRow


class Proposals(ReadModels):
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
                self._task_in_state(conn, task_id, ("draft",), "ledger.not_a_proposal")
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
                task = self._task_in_state(conn, task_id, ("draft",), "ledger.not_a_proposal")
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
        code = TaskRow.code if self.store.is_sqlite else TaskRow.code.collate("C")
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
                # codes "D{id}.{n}" (as ``propose`` makes them) by range: one pass over the
                # index rather than a LIKE on every task; in byte order, where "." < "/" (a
                # server's language collation may ignore punctuation and sort "D1.1" after "D1/")
                .where(code >= f"D{document_id}.", code < f"D{document_id}/")
                .order_by(TaskRow.id)
            ).mappings()
            return [dict(r) for r in rows if (r["source"] or {}).get("document_id") == document_id]
