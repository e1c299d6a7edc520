"""Meta webhooks as the simulated platform sends them: signed Page `feed` deliveries over HTTP.

Each hide, unhide or removal of a Page comment in a scenario becomes one delivery, shaped like
Meta's (`object: page`, `entry[].changes[].value` with `item: comment` and a `verb`) and signed
with the app secret in `X-Hub-Signature-256`.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from modaudit.sandbox.world.scenario import DeleteAction, HideAction, Scenario

WEBHOOK_PATH = "/webhooks/meta"


def sign(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` value Meta sends for `body`."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def feed_delivery(page_id: str, at: datetime, value: dict[str, Any]) -> dict[str, Any]:
    """A delivery carrying one Page feed change."""
    epoch = int(at.timestamp())
    return {"object": "page",
            "entry": [{"id": page_id, "time": epoch,
                       "changes": [{"field": "feed", "value": value}]}]}


def feed_deliveries(scenario: Scenario, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Deliveries for the scenario's Page comment hides, unhides and removals in (since, until]."""
    state = scenario.state_at(until)  # comments stay in the state after deletion, flagged
    deliveries = []
    for action in scenario.ordered_actions():
        if not since < action.at <= until or not isinstance(action, HideAction | DeleteAction):
            continue
        comment = state.comments[action.comment_id]
        page_id = state.posts[comment.post_id].page_id
        verb = "remove" if isinstance(action, DeleteAction) else "hide" if action.hidden else "unhide"
        value = {
            "from": {"id": comment.author_id, "name": comment.author_name},
            "post_id": comment.post_id, "comment_id": comment.comment_id,
            "parent_id": comment.parent_id or comment.post_id, "message": comment.message,
            "created_time": int(action.at.timestamp()), "item": "comment", "verb": verb,
        }
        deliveries.append(feed_delivery(page_id, action.at, value))
    return deliveries


def post_delivery(url: str, body: bytes, signature: str | None, timeout: float = 5.0) -> int:
    """POST one delivery as Meta does; returns the HTTP status."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-hub-signature-256"] = signature
    try:
        connection.request("POST", parts.path or "/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def send_feed_webhooks(receiver_url: str, app_secret: str, scenario: Scenario, since: datetime,
                       until: datetime) -> list[int]:
    """Send the deliveries of (since, until] to the receiver; returns each answer's status."""
    statuses = []
    for delivery in feed_deliveries(scenario, since, until):
        body = json.dumps(delivery, ensure_ascii=False).encode("utf-8")
        statuses.append(post_delivery(receiver_url, body, sign(body, app_secret)))
    return statuses
