"""Full-text index of character pairs beside single characters, contentless.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from luoshi.store.migrations.frozen import rebuild_fts5

    rebuild_fts5(bind, tokenizer="unicode61")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS document_fts")
    op.execute("CREATE VIRTUAL TABLE document_fts USING fts5(title, body, tokenize='unicode61')")
