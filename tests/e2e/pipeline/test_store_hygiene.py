"""The store under hostile text and other sessions: NUL in comments, held locks, schema drift."""

from __future__ import annotations

import threading
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from modaudit.cli import cli
from modaudit.sandbox import Simulator
from modaudit.store.engine import make_engine
from tests.support.scenarios import AYSE, audit_night, small_scenario


def test_a_comment_with_nul_is_stored_cleaned_with_the_payload_digest(migrated, write_config) -> None:
    """PostgreSQL stores no U+0000: the text is cleaned, the raw payload's digest kept, the run ok."""
    scenario = small_scenario()
    scenario.comment(scenario.day(-1), "900100_2", "1099", AYSE, "boş\x00karakter\x00")
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, scenario.pages)
        for day in (0, 1):
            assert audit_night(config, simulator, scenario, day).status == "ok"
    engine = make_engine(migrated)
    with engine.connect() as connection:
        message, digest = connection.execute(text(
            "SELECT message, raw_sha256 FROM comments WHERE platform_id = '1099'")).one()
    engine.dispose()
    assert message == "boşkarakter" and len(digest) == 64


def test_a_lock_held_elsewhere_fails_that_run_quickly_and_clearly(migrated, write_config) -> None:
    """Another session locks a table: the scan fails within lock_timeout, naming the cause."""
    if not migrated.startswith("postgresql"):
        pytest.skip("lock_timeout is PostgreSQL's")
    scenario = small_scenario()
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, scenario.pages)
        body = config.read_text(encoding="utf-8")
        config.write_text(body.replace("[database]\n", "[database]\nlock_timeout_seconds = 0.5\n", 1),
                          encoding="utf-8")
        holder = make_engine(migrated)
        locked, release = threading.Event(), threading.Event()

        def hold() -> None:
            with holder.begin() as connection:
                connection.execute(text("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE"))
                locked.set()
                release.wait(30)

        thread = threading.Thread(target=hold)
        thread.start()
        locked.wait(10)
        try:
            started = time.monotonic()
            result = audit_night(config, simulator, scenario, 0)
            elapsed = time.monotonic() - started
        finally:
            release.set()
            thread.join()
            holder.dispose()
    assert result.status == "failed" and elapsed < 10
    assert [w.code for w in result.warnings] == ["db_lock_timeout"]
    assert "lock_timeout_seconds" in result.warnings[0].message


def test_init_refuses_a_schema_that_lost_a_table(migrated, tmp_path) -> None:
    """Tables missing behind a current revision: `init` says which, and does not say "up to date"."""
    engine = make_engine(migrated)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE event_sightings"))
    engine.dispose()
    config = tmp_path / "init.toml"
    config.write_text(f'[database]\nurl = "{migrated}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "init"])
    assert result.exit_code == 1, result.output
    assert "missing tables: event_sightings" in result.output
    assert "up to date" not in result.output
