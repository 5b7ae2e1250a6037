"""Reprints: LSH band keys, signatures, verified pairs and stories; the stored documents are
linked, a batch at a time (luoshi.store.stories.rebuild).

Revision ID: 0010
Revises: 0009
"""

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_DOC = "documents.id"


def upgrade() -> None:
    op.create_table(
        "reprint_bands",
        sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band_key", "document_id"),
    )
    op.create_table(
        "reprint_signatures",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "reprint_pairs",
        sa.Column("first_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("second_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("jaccard", sa.Float(), nullable=False),
        sa.Column("containment", sa.Float(), nullable=False),
        sa.Column("verbatim", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["first_id"], [_DOC], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["second_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("first_id", "second_id"),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("canonical_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["canonical_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "story_members",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_story_members_story_id", "story_members", ["story_id"])
    from luoshi.store import stories

    stories.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_story_members_story_id", table_name="story_members")
    for table in ("story_members", "stories", "reprint_pairs", "reprint_signatures", "reprint_bands"):
        op.drop_table(table)
