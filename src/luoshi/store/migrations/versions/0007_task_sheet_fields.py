"""What an office writes in its 台账 besides the task: leader, contact, numbering as written, and
the date the sheet's own status (status_text) speaks of.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('seq_text', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('sheet_date', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('sheet_date')
        batch_op.drop_column('seq_text')
        batch_op.drop_column('contact')
        batch_op.drop_column('leader')
