"""The Instagram subset of the simulator: wire shapes, paging, errors, the demo and signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from modaudit.sandbox import Scenario, Simulator, demo_scenario
from modaudit.sandbox.meta_webhooks import feed_deliveries, sign
from modaudit.sandbox.scenarios.instagram_demo import IG_ACCOUNT as DEMO_IG
from tests.support.ig_scenarios import (
    IG_ACCOUNT,
    IG_TROLL,
    MEDIA,
    comment_id,
    moderated_ig_scenario,
    simulating,
)
from tests.support.scenarios import PAGE, night, small_scenario


@pytest.fixture
def scenario() -> Scenario:
    return moderated_ig_scenario()


@pytest.fixture
def sim(scenario: Scenario) -> Iterator[Simulator]:
    with simulating(scenario) as running:
        yield running


def get(sim: Simulator, path: str, token: str = IG_ACCOUNT.token, **params: Any) -> requests.Response:
    return requests.get(f"{sim.base_url}/v25.0/{path}", params={"access_token": token, **params},
                        timeout=5)


def test_media_listing_shape_and_cursor_paging(sim: Simulator) -> None:
    fields = "id,caption,media_type,timestamp,permalink,comments_count,is_comment_enabled"
    first = get(sim, f"{IG_ACCOUNT.ig_user_id}/media", fields=fields, limit=2).json()
    assert [m["id"] for m in first["data"]] == [MEDIA[2], MEDIA[1]]  # newest first
    newest = first["data"][0]
    assert set(newest) == set(fields.split(","))
    assert newest["is_comment_enabled"] is False and newest["timestamp"].endswith("+0000")
    assert set(first["paging"]["cursors"]) == {"before", "after"}
    second = requests.get(first["paging"]["next"], timeout=5).json()
    assert [m["id"] for m in second["data"]] == [MEDIA[0]] and "next" not in second["paging"]
    assert first["data"][1]["comments_count"] == 1  # the other one was deleted


def test_comments_replies_hidden_and_defaults(sim: Simulator) -> None:
    fields = "id,text,timestamp,username,hidden,from,parent_id"
    comments = get(sim, f"{MEDIA[0]}/comments", fields=fields).json()["data"]
    assert [c["id"] for c in comments] == [comment_id(3), comment_id(2), comment_id(1)]
    troll = comments[0]
    assert troll["hidden"] is True and troll["from"] == {"id": IG_TROLL.user_id,
                                                         "username": IG_TROLL.username}
    assert "parent_id" not in troll
    (reply,) = get(sim, f"{comment_id(2)}/replies", fields=fields).json()["data"]
    assert reply["id"] == comment_id(4) and reply["parent_id"] == comment_id(2)
    assert set(get(sim, comment_id(1)).json()) == {"id", "text", "timestamp"}
    assert get(sim, MEDIA[0]).json() == {"id": MEDIA[0]}


def test_errors_are_graph_shaped(sim: Simulator) -> None:
    gone = get(sim, comment_id(6), fields="id,hidden")
    assert gone.status_code == 400
    assert (gone.json()["error"]["code"], gone.json()["error"]["error_subcode"]) == (100, 33)
    unknown_field = get(sim, MEDIA[0], fields="id,is_hidden").json()["error"]
    assert unknown_field["code"] == 100 and "(IGMedia)" in unknown_field["message"]
    assert get(sim, f"{MEDIA[0]}/comments", token="wrong").json()["error"]["code"] == 190
    assert get(sim, f"{comment_id(6)}/replies").json()["error"]["error_subcode"] == 33


def test_demo_instagram_account_ground_truth() -> None:
    scenario = demo_scenario()
    assert scenario.instagram_accounts == [DEMO_IG]
    final = scenario.state_at(scenario.day(8)).instagram
    ig_ids = set(final.comments) | set(final.media)
    truth = [t for t in scenario.ground_truth() if t.subject_id in ig_ids]
    assert Counter(t.kind for t in truth) == Counter(
        comment_hidden=4, comment_unhidden=1, comment_deleted=1, replies_restricted=1,
        replies_reopened=1)
    assert all(8 <= t.at.hour <= 20 for t in truth)
    deleted = [c for c in final.comments.values() if c.deleted]
    assert [(c.deleted_by, c.parent_id) for c in deleted] == [("account", None)]
    assert not any(c.parent_id == deleted[0].comment_id for c in final.comments.values())


def test_feed_webhooks_are_signed_page_deliveries() -> None:
    s = small_scenario()
    s.hide(s.day(1, 10), "1002")
    s.hide(s.day(1, 12), "1002", hidden=False)
    s.delete(s.day(1, 14), "1005", by="author")
    deliveries = feed_deliveries(s, night(s, 0), night(s, 1))
    verbs = [d["entry"][0]["changes"][0]["value"]["verb"] for d in deliveries]
    assert verbs == ["hide", "unhide", "remove"]
    entry = deliveries[0]["entry"][0]
    assert deliveries[0]["object"] == "page" and entry["id"] == PAGE.page_id
    assert entry["time"] == int(s.day(1, 10).timestamp())
    value = entry["changes"][0]["value"]
    assert (value["item"], value["comment_id"], value["post_id"]) == ("comment", "1002", "900100_1")
    body = json.dumps(deliveries[0]).encode()
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert sign(body, "secret") == f"sha256={expected}"
