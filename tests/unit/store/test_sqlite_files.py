"""The SQLite file holds commenters' personal data: created owner-only, and never by accident.

SQLite-only by nature (PostgreSQL keeps no file of ours): the database file, its -wal and -shm are
0600 whatever the umask; a missing folder is named with its fix before SQLite says "unable to open
database file"; a command other than `init` does not leave an empty file behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from modaudit.config import parse_config
from modaudit.jobs import init, open_store
from modaudit.store.engine import StoreUnavailable, engine_for, make_engine


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """Root's usual umask, under which a new file would be -rw-r--r--."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_new_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path, loose_umask: None) -> None:
    path = tmp_path / "modaudit.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:  # held open, so the -wal and -shm files exist
        connection.execute(text("CREATE TABLE t (a INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        connection.commit()
        files = {p.name: _mode(p) for p in tmp_path.iterdir()}
    engine.dispose()
    assert files == {"modaudit.db": 0o600, "modaudit.db-wal": 0o600, "modaudit.db-shm": 0o600}


def test_init_creates_an_owner_only_database(tmp_path: Path, loose_umask: None) -> None:
    config = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}"}})
    init(config)
    assert _mode(tmp_path / "m.db") == 0o600
    open_store(config).dispose()  # and it is a usable store


def test_an_existing_database_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    path.chmod(0o640)  # e.g. readable by a backup group, on purpose
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o640


def test_a_missing_folder_is_named_with_its_fix(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "lib" / "modaudit"
    config = parse_config({"database": {"url": f"sqlite:///{folder / 'modaudit.db'}"}})
    for attempt in (lambda: engine_for(config.database), lambda: open_store(config),
                    lambda: init(config)):
        with pytest.raises(StoreUnavailable) as caught:
            attempt()
        message = str(caught.value)
        assert f"the folder {folder} of the database modaudit.db does not exist" in message
        assert f"mkdir -m 700 -p {folder}" in message and "database.url" in message
    assert not (tmp_path / "var").exists()


def test_a_command_before_init_says_run_init_and_leaves_no_file(tmp_path: Path) -> None:
    config = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'm.db'}"}})
    with pytest.raises(StoreUnavailable, match=r"m\.db does not exist yet; run `modaudit init`"):
        open_store(config)
    assert list(tmp_path.iterdir()) == []
