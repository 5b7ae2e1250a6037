"""The data's versions as counter rows (``luoshi.store.version``), moved in the transaction of
each change: the newest document and audit ids, used before, do not follow the order in which
concurrent PostgreSQL writers commit.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "value": 1}, {"id": 2, "value": 1}])  # DATA, DOCUMENTS


def downgrade() -> None:
    op.drop_table("data_version")
