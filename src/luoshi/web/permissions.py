"""Who may do what: one rule per action, used by the pages and the JSON API alike.

Units request, supervisors decide. A unit member acts on the tasks its unit leads (reports
progress, uploads evidence, asks for an extension or for closure) and reads the evidence of the
tasks its unit leads or co-operates on; supervisors and admins edit, schedule, decide, remind,
review proposals and issue reports; viewers read (evidence and reminders included) and change
nothing. Every role reads the ledger and the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import HTTPException
from sqlalchemy import select

from luoshi.accounts.service import ROLES, User
from luoshi.ledger.schema import EvidenceRow, TaskRow, TaskUnitRow
from luoshi.messages import message
from luoshi.store import Store


@dataclass(frozen=True)
class Scope:
    """What a rule looks at besides the user: the task's (or reminder's) units."""

    lead_unit_id: int | None = None
    co_unit_ids: frozenset[int] = field(default_factory=frozenset)


def _supervises(user: User, scope: Scope) -> bool:
    return user.can_supervise


def _leads(user: User, scope: Scope) -> bool:
    """A supervisor, or a member of the unit that leads the task."""
    return user.can_supervise or (
        user.role == "unit" and user.unit_id is not None and user.unit_id == scope.lead_unit_id
    )


def _concerned(user: User, scope: Scope) -> bool:
    """Those who read everything (supervisors, admins, viewers), or a member of a unit named on the task."""
    if user.role in ("admin", "supervisor", "viewer"):
        return True
    return (
        user.role == "unit"
        and user.unit_id is not None
        and (user.unit_id == scope.lead_unit_id or user.unit_id in scope.co_unit_ids)
    )


def _anyone(user: User, scope: Scope) -> bool:
    return user.role in ROLES


RULES: dict[str, Callable[[User, Scope], bool]] = {
    "task.read": _anyone,
    "task.report": _leads,  # 报送进展
    "task.evidence": _leads,  # upload 佐证材料
    "task.evidence.read": _concerned,  # list and download 佐证材料
    # remove a 佐证材料 file: the office, or a member of the unit it was uploaded for while the
    # task is active (the scope is ``evidence_scope``'s: the file's unit, none once 销号)
    "task.evidence.delete": _leads,
    "task.request": _leads,  # 延期申请, 办结申请
    "task.milestone.done": _leads,
    "task.decide": _supervises,  # 延期审批, 销号 with a grade, 退回
    "task.edit": _supervises,  # title, lead and co-units, deadline (audited)
    "task.schedule": _supervises,  # 倒排 milestones
    "reminder.send": _supervises,  # 催办单
    "reminder.read": _concerned,  # a 催办单: the office, viewers and the unit it is sent to
    "proposal.review": _supervises,  # edit, accept and reject proposed tasks
    "report.read": _anyone,
    "report.issue": _supervises,  # 发布 第N期
}


def allowed(user: User, action: str, scope: Scope | None = None) -> bool:
    return RULES[action](user, scope or Scope())


def require(user: User, action: str, scope: Scope | None = None) -> None:
    """403, saying who may, unless ``user`` may do ``action``."""
    if not allowed(user, action, scope):
        raise HTTPException(403, message(f"perm.{action}"))


def evidence_scope(store: Store, file_id: int) -> tuple[int, Scope]:
    """An evidence file's task and the scope of removing it: the unit it was uploaded for while
    its task is active, no unit once the task is closed (then the office alone may); 404 when
    there is no such file."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(EvidenceRow.task_id, EvidenceRow.unit_id, TaskRow.state)
            .join(TaskRow, TaskRow.id == EvidenceRow.task_id)
            .where(EvidenceRow.id == file_id)
        ).first()
    if row is None:
        raise HTTPException(404, message("evidence.no_file", id=file_id))
    return int(row.task_id), Scope(row.unit_id if row.state == "active" else None)


def task_scope(store: Store, task_id: int) -> Scope:
    """The units of a task (404 when there is no such task)."""
    with store.engine.connect() as conn:
        lead = conn.execute(select(TaskRow.lead_unit_id).where(TaskRow.id == task_id)).first()
        if lead is None:
            raise HTTPException(404, message("ledger.no_task", ref=task_id))
        co = conn.scalars(select(TaskUnitRow.unit_id).where(TaskUnitRow.task_id == task_id))
        return Scope(lead[0], frozenset(int(u) for u in co))
