"""Held-out weeks with real-platform quirks: precision and recall stay 1.00 (SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.heldout_world import page_week, run_week, score, x_week

PAGE_SEEDS = (1101, 1102, 1103, 1104)
X_SEEDS = (2201, 2202, 2203, 2204)


@pytest.mark.parametrize("seed", PAGE_SEEDS)
def test_page_weeks_with_quirks_are_scored_perfectly(seed: int, tmp_path: Path, write_config) -> None:
    truth, recorded, statuses = run_week(page_week(seed), tmp_path, write_config, "page-0")
    result = score(truth, recorded)
    assert (result.precision, result.recall) == (1.0, 1.0), (sorted(truth ^ recorded), statuses)
    assert statuses[-2:] == ["ok", "ok"]


@pytest.mark.parametrize("seed", X_SEEDS)
def test_x_weeks_with_quirks_are_scored_perfectly(seed: int, tmp_path: Path, write_config) -> None:
    truth, recorded, statuses = run_week(x_week(seed), tmp_path, write_config, "x-0")
    result = score(truth, recorded)
    assert (result.precision, result.recall) == (1.0, 1.0), (sorted(truth ^ recorded), statuses)
    assert statuses[-2:] == ["ok", "ok"]
