"""Threadgates read as reply settings, and AT Protocol times, pure (no SDK, no transport)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from collectors.bluesky.payloads import THREADGATE, Threadgate, parse_time, reply_settings, transform_gate
from tests.fixtures import load

POST = "at://did:plc:ysvbel4kq7mz2xw3n5p6rt2a/app.bsky.feed.post/3lcmq2fyzw22a"
LIST = "at://did:plc:ysvbel4kq7mz2xw3n5p6rt2a/app.bsky.graph.list/3lbzmuhtar2c2"
RULE = "app.bsky.feed.threadgate#"


def gate(allow: list[dict[str, Any]] | None) -> Threadgate:
    """A threadgate value with this `allow` (None: the field left out)."""
    value: dict[str, Any] = {"post": POST, "createdAt": "2026-12-04T18:02:11.044Z"}
    if allow is not None:
        value["allow"] = allow
    return Threadgate.model_validate(value)


@pytest.mark.parametrize(("allow", "settings"), [
    (None, "everyone"),  # hiddenReplies only: the lexicon lets anyone reply
    ([], "nobody"),
    ([{"$type": f"{RULE}followingRule"}], "following"),
    ([{"$type": f"{RULE}mentionRule"}, {"$type": f"{RULE}followingRule"}], "following,mention"),
    ([{"$type": f"{RULE}followerRule"}, {"$type": f"{RULE}listRule", "list": LIST}],
     "follower,list"),
    ([{"$type": f"{RULE}somethingNew"}], "unknown"),
])
def test_reply_settings_of_a_threadgate(allow: list[dict[str, Any]] | None, settings: str) -> None:
    """No gate → everyone, `allow: []` → nobody, else the rules sorted and joined."""
    assert reply_settings(gate(allow)) == settings


def test_every_rule_at_once_fits_the_stores_column() -> None:
    """Rule names only, whatever the lists: the store keeps reply settings in 40 characters."""
    allow = [{"$type": f"{RULE}{name}"} for name in
             ("mentionRule", "followingRule", "followerRule", "somethingNew")]
    allow += [{"$type": f"{RULE}listRule", "list": LIST}, {"$type": f"{RULE}listRule", "list": LIST + "x"}]
    settings = reply_settings(gate(allow))
    assert settings == "follower,following,list,mention,unknown" and len(settings) <= 40


def test_no_threadgate_is_everyone() -> None:
    """A post without a threadgate record takes replies from anyone."""
    assert reply_settings(None) == "everyone"


def test_a_threadgate_record_keeps_its_hidden_replies_and_evidence() -> None:
    """The fixture's first threadgate: post, hidden replies, uri, cid, createdAt, and its value as
    listed (what Jetstream's later change of the gate is compared with)."""
    raw = load("bluesky/list_records_threadgate.json")["records"][0]
    read, problems = transform_gate(raw, THREADGATE)
    assert problems == [] and read is not None and read.threadgate is not None
    assert read.post_id == POST
    assert read.threadgate.hiddenReplies == [
        "at://did:plc:ahmetkaya2vq3rn4sx5tz6ab/app.bsky.feed.post/3lcmsk4wh5c2d"]
    assert read.evidence() == {"uri": raw["uri"], "cid": raw["cid"],
                               "createdAt": "2026-12-04T18:02:11.044000+00:00",
                               "allow": raw["value"].get("allow"), "value": raw["value"]}


def test_a_threadgate_without_its_post_is_a_field_problem() -> None:
    """`post` is required by the lexicon: missing, the gate is not read (listing incomplete)."""
    raw = load("bluesky/list_records_threadgate.json")["records"][1]
    del raw["value"]["post"]
    read, problems = transform_gate(raw, THREADGATE)
    assert read is None and [p.field for p in problems] == ["post"]


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-12-04T09:15:00.000Z", datetime(2026, 12, 4, 9, 15, tzinfo=UTC)),
    ("2026-12-04T12:15:00+03:00", datetime(2026, 12, 4, 9, 15, tzinfo=UTC)),
    ("2026-12-04T09:15:00", None),  # no zone: refused, never assumed UTC
    ("2026-12-04", None),
    (1796334432, None),
])
def test_at_protocol_times(text: Any, moment: datetime | None) -> None:
    """RFC 3339 with a zone only."""
    assert parse_time(text) == moment
