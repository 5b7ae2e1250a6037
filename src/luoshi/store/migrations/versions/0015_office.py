"""The supervision office's records: 佐证材料 files of tasks, 催办单 sent to units (numbered per
year, with the tasks they press for), and issued reports (督查通报 第N期: number, office, issuer,
date) on the existing snapshots.

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("office", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("issued_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("issued_on", sa.String(length=10), nullable=True))
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("path", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=100), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"]),
        sa.ForeignKeyConstraint(["progress_id"], ["progress_reports.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["task_requests.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_files_task_id", "evidence_files", ["task_id"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.String(length=10), nullable=False),
        sa.Column("reply_by", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("office", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "number"),
    )
    op.create_index("ix_reminders_unit_id", "reminders", ["unit_id"])
    op.create_table(
        "reminder_tasks",
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"]),
        sa.PrimaryKeyConstraint("reminder_id", "task_id"),
    )
    op.create_index("ix_reminder_tasks_task_id", "reminder_tasks", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_reminder_tasks_task_id", table_name="reminder_tasks")
    op.drop_table("reminder_tasks")
    op.drop_index("ix_reminders_unit_id", table_name="reminders")
    op.drop_table("reminders")
    op.drop_index("ix_evidence_files_task_id", table_name="evidence_files")
    op.drop_table("evidence_files")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_column("issued_on")
        batch_op.drop_column("issued_by")
        batch_op.drop_column("office")
        batch_op.drop_column("number")
