"""A receiver on the test database beside the small scenario's simulator, and Meta-shaped deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from modaudit.config import Config
from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.meta_webhooks import post_delivery, sign
from modaudit.store.schema import Event, WebhookDelivery
from tests.support.scenarios import PAGE

APP_SECRET = "app-secret-CANARY-5e1f"
VERIFY_TOKEN = "verify-token-CANARY-77aa"
WEBHOOK_KEYS = ('[meta_webhook]\napp_secret_env = "TEST_META_APP_SECRET"\n'
                'verify_token_env = "TEST_META_VERIFY_TOKEN"')


@dataclass
class World:
    scenario: Scenario
    simulator: Simulator
    config_path: Path
    config: Config
    engine: Engine
    url: str  # the receiver's /webhooks/meta


def feed_value(comment_id: str, verb: str = "hide", at: int = 1_795_000_000) -> dict:
    """One Page feed change's `value` about a comment, as Meta sends it."""
    return {"from": {"id": "5002", "name": "İbrahim Işık"}, "post_id": "900100_1",
            "comment_id": comment_id, "parent_id": "900100_1", "message": "Ne zaman bitecek?",
            "created_time": at, "item": "comment", "verb": verb}


def delivery_of(*values: dict, at: int = 1_795_000_000, page_id: str = PAGE.page_id) -> bytes:
    """A delivery of these feed change values on one Page entry, serialised as Meta does (ASCII)."""
    return json.dumps({"object": "page", "entry": [
        {"id": page_id, "time": at, "changes": [{"field": "feed", "value": v} for v in values]}]}).encode()


def change(comment_id: str, verb: str = "hide", at: int = 1_795_000_000,
           page_id: str = PAGE.page_id) -> bytes:
    """A delivery of one Page feed change to a comment, as Meta sends it."""
    return delivery_of(feed_value(comment_id, verb, at), at=at, page_id=page_id)


def post(world: World, body: bytes, signature: str | None = "valid") -> int:
    """POST a delivery to the receiver, correctly signed unless `signature` says otherwise."""
    return post_delivery(world.url, body, sign(body, APP_SECRET) if signature == "valid" else signature)


def deliveries(world: World) -> list[tuple[str, str | None]]:
    """(status, error) of every stored delivery, in the order received."""
    with Session(world.engine) as session:
        return [(d.status, d.error) for d in
                session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]


def events(world: World) -> list[tuple[str, str, str]]:
    """(kind, subject, source) of every recorded event, oldest first."""
    with Session(world.engine) as session:
        return [tuple(row) for row in session.execute(
            select(Event.kind, Event.subject_id, Event.source).order_by(Event.id))]
