"""Held-out weeks with real-platform quirks: precision and recall stay 1.00 (SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from analysis.queries import list_events
from modaudit import jobs
from modaudit.config import load_config
from modaudit.sandbox import Scenario, Simulator
from modaudit.store.engine import make_engine, upgrade
from tests.heldout_world import NIGHTS, page_week, score, x_week
from tests.scenarios import night

pytestmark = pytest.mark.e2e
PAGE_SEEDS = (1101, 1102, 1103, 1104)
X_SEEDS = (2201, 2202, 2203, 2204)


def _week(scenario: Scenario, tmp_path: Path, write_config, account: str) -> tuple[set, set, list]:
    url = f"sqlite:///{tmp_path / 'modaudit.db'}"
    engine = make_engine(url)
    upgrade(engine)
    statuses = []
    with Simulator(scenario) as simulator:
        simulator.timeout_sleep = 0.3
        config = write_config(url, simulator.base_url, scenario.pages,
                              x_accounts=tuple(scenario.x_accounts), timeout=1.0)
        for day in range(NIGHTS):
            simulator.set_now(night(scenario, day))
            statuses.append(jobs.scan_account(load_config(config), account, "nightly",
                                              now=night(scenario, day)).status)
    with Session(engine) as session:
        recorded = {(e.kind, e.subject_id) for e in list_events(session)}
    engine.dispose()
    truth = {(t.kind, t.subject_id) for t in scenario.ground_truth(until=night(scenario, NIGHTS - 1))}
    return truth, recorded, statuses


@pytest.mark.parametrize("seed", PAGE_SEEDS)
def test_page_weeks_with_quirks_are_scored_perfectly(seed: int, tmp_path: Path, write_config) -> None:
    truth, recorded, statuses = _week(page_week(seed), tmp_path, write_config, "page-0")
    result = score(truth, recorded)
    assert (result.precision, result.recall) == (1.0, 1.0), (sorted(truth ^ recorded), statuses)
    assert statuses[-2:] == ["ok", "ok"]


@pytest.mark.parametrize("seed", X_SEEDS)
def test_x_weeks_with_quirks_are_scored_perfectly(seed: int, tmp_path: Path, write_config) -> None:
    truth, recorded, statuses = _week(x_week(seed), tmp_path, write_config, "x-0")
    result = score(truth, recorded)
    assert (result.precision, result.recall) == (1.0, 1.0), (sorted(truth ^ recorded), statuses)
    assert statuses[-2:] == ["ok", "ok"]
