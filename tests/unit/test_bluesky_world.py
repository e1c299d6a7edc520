"""The simulated Bluesky world: identifiers, records written by actions, commits and ground truth."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from modaudit.sandbox import Scenario, ScenarioError
from modaudit.sandbox.scenarios.bluesky_demo import BSKY_ACCOUNT, BSKY_USERS, add_bluesky_demo
from modaudit.sandbox.world.bluesky_actions import BLOCK, LISTBLOCK, THREADGATE, BskyActor
from modaudit.sandbox.world.bluesky_ids import cid_of, did_plc, iso, micros, split_at_uri, tid
from modaudit.sandbox.world.bluesky_truth import gate_change

START = datetime(2026, 11, 16, tzinfo=UTC)
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")  # atproto's TID syntax


def demo() -> tuple[Scenario, dict[str, str]]:
    s = Scenario(start=START, pages=[])
    uris = add_bluesky_demo(s)
    s.validate()
    return s, uris


def test_identifiers_are_well_formed() -> None:
    assert re.fullmatch(r"did:plc:[a-z2-7]{24}", did_plc("x"))
    moments = [START + timedelta(microseconds=n) for n in (0, 1, 999_999)]
    tids = [tid(m) for m in moments]
    assert all(TID.match(t) for t in tids) and tids == sorted(tids)
    assert tid(START, 1) > tid(START) and tid(START + timedelta(microseconds=1)) > tid(START, 1023)
    assert re.fullmatch(r"bafyrei[a-z2-7]{52}", cid_of({"a": 1}))
    assert cid_of({"a": 1}) != cid_of({"a": 2}) and cid_of({"a": 1, "b": 2}) == cid_of({"b": 2, "a": 1})
    assert iso(START + timedelta(milliseconds=5)) == "2026-11-16T00:00:00.005Z"
    assert micros(START) == 1_794_787_200_000_000
    assert split_at_uri("at://did:plc:x/app.bsky.graph.block/3abc") == ("did:plc:x", BLOCK, "3abc")
    assert split_at_uri("https://bsky.app") is None


def test_demo_ground_truth() -> None:
    s, uris = demo()
    caglar = BSKY_USERS["caglar"].did
    truths = [(t.kind, t.subject_id, t.at) for t in s.ground_truth()]
    assert truths == [
        ("comment_hidden", uris["r2"], s.day(-1, 15)),
        ("user_blocked", caglar, s.day(1, 14)),
        ("comment_hidden", uris["r4"], s.day(2, 9)),
        ("quote_detached", uris["q1"], s.day(2, 16)),
        ("replies_restricted", uris["p2"], s.day(3, 10)),
        ("user_blocked", uris["list"], s.day(4, 12, 5)),
        ("user_unblocked", caglar, s.day(5, 14)),
        ("replies_reopened", uris["p2"], s.day(6, 10)),
    ]


def test_block_record_carries_the_action_time_and_is_deleted_on_unblock() -> None:
    s, _ = demo()
    during = s.state_at(s.day(3, 12)).bluesky
    [block] = during.records_of(BSKY_ACCOUNT.did, BLOCK)
    assert block.value == {"$type": BLOCK, "subject": BSKY_USERS["caglar"].did,
                           "createdAt": "2026-11-17T14:00:00.000Z"}  # fmt: skip
    assert block.rkey == tid(s.day(1, 14))
    after = s.state_at(s.day(5, 15)).bluesky
    assert after.records_of(BSKY_ACCOUNT.did, BLOCK) == []
    assert after.commits[-1].operation == "delete" and after.commits[-1].rkey == block.rkey
    assert len(after.records_of(BSKY_ACCOUNT.did, LISTBLOCK)) == 1


def test_threadgate_keeps_hidden_replies_and_changes_cid() -> None:
    s, uris = demo()
    hidden = s.state_at(s.day(2, 12)).bluesky.gate_of(uris["p2"])
    gated = s.state_at(s.day(3, 12)).bluesky.gate_of(uris["p2"])
    reopened = s.state_at(s.day(6, 12)).bluesky.gate_of(uris["p2"])
    assert hidden is not None and gated is not None and reopened is not None
    assert "allow" not in hidden.value and hidden.value["hiddenReplies"] == [uris["r4"]]
    assert gated.value["allow"] == [{"$type": "app.bsky.feed.threadgate#followingRule"}]
    assert gated.value["hiddenReplies"] == [uris["r4"]]
    assert "allow" not in reopened.value
    assert hidden.cid != gated.cid != reopened.cid and hidden.collection == THREADGATE
    assert reopened.cid == hidden.cid  # content-addressed: the same value again has the same cid


def test_author_deletion_and_appearance_quirk_are_no_truth() -> None:
    s, uris = demo()
    state = s.state_at(s.day(4, 16)).bluesky
    assert uris["r7"] not in state.records  # deleted by its author
    assert state.appearances == {uris["r8"]: "notFound"} and uris["r8"] in state.records
    subjects = {t.subject_id for t in s.ground_truth()}
    assert uris["r7"] not in subjects and uris["r8"] not in subjects


def test_gates_on_other_peoples_posts_are_no_truth() -> None:
    s, uris = demo()
    s.bsky_threadgate(s.day(7, 10), uris["r3"], ())  # mehmet restricts replies to his own reply
    s.bsky_hide_reply(s.day(7, 11), uris["r3"], uris["r5"])
    s.validate()
    assert [t.subject_id for t in s.ground_truth() if t.at >= s.day(7, 0)] == []


def test_deleting_a_gate_unhides_its_replies() -> None:
    s, uris = demo()
    s.bsky_threadgate(s.day(7, 10), uris["p2"], delete=True)
    assert [(t.kind, t.subject_id) for t in s.ground_truth(until=s.day(7, 11))][-1:] == [
        ("comment_unhidden", uris["r4"])
    ]


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        (None, (), "replies_restricted"),
        (None, ("following",), "replies_restricted"),
        ((), ("mention",), "replies_reopened"),
        (("mention", "following"), ("following",), "replies_restricted"),
        (("following",), None, "replies_reopened"),
        (("following",), ("follower",), "replies_restricted"),
        (("mention", "following"), ("following", "mention"), None),
        (None, None, None),
    ],
)
def test_gate_change(
    before: tuple[str, ...] | None, after: tuple[str, ...] | None, change: str | None
) -> None:
    assert gate_change(before, after) == change


def test_impossible_actions_are_refused() -> None:
    s = Scenario(start=START, pages=[], bluesky_accounts=[BSKY_ACCOUNT])
    stranger = BskyActor(did_plc("yabanci"), "yabanci.bsky.social", "Yabancı")
    s.bsky_block(s.day(0, 9), BSKY_ACCOUNT.did, stranger, blocked=False)
    with pytest.raises(ScenarioError, match="not blocked"):
        s.validate()
    s = Scenario(start=START, pages=[], bluesky_accounts=[BSKY_ACCOUNT])
    s.bsky_block(s.day(0, 9), stranger.did, BSKY_ACCOUNT)
    with pytest.raises(ScenarioError, match="unknown Bluesky account"):
        s.validate()
    s = Scenario(start=START, pages=[], bluesky_accounts=[BSKY_ACCOUNT])
    post = s.bsky_post(s.day(0, 9), BSKY_ACCOUNT, "Duyuru")
    s.bsky_threadgate(s.day(0, 10), post, delete=True)
    with pytest.raises(ScenarioError, match="no threadgate"):
        s.validate()
