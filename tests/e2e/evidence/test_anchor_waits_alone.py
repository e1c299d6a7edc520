"""A slow TSA holds up nobody: the anchor's request is sent with no transaction open."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from modaudit import jobs
from modaudit.cli import cli
from modaudit.notify.anchoring import AnchorOutcome
from modaudit.store.schema import Finding
from tests.support.evidence_world import evidence_world
from tests.support.stored_runs import at

SLOW_TSA_SECONDS = 4.0  # inside [timestamp] timeout_seconds = 5


def test_a_review_goes_through_while_the_tsa_is_slow_and_the_anchor_still_verifies(
        db_url: str, tmp_path: Path) -> None:
    with evidence_world(db_url, tmp_path) as world:
        with world.session() as session:
            finding_id = session.scalars(select(Finding.id).order_by(Finding.id)).first()
        world.tsa.delay = SLOW_TSA_SECONDS
        outcomes: list[AnchorOutcome] = []
        anchoring = threading.Thread(
            target=lambda: outcomes.extend(jobs.anchor(world.config, now=at(30))))
        anchoring.start()
        deadline = time.monotonic() + 10
        while world.tsa.requests == 0:
            assert time.monotonic() < deadline and anchoring.is_alive(), "no TSA request"
            time.sleep(0.02)
        started = time.monotonic()
        review = jobs.review(world.config, finding_id, "dismissed", "yersiz", "operator",
                             now=at(31))
        seconds = time.monotonic() - started
        assert anchoring.is_alive(), "the TSA had answered already"
        anchoring.join(30)
        result = CliRunner().invoke(cli, ["--config", str(world.config_path), "verify"])
    assert review.new_status == "dismissed" and seconds < 2.0, seconds
    assert [o.status for o in outcomes] == ["stamped"]
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "1 time-stamp token(s) valid" in output and "chain intact" in output
