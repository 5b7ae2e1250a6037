"""Alembic environment: luoshi passes its own connection in ``config.attributes``."""

from alembic import context

import luoshi.accounts.schema
import luoshi.ledger.schema  # noqa: F401 - registers the ledger tables
from luoshi.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # The FTS5 index and its shadow tables are created by hand in the migrations.
    include_object=lambda obj, name, type_, reflected, compare_to: (
        not (name or "").startswith("document_fts")
    ),
)
with context.begin_transaction():
    context.run_migrations()
