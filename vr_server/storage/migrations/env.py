"""Alembic environment. The server runs migrations programmatically (`storage.sql.migrate`),
passing an open connection in `config.attributes["connection"]`."""

from __future__ import annotations

from alembic import context

from vr_server.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("run migrations with `vr-server migrate` (it passes a connection)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
