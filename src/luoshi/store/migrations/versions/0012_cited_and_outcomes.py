"""Cited documents and replicable outcomes: cited titles (one per key), the citations of each
document with their sentence, the short forms documents introduce, the outcomes documents
report, and the backfill marker: the documents stored before this revision (ids below the
marker) are indexed afterwards, a batch at a time, by luoshi.services.citations.catch_up.

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_DOC = "documents.id"


def upgrade() -> None:
    op.create_table(
        "cited_titles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("work_key", sa.String(length=300), nullable=False),
        sa.Column("bare_key", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_cited_titles_work_key", "cited_titles", ["work_key"])
    op.create_index("ix_cited_titles_bare_key", "cited_titles", ["bare_key"])
    op.create_table(
        "cited_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=8), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cited_mentions_document_id", "cited_mentions", ["document_id"])
    op.create_index("ix_cited_mentions_key", "cited_mentions", ["key", "form", "document_id", "day"])
    op.create_table(
        "cited_aliases",
        sa.Column("short_key", sa.String(length=300), nullable=False),
        sa.Column("full_key", sa.String(length=300), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("short_key", "full_key", "document_id"),
    )
    op.create_index("ix_cited_aliases_document_id", "cited_aliases", ["document_id"])
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_original", sa.Text(), nullable=False),
        sa.Column("zone", sa.String(length=60), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outcomes_document_id", "outcomes", ["document_id"])
    op.create_index("ix_outcomes_zone", "outcomes", ["zone"])
    op.create_index("ix_outcomes_day", "outcomes", ["day"])
    op.create_table(
        "fact_backfill",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("below", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute(
        "INSERT INTO fact_backfill (name, below) SELECT 'citations', COALESCE(MAX(id) + 1, 0) FROM documents"
    )


def downgrade() -> None:
    for table in ("fact_backfill", "outcomes", "cited_aliases", "cited_mentions", "cited_titles"):
        op.drop_table(table)
