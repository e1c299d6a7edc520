"""Process-level locks that work on SQLite and PostgreSQL and vanish when their holder dies.

SQLite: an flock on a file beside the database (the kernel releases it with the process).
PostgreSQL: a session advisory lock on a dedicated connection (released when it drops).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

SERVICE_KEY = "serve"


class LockHeld(Exception):
    """Someone else holds the lock; the message says who."""


def _holder(purpose: str) -> dict[str, Any]:
    return {"purpose": purpose, "pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds")}


def _describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another process"
    return f"{holder.get('purpose', 'a process')} (pid {holder.get('pid')} on {holder.get('host')}, " \
           f"since {holder.get('since')})"


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise LockHeld("locks need a SQLite database file, not an in-memory database")
    return Path(database)


@contextmanager
def _file_lock(path: Path, purpose: str) -> Iterator[None]:
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder = json.loads(handle.read() or "null")
            except ValueError:
                holder = None
            raise LockHeld(f"held by {_describe(holder)}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(_holder(purpose)))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the flock


def _advisory_key(schema: str, name: str) -> int:
    """A signed 64-bit advisory key: advisory locks span a database, so the schema is part of it."""
    digest = hashlib.sha256(f"modaudit:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _advisory_lock(engine: Engine, name: str, purpose: str) -> Iterator[None]:
    holder = _holder(purpose)
    with engine.connect() as connection:
        connection.execute(text("SELECT set_config('application_name', :name, false)"),
                           {"name": f"modaudit {purpose} pid={holder['pid']} host={holder['host']}"[:63]})
        key = _advisory_key(connection.execute(text("SELECT current_schema()")).scalar() or "", name)
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        connection.commit()
        if not got:
            unsigned = key & 0xFFFFFFFFFFFFFFFF
            other = connection.execute(text(
                "SELECT a.application_name, a.pid, a.backend_start FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.classid::text::bigint = :high AND l.objid::text::bigint = :low "
                "AND l.objsubid = 1 AND l.granted"),
                {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF}).first()
            who = (f"{other.application_name} (PostgreSQL backend {other.pid}, since "
                   f"{other.backend_start:%Y-%m-%d %H:%M})") if other else "another process"
            raise LockHeld(f"held by {who}")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


@contextmanager
def service_lock(engine: Engine) -> Iterator[None]:
    """The one-scheduler-per-database lock; LockHeld names the holder."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, SERVICE_KEY, "serve"):
            yield
    else:
        with _file_lock(Path(f"{_sqlite_path(engine)}.serve.lock"), "modaudit serve"):
            yield


@contextmanager
def account_lock(engine: Engine, account_id: int, account_name: str) -> Iterator[None]:
    """A per-account lock so an on-demand scan never collides with a scheduled one."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, f"account:{account_id}", f"scan {account_name}"):
            yield
    else:
        path = Path(f"{_sqlite_path(engine)}.account-{account_id}.lock")
        with _file_lock(path, f"scan of {account_name}"):
            yield
