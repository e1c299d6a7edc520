"""The webhook tests' world: the small scenario's simulator and a receiver on the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modaudit.config import load_config
from modaudit.sandbox import Simulator
from modaudit.store.engine import make_engine
from modaudit.web.receiver import build_app, serve_in_thread
from tests.support.scenarios import small_scenario
from tests.support.webhook_world import APP_SECRET, VERIFY_TOKEN, WEBHOOK_KEYS, World


@pytest.fixture
def world(migrated: str, write_config, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The small scenario's simulator, and a receiver (processing left to the test) on the database."""
    monkeypatch.setenv("TEST_META_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("TEST_META_VERIFY_TOKEN", VERIFY_TOKEN)
    scenario = small_scenario()
    with Simulator(scenario) as simulator:
        config_path = write_config(migrated, simulator.base_url, scenario.pages, extra=WEBHOOK_KEYS)
        config = load_config(config_path)
        engine = make_engine(migrated)
        with serve_in_thread(build_app(engine, config, process=False)) as base_url:
            yield World(scenario, simulator, config_path, config, engine, f"{base_url}/webhooks/meta")
        engine.dispose()
