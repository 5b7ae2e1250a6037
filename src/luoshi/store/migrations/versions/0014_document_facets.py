"""What the document pages filter and count by, as indexed columns of documents: the year of a
document's day, its region (place) and its meeting kind; script and source get indexes. Stored
documents are filled from their facts JSON a batch at a time, by the rule frozen below (the same
rule luoshi.store.listing.facet_values applies at ingest today; this copy never changes).

Revision ID: 0014
Revises: 0013
"""

import json
from typing import Any

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 1000
INDEXED = ("year", "place", "meeting_kind", "script", "source_site")


def _facets(event_date: str | None, published: str | None, facts: Any) -> tuple[Any, ...]:
    """(year, place, meeting kind) of one stored document, as of revision 0014."""
    if isinstance(facts, str):
        facts = json.loads(facts)
    facts = facts or {}
    day = event_date or published or ""
    year = int(day[:4]) if day[:4].isdigit() else None
    kinds = [m.get("kind") for m in facts.get("meetings") or [] if m.get("kind")]
    places = [p for p in facts.get("places") or [] if p.get("name")]
    admin = [p["name"] for p in places if p.get("kind") == "admin"]
    named = admin or [p["name"] for p in places]
    named = named or [m.get("place") for m in facts.get("meetings") or [] if m.get("place")]
    return year, (named[0][:60] if named else None), (kinds[0][:40] if kinds else None)


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("meeting_kind", sa.String(length=40), nullable=True))
    conn = op.get_bind()
    after = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT id, event_date, published, facts FROM documents WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": BATCH},
        ).all()
        if not rows:
            break
        values = []
        for doc_id, event_date, published, facts in rows:
            year, place, kind = _facets(event_date, published, facts)
            values.append({"id": doc_id, "year": year, "place": place, "kind": kind})
        conn.execute(sa.text("UPDATE documents SET year = :year, place = :place, meeting_kind = :kind WHERE id = :id"),
                     values)
        after = rows[-1][0]
    for column in INDEXED:
        op.create_index(f"ix_documents_{column}", "documents", [column])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(f"ix_documents_{column}", table_name="documents")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("meeting_kind")
        batch_op.drop_column("place")
        batch_op.drop_column("year")
