"""The ledger's core: who acts, on which day, and the audit log every change lands in."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from luoshi.ledger.errors import LedgerError
from luoshi.ledger.evidence import EvidenceFiles
from luoshi.ledger.records import (
    HISTORY_ENTITIES,
)
from luoshi.ledger.schema import (
    AuditRow,
)
from luoshi.messages import message
from luoshi.store import Store, registry


class LedgerCore:
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
