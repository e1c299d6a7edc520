"""The demo's Meta webhooks: the receiver on loopback, fed the simulated Page's signed deliveries."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from modaudit.config import Config
from modaudit.intake.webhooks import ProcessOutcome, process_deliveries
from modaudit.sandbox.meta_webhooks import feed_deliveries, post_delivery, sign
from modaudit.web.receiver import WEBHOOK_PATH, build_app, serve_in_thread

if TYPE_CHECKING:
    from modaudit.sandbox.world.scenario import Scenario

APP_SECRET_ENV = "MODAUDIT_DEMO_META_APP_SECRET"
VERIFY_TOKEN_ENV = "MODAUDIT_DEMO_META_VERIFY_TOKEN"
CONFIG_LINES = ["[meta_webhook]", f'app_secret_env = "{APP_SECRET_ENV}"',
                f'verify_token_env = "{VERIFY_TOKEN_ENV}"']


def set_demo_secrets() -> None:
    """Made-up webhook secrets that only the demo's simulator and receiver share."""
    os.environ[APP_SECRET_ENV] = "demo-meta-app-secret"
    os.environ[VERIFY_TOKEN_ENV] = "demo-meta-verify-token"


class DemoWebhooks:
    """A running receiver; `deliver` sends a period's Page webhooks to it over HTTP, then processes them."""

    def __init__(self, engine: Engine, config: Config, scenario: Scenario) -> None:
        self.engine = engine
        self.config = config
        self.scenario = scenario
        self._stack = ExitStack()
        self.url = ""
        self._now = scenario.start  # the receiver's clock: the simulated week, not today

    def start(self) -> str:
        """Start the receiver (processing is left to `deliver`, so the demo is deterministic)."""
        app = build_app(self.engine, self.config, process=False, clock=lambda: self._now)
        self.url = self._stack.enter_context(serve_in_thread(app)) + WEBHOOK_PATH
        return self.url

    def stop(self) -> None:
        """Stop the receiver."""
        self._stack.close()

    def deliver(self, since: datetime, until: datetime) -> tuple[int, ProcessOutcome]:
        """Send the Page's hides, unhides and removals of (since, until]; returns (sent, outcome)."""
        statuses = []
        for delivery in feed_deliveries(self.scenario, since, until):
            # Meta delivers within seconds of the action: received when it happened.
            self._now = datetime.fromtimestamp(delivery["entry"][0]["time"], UTC)
            body = json.dumps(delivery, ensure_ascii=False).encode("utf-8")
            statuses.append(post_delivery(self.url, body, sign(body, os.environ[APP_SECRET_ENV])))
        self._now = until
        if any(status != 200 for status in statuses):
            raise RuntimeError(f"the demo receiver refused a delivery: {statuses}")
        return len(statuses), process_deliveries(self.engine, self.config, now=until)
