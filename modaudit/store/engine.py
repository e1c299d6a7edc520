"""Engines on the evidence store, and the schema gate: migrate, refuse a newer or drifted schema."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from modaudit.clock import utcnow as utcnow  # re-exported: the clock lives in modaudit/clock.py
from modaudit.config import DatabaseConfig
from modaudit.store.schema import Base


class SchemaError(Exception):
    """The database's schema does not match this version of modaudit."""


class StoreUnavailable(SchemaError):
    """The configured SQLite file cannot be used as it is: its folder or the file is missing."""


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, or None (another database, or in memory)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database)


def folder_problem(path: Path) -> str | None:
    """Why SQLite cannot create or write `path` in its folder (naming both, with the fix), or None."""
    if not path.parent.is_dir():
        return (f"the folder {path.parent} of the database {path.name} does not exist; create it "
                f"(mkdir -m 700 -p {path.parent}), or fix database.url")
    if not os.access(path.parent, os.W_OK):
        return f"the folder {path.parent} is not writable by this user; SQLite needs it"
    return None


def _create_owner_only(path: Path) -> None:
    """Create the empty SQLite file readable by its owner only: it holds personal data, and SQLite
    gives its -wal and -shm files the database file's permissions."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:  # created meanwhile by another process: its mode is its own
        pass


def make_engine(url: str, pool_size: int | None = None, *, lock_timeout: float | None = None,
                statement_timeout: float | None = None) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout.

    `pool_size` caps a server database's connections at exactly that many (a worker's bound).
    On PostgreSQL every transaction gets `lock_timeout` and `statement_timeout` (seconds), so a
    lock held elsewhere fails one account's run instead of blocking the night.
    """
    is_sqlite = url.startswith("sqlite")
    path = sqlite_file(url) if is_sqlite else None
    if path is not None and not path.exists() and path.parent.is_dir():
        _create_owner_only(path)
    connect_args = {"timeout": 30} if is_sqlite else {}
    pool: dict[str, Any] = {"pool_size": pool_size, "max_overflow": 0} if pool_size and not is_sqlite else {}
    engine = create_engine(url, connect_args=connect_args, future=True, **pool)
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql" and (lock_timeout or statement_timeout):
        settings = [f"SET LOCAL {name} = {int(seconds * 1000)}"
                    for name, seconds in (("lock_timeout", lock_timeout),
                                          ("statement_timeout", statement_timeout)) if seconds]

        def on_begin(connection: Any) -> None:
            for statement in settings:
                connection.exec_driver_sql(statement)

        event.listen(engine, "begin", on_begin)
    return engine


def engine_for(database: DatabaseConfig, pool_size: int | None = None) -> Engine:
    """An engine on the configured database, with its timeouts; a SQLite file whose folder is
    missing is refused naming the folder (SQLite's own word is "unable to open database file")."""
    path = sqlite_file(database.url)
    problem = folder_problem(path) if path is not None else None
    if problem:
        raise StoreUnavailable(problem)
    return make_engine(database.url, pool_size, lock_timeout=database.lock_timeout_seconds,
                       statement_timeout=database.statement_timeout_seconds)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrations_dir() -> Path:
    """Where the Alembic scripts live (the `migrations` folder beside this module)."""
    return Path(__file__).with_name("migrations")


def _alembic_config(engine: Engine | None, output: io.StringIO | None = None) -> Any:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig(output_buffer=output)
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def upgrade_sql(url: str) -> str:
    """The SQL that migrates an empty database of `url`'s dialect to head (Alembic offline mode)."""
    from alembic import command

    buffer = io.StringIO()
    config = _alembic_config(None, output=buffer)
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head", sql=True)
    return buffer.getvalue()


def head_revision() -> str:
    """The newest schema revision this code knows."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory(str(migrations_dir())).get_current_head())


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty one."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to head; idempotent. Returns (before, after) revisions.

    Afterwards the live tables are compared with the models: a database whose revision says
    "current" while tables or columns are missing (dropped by hand, a half-restored dump) is
    refused, naming them.
    """
    from alembic import command

    before = current_revision(engine)
    _refuse_newer(before)
    command.upgrade(_alembic_config(engine), "head")
    drift = schema_drift(engine)
    if drift:
        raise SchemaError(f"the database says schema {head_revision()} but does not match it: "
                          f"{'; '.join(drift)}. Restore it from a backup: evidence that was in those "
                          "tables cannot be collected again")
    return before, head_revision()


def schema_drift(engine: Engine) -> list[str]:
    """What the live schema lacks compared with the models (missing tables, missing columns)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    missing_tables = sorted(d[1].name for d in differences if isinstance(d, tuple)
                            and d[0] == "add_table")
    missing_columns = sorted(f"{d[2]}.{d[3].name}" for d in differences if isinstance(d, tuple)
                             and d[0] == "add_column")
    problems = []
    if missing_tables:
        problems.append(f"missing tables: {', '.join(missing_tables)}")
    if missing_columns:
        problems.append(f"missing columns: {', '.join(missing_columns)}")
    return problems


def _refuse_newer(revision: str | None) -> None:
    from alembic.script import ScriptDirectory

    if revision is None:
        return
    scripts = ScriptDirectory(str(migrations_dir()))
    try:
        scripts.get_revision(revision)
    except Exception:
        raise SchemaError(
            f"the database has schema revision {revision}, newer than this modaudit knows "
            f"(head {head_revision()}); upgrade modaudit before using this database"
        ) from None


def check_schema(engine: Engine) -> None:
    """Refuse a database that is uninitialised, older or newer than this code."""
    revision = current_revision(engine)
    if revision is None:
        raise SchemaError("the database has no modaudit schema; run `modaudit init` first")
    _refuse_newer(revision)
    if revision != head_revision():
        raise SchemaError(
            f"the database schema ({revision}) is older than this modaudit ({head_revision()}); "
            "run `modaudit init` to upgrade it"
        )


def missing_store_problem(database: DatabaseConfig) -> str | None:
    """Why the configured SQLite file cannot be opened for use (its folder, or the file not made
    yet), or None; nothing is created, so a command run before `init` leaves no empty file."""
    path = sqlite_file(database.url)
    if path is None:
        return None
    problem = folder_problem(path)
    if problem is None and not path.exists():
        problem = f"the database {path} does not exist yet; run `modaudit init` (database.url names it)"
    return problem


def database_problem(database: DatabaseConfig) -> str | None:
    """Why the configured database cannot be used as it is (folder, file, connection, schema)."""
    problem = missing_store_problem(database)
    if problem:
        return problem
    engine = engine_for(database)
    try:
        check_schema(engine)
    except SchemaError as exc:
        return str(exc)
    except SQLAlchemyError as exc:
        original = getattr(exc, "orig", None) or exc
        first = (str(original).strip().splitlines() or [type(original).__name__])[0]
        return f"cannot connect: {first}; check database.url"
    finally:
        engine.dispose()
    return None


