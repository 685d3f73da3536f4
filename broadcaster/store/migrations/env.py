"""Alembic environment: broadcaster passes its own connection (store/db.py)."""

from alembic import context

from broadcaster.store import tables_web  # noqa: F401  (the console's tables join Base.metadata)
from broadcaster.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
