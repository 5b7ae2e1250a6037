"""Alembic environment: luoshi passes its own connection in ``config.attributes``."""

from alembic import context

from luoshi.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
