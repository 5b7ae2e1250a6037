"""PostgreSQL full-text index: the character and pair tokens of each document as a stripped
tsvector under a GIN index (see luoshi.store.fts), filled from the stored documents. SQLite keeps
its FTS5 index (0003, 0006); nothing changes there.

Revision ID: 0009
Revises: 0007
"""

from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from luoshi.store.migrations.frozen import rebuild_pg_terms

    rebuild_pg_terms(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS document_terms")
