"""The schema gate: init is idempotent, an old or newer database is refused with a clear message."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from modaudit.store.engine import (
    SchemaError,
    check_schema,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)


def test_init_creates_then_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    with pytest.raises(SchemaError, match="run `modaudit init` first"):
        check_schema(engine)
    assert upgrade(engine) == (None, head_revision())
    assert upgrade(engine) == (head_revision(), head_revision())
    check_schema(engine)
    engine.dispose()


def test_newer_schema_is_refused(migrated: str) -> None:
    engine = make_engine(migrated)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed9999'"))
    with pytest.raises(SchemaError, match="newer than this modaudit"):
        check_schema(engine)
    with pytest.raises(SchemaError, match="upgrade modaudit"):
        upgrade(engine)
    assert current_revision(engine) == "f00dfeed9999"
    engine.dispose()


def test_sqlite_uses_wal(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
