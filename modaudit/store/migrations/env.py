"""Alembic environment: runs migrations on the engine modaudit passes in, or writes their SQL.

Offline (`sql=True`), the SQL for the dialect of `sqlalchemy.url` is written instead of run: a
DBA can review it, and the test suite replays it to create PostgreSQL schemas quickly.
"""

from __future__ import annotations

from alembic import context

from modaudit.store.engine import make_engine
from modaudit.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the engine given in config.attributes (or a URL in sqlalchemy.url)."""
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by rebuilding it (batch mode), which drops a parent table its
            # children still reference: SQLite's own procedure turns foreign keys off around it
            # (outside any transaction, where the pragma works) and checks them after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                context.configure(connection=connection, target_metadata=target_metadata,
                                  render_as_batch=sqlite)
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} rows with a broken "
                                           f"foreign key (first: {tuple(broken[0])})")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def run_migrations_offline() -> None:
    """Write the migrations' SQL for the dialect of sqlalchemy.url."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
