"""PostgreSQL ingest: the fact rows' references kept by construction instead of by row-level
foreign keys (issue 15). A document brings about 78 rows to ``mentions``, ``citations``,
``task_batches`` and ``directives`` (51 of them mentions); each paid a foreign-key check on
``documents``, and each mention one more on ``persons`` and an entry in ``ix_mentions_person``:
together more than half the server's time for these tables.

- ``document_id``: only the writer (``DocumentWriter.add_rows``) inserts these rows, with the ids
  its INSERT … RETURNING gave in the same transaction, so the document exists and no other
  transaction sees it before the commit. What the foreign keys did on a delete, a statement
  trigger on ``documents`` does (``luoshi_forget_facts``: the rows of the deleted documents go
  with them, in the same statement).
- ``person_id``: the writer takes each id from ``persons`` in the transaction that writes the
  mention (``DocumentWriter._person_ids_for``: read, or inserted ON CONFLICT DO NOTHING; ids
  cached for the process, forgotten on a rollback), and nothing deletes a person.
- ``ix_mentions_person``: no query reads it (the one query joining mentions to persons,
  ``Store.summary``, counts over every row).

SQLite keeps its foreign keys and the index (its checks cost little; dropping a foreign key
there means copying the table). The downgrade puts them back (the constraints validate the rows).

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FACT_TABLES = ("mentions", "citations", "task_batches", "directives")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in FACT_TABLES:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_document_id_fkey")
    deletes = " ".join(f"DELETE FROM {t} WHERE document_id IN (SELECT id FROM gone);" for t in FACT_TABLES)
    op.execute(
        "CREATE OR REPLACE FUNCTION luoshi_forget_facts() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {deletes} RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER luoshi_forget_facts AFTER DELETE ON documents REFERENCING OLD TABLE AS gone "
        "FOR EACH STATEMENT EXECUTE FUNCTION luoshi_forget_facts()"
    )
    op.execute("ALTER TABLE mentions DROP CONSTRAINT IF EXISTS mentions_person_id_fkey")
    op.execute("DROP INDEX IF EXISTS ix_mentions_person")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_mentions_person ON mentions (person_id)")
    op.execute(
        "ALTER TABLE mentions ADD CONSTRAINT mentions_person_id_fkey FOREIGN KEY (person_id) REFERENCES persons (id)"
    )
    op.execute("DROP TRIGGER IF EXISTS luoshi_forget_facts ON documents")
    op.execute("DROP FUNCTION IF EXISTS luoshi_forget_facts()")
    for table in FACT_TABLES:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_document_id_fkey "
            "FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE"
        )
