"""Full-text index of character pairs beside single characters, contentless.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from luoshi.store import fts

    op.execute("DROP TABLE IF EXISTS document_fts")
    op.execute(
        "CREATE VIRTUAL TABLE document_fts USING fts5(tuni, tbi, uni, bi, content='', "
        "tokenize='unicode61')"
    )
    rows = bind.execute(sa.text("SELECT id, title, text FROM documents")).all()
    insert = sa.text("INSERT INTO document_fts(rowid, tuni, tbi, uni, bi) VALUES (:id, :tuni, :tbi, :uni, :bi)")
    batch = []
    for doc_id, title, body in rows:
        batch.append({"id": doc_id, **fts.index_row(title, body)})
        if len(batch) >= 1000:
            bind.execute(insert, batch)
            batch = []
    if batch:
        bind.execute(insert, batch)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS document_fts")
    op.execute("CREATE VIRTUAL TABLE document_fts USING fts5(title, body, tokenize='unicode61')")
