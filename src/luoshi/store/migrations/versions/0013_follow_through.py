"""Follow-through: phrase statistics, each directive's later mentions (a cache, filled on
demand), and the source of a progress report accepted from a later document.

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_stats",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sample", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("newest_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "follow_phrases",
        sa.Column("phrase", sa.String(length=8), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("phrase"),
    )
    op.create_table(
        "follow_runs",
        sa.Column("directive_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("newest_id", sa.Integer(), nullable=False),
        sa.Column("stats_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["directive_id"], ["directives.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("directive_id"),
    )
    op.create_table(
        "follow_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("cue", sa.String(length=60), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("aligned", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["directive_id"], ["directives.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_mentions_directive_id", "follow_mentions", ["directive_id"])
    op.create_index("ix_follow_mentions_document_id", "follow_mentions", ["document_id"])
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_column("source")
    op.drop_index("ix_follow_mentions_document_id", table_name="follow_mentions")
    op.drop_index("ix_follow_mentions_directive_id", table_name="follow_mentions")
    for table in ("follow_mentions", "follow_runs", "follow_phrases", "follow_stats"):
        op.drop_table(table)
