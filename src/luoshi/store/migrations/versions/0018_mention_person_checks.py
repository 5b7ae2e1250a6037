"""PostgreSQL ingest: the mentions' reference to persons is kept by construction, without its
foreign key and index (issue 15). Each of a document's ~51 mention rows paid a foreign-key check
on ``persons`` (a third of the cost of writing mentions) and an entry in ``ix_mentions_person``,
an index no query reads (the one query joining mentions to persons, ``Store.summary``, counts
over every row). The writer takes each person's id from ``persons`` in the transaction that
writes the mention (``DocumentWriter._person_ids_for``: read, or inserted ON CONFLICT DO
NOTHING, ids cached for the process and forgotten on a rollback), and nothing deletes a person.
SQLite keeps both (its checks cost little, and dropping a foreign key means copying the table).
The downgrade puts both back (the constraint validates the rows).

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE mentions DROP CONSTRAINT IF EXISTS mentions_person_id_fkey")
    op.execute("DROP INDEX IF EXISTS ix_mentions_person")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_mentions_person ON mentions (person_id)")
    op.execute(
        "ALTER TABLE mentions ADD CONSTRAINT mentions_person_id_fkey FOREIGN KEY (person_id) REFERENCES persons (id)"
    )
