"""Alembic environment: runs migrations on the engine modaudit passes in."""

from __future__ import annotations

from alembic import context

from modaudit.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the engine given in config.attributes (or a URL in sqlalchemy.url)."""
    engine = config.attributes.get("engine")
    if engine is None:
        from modaudit.store.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        context.run_migrations()


run_migrations_online()
