"""Alembic environment: luoshi passes its own connection in ``config.attributes``."""

from alembic import context

import luoshi.accounts.schema
import luoshi.ledger.schema  # registers the ledger tables
import luoshi.store.follow  # noqa: F401 - registers the follow-through tables
from luoshi.store.orm import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # The full-text indexes (FTS5 and its shadow tables, PostgreSQL's document_terms) are
    # created by hand in the migrations.
    include_object=lambda obj, name, type_, reflected, compare_to: (
        not (name or "").startswith(("document_fts", "document_terms", "ix_document_terms"))
    ),
)
with context.begin_transaction():
    context.run_migrations()
