"""Alembic environment: always run programmatically by companion.storage.migrate."""

from alembic import context

from companion.storage.models import all_models

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=all_models().metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
