"""Retention (KVKK) and the per-account lock, on both databases."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import text

from modaudit import jobs
from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.sandbox import Simulator
from modaudit.store.engine import make_engine
from modaudit.store.locks import account_lock
from tests.support.scenarios import audit_night, small_scenario


def test_purge_erases_old_text_but_keeps_evidence_and_the_chain(migrated: str, write_config) -> None:
    scenario = small_scenario()
    scenario.hide(scenario.day(1), "1001")  # stays hidden: open finding, text is evidence
    scenario.hide(scenario.day(1), "1002")
    scenario.hide(scenario.day(2), "1002", hidden=False)  # finding closed: text no longer needed
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, scenario.pages)
        for day in range(3):
            audit_night(config, simulator, scenario, day)
    engine = make_engine(migrated)
    with engine.begin() as connection:  # age everything past the policy
        connection.execute(text("UPDATE comments SET first_seen_at = first_seen_at - INTERVAL '400 days'")
                           if migrated.startswith("postgresql") else
                           text("UPDATE comments SET first_seen_at = '2025-01-01 00:00:00.000000'"))
    result = CliRunner().invoke(cli, ["--config", str(config), "purge"])
    assert result.exit_code == 0, result.output
    assert "1 kept as evidence" in result.output
    with engine.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT platform_id, message FROM comments ORDER BY platform_id")).all())
        names = dict(connection.execute(text("SELECT platform_id, author_name FROM comments")).all())
        digests = connection.execute(text("SELECT COUNT(*) FROM comments WHERE text_digest IS NULL")).scalar()
    engine.dispose()
    assert rows["1001"] == "Teşekkürler" and names["1001"] == "Ayşe Yılmaz"
    assert all(rows[c] is None and names[c] is None for c in ("1002", "1003", "1004", "1005", "1006"))
    assert digests == 0
    assert CliRunner().invoke(cli, ["--config", str(config), "verify"]).exit_code == 0


def test_a_scan_of_a_busy_account_reports_busy(migrated: str, write_config) -> None:
    scenario = small_scenario()
    with Simulator(scenario) as simulator:
        config_path = write_config(migrated, simulator.base_url, scenario.pages)
        simulator.set_now(scenario.day(0, 23))
        assert jobs.scan_account(load_config(config_path), "page-0").status == "ok"
        engine = make_engine(load_config(config_path).database.url)
        with account_lock(engine, 1, "page-0"):
            busy = jobs.scan_account(load_config(config_path), "page-0")
        engine.dispose()
    assert busy.status == "busy" and busy.run_id is None
    assert "already running" in busy.warnings[0].message


def test_purge_erases_old_webhook_bodies_but_keeps_their_digest(migrated: str, write_config) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from modaudit.store.schema import WebhookDelivery

    config = write_config(migrated, "http://127.0.0.1:9", [])
    engine = make_engine(migrated)
    old, recent = datetime(2024, 1, 1, tzinfo=UTC), datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for sha, at, status in (("a" * 64, old, "processed"), ("b" * 64, old, "pending"),
                                ("c" * 64, recent, "processed")):
            session.add(WebhookDelivery(received_at=at, body=b'{"comment": "Ayse"}', body_sha256=sha,
                                        signature="sha256=x", status=status))
    assert CliRunner().invoke(cli, ["--config", str(config), "purge"]).exit_code == 0
    with engine.connect() as connection:
        bodies = dict(connection.execute(text(
            "SELECT body_sha256, body FROM webhook_deliveries")).all())
    engine.dispose()
    assert bytes(bodies["a" * 64]) == b""  # old and processed: erased, digest kept
    assert bytes(bodies["b" * 64]) != b""  # not processed yet: kept
    assert bytes(bodies["c" * 64]) != b""  # recent: kept
