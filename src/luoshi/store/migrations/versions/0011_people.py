"""People: sightings (a name in a document), persons as clustered, career records, the office's
merge and split decisions, and the queue of documents to read (every stored document is queued:
the people service reads them on its next run).

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_DOC = "documents.id"


def upgrade() -> None:
    op.create_table(
        "people_pending",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "person_sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], [_DOC], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "name", name="uq_person_sightings_document_name"),
    )
    op.create_index("ix_person_sightings_document_id", "person_sightings", ["document_id"])
    op.create_index("ix_person_sightings_name", "person_sightings", ["name"])
    op.create_index("ix_person_sightings_person_id", "person_sightings", ["person_id"])
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("first_seen", sa.String(length=10), nullable=True),
        sa.Column("last_seen", sa.String(length=10), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_people_name", "people", ["name"])
    op.create_index("ix_people_documents", "people", ["documents", "id"])
    op.create_table(
        "person_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=True),
        sa.Column("tier", sa.String(length=4), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("head", sa.String(length=200), nullable=False),
        sa.Column("single_holder", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.String(length=10), nullable=True),
        sa.Column("last_seen", sa.String(length=10), nullable=True),
        sa.Column("began", sa.String(length=10), nullable=True),
        sa.Column("ended", sa.String(length=10), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_posts_person_id", "person_posts", ["person_id"])
    op.create_index("ix_person_posts_post", "person_posts", ["post"])
    op.create_table(
        "person_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("together", sa.JSON(), nullable=False),
        sa.Column("apart", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_decisions_name", "person_decisions", ["name"])
    op.execute("INSERT INTO people_pending (document_id) SELECT id FROM documents")


def downgrade() -> None:
    op.drop_index("ix_person_decisions_name", table_name="person_decisions")
    op.drop_table("person_decisions")
    op.drop_index("ix_person_posts_post", table_name="person_posts")
    op.drop_index("ix_person_posts_person_id", table_name="person_posts")
    op.drop_table("person_posts")
    op.drop_index("ix_people_documents", table_name="people")
    op.drop_index("ix_people_name", table_name="people")
    op.drop_table("people")
    op.drop_index("ix_person_sightings_person_id", table_name="person_sightings")
    op.drop_index("ix_person_sightings_name", table_name="person_sightings")
    op.drop_index("ix_person_sightings_document_id", table_name="person_sightings")
    op.drop_table("person_sightings")
    op.drop_table("people_pending")
