"""Full-text index tokenized by FTS5's ``ascii`` tokenizer (a third faster to write than
``unicode61``; see luoshi.store.fts), rebuilt from the stored documents.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from luoshi.store.migrations.frozen import rebuild_fts5

    rebuild_fts5(bind, tokenizer="ascii")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from luoshi.store.migrations.frozen import rebuild_fts5

    rebuild_fts5(bind, tokenizer="unicode61")
