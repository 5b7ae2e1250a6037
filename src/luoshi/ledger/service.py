"""The ledger service: every change goes through here and lands in the audit log.

``Ledger`` is the one facade callers use; its work is split by job into the modules it is
made of: ``audit`` (who acts, the audit log), ``tasks`` (programmes, units, tasks, evidence
files), ``read_models`` (tasks with their status, pages, a task's detail, reminders, issued
reports), ``workflow`` (progress, milestones, 延期/办结 requests and 销号, 催办单, issuing a
report) and ``proposals`` (draft tasks from a document's directives). The shapes they share
are in ``records``."""

from __future__ import annotations

from luoshi.ledger.errors import LedgerError
from luoshi.ledger.evidence import StagedFile
from luoshi.ledger.proposals import Proposals
from luoshi.ledger.records import GRADES, HIDDEN, NewTask, TaskPage, TaskView, completion_day
from luoshi.ledger.workflow import Workflow

__all__ = [
    "GRADES",
    "HIDDEN",
    "Ledger",
    "LedgerError",
    "NewTask",
    "StagedFile",
    "TaskPage",
    "TaskView",
    "completion_day",
]


class Ledger(Workflow, Proposals):
    """The implementation ledger of one store, acting as ``actor`` (see the modules above)."""
