"""Batches written by the workers of a distributed ingest run (``luoshi ingest --workers``),
so that a task run again after its worker died stores nothing twice.

Revision ID: 0016
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "written_batches",
        sa.Column("run", sa.String(length=32), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("batch", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run", "part", "batch"),
    )


def downgrade() -> None:
    op.drop_table("written_batches")
