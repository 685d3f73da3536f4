"""Alembic environment of the hub (not the station's): broadcaster.hub.db passes its connection.

Its version table has its own name, so a hub pointed at a station's database by mistake
fails clearly instead of mixing the two schemas.
"""

from alembic import context

from broadcaster.hub.tables import HubBase

VERSION_TABLE = "hub_alembic_version"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=HubBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
