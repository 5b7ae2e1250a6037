"""Reading a document back, the data version, and the figures over documents and their facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select, text

from luoshi.model import Document
from luoshi.store.schema import (
    CitationRow,
    DirectiveRow,
    DocumentRow,
    MentionRow,
    PersonRow,
    RejectionRow,
    TaskBatchRow,
)
from luoshi.text import OffsetMap, to_simplified


class DocumentQueries:
    """The reading half of ``Store`` beside search."""

    engine: Engine

    def load_document(self, doc_id: int) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(DocumentRow).where(DocumentRow.id == doc_id)).mappings().first()
        if row is None:
            return None
        return Document(
            id=row["name"],
            original=row["original"],
            text=row["text"],
            simplified=to_simplified(row["text"]),
            offsets=OffsetMap.from_json(row["offsets"], len(row["text"])),
            title=row["title"],
            published=row["published"],
            source_url=row["source_url"],
            source_site=row["source_site"],
            source_path=row["source_path"],
            source_format=row["source_format"],
            encoding=row["encoding"],
            script=row["script"],
            content_hash=row["content_hash"],
            metadata=dict(row["meta"] or {}),
        )

    def data_version(self) -> tuple[int, int]:
        """Changes whenever a document is added or anything in the ledger changes (every
        ledger change is in the audit log)."""
        from luoshi.store.schema import AuditRow

        newest = select(func.max(DocumentRow.id)).scalar_subquery()
        audited = select(func.max(AuditRow.id)).scalar_subquery()
        with self.engine.connect() as conn:  # one statement: read on every request of a kept page
            row = conn.execute(select(newest, audited)).one()
            return row[0] or 0, row[1] or 0

    def document_facts(self, doc_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(DocumentRow.facts).where(DocumentRow.id == doc_id))

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "documents": conn.scalar(select(func.count(DocumentRow.id))) or 0,
                "persons": conn.scalar(select(func.count(PersonRow.id))) or 0,
                "citations": conn.scalar(select(func.count(CitationRow.id))) or 0,
                "task_batches": conn.scalar(select(func.count(TaskBatchRow.id))) or 0,
                "directives": conn.scalar(select(func.count(DirectiveRow.id))) or 0,
                "rejections": conn.scalar(select(func.count(RejectionRow.id))) or 0,
            }

    def summary(self, top: int = 8) -> dict[str, Any]:
        """Figures for the demo and the dashboard."""
        with self.engine.connect() as conn:
            first, last = conn.execute(
                select(
                    func.min(func.coalesce(DocumentRow.event_date, DocumentRow.published)),
                    func.max(func.coalesce(DocumentRow.event_date, DocumentRow.published)),
                )
            ).one()
            cited = conn.execute(
                select(CitationRow.title, func.count(func.distinct(CitationRow.document_id)).label("n"))
                .group_by(CitationRow.title)
                .order_by(text("n DESC"), CitationRow.title)
                .limit(top)
            ).all()
            officials = conn.execute(
                select(PersonRow.name, func.count(func.distinct(MentionRow.document_id)).label("n"))
                .join(MentionRow, MentionRow.person_id == PersonRow.id)
                .group_by(PersonRow.name)
                .order_by(text("n DESC"), PersonRow.name)
                .limit(top)
            ).all()
            rejections = conn.execute(
                select(RejectionRow.key, RejectionRow.reason).order_by(RejectionRow.id)
            ).all()
        return {
            **self.counts(),
            "date_range": [first, last],
            "top_cited": [(t, n) for t, n in cited],
            "top_officials": [(p, n) for p, n in officials],
            "rejected": [(k, r) for k, r in rejections],
        }
