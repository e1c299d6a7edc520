"""Scenario replay and ground truth, including the built-in demo scenario."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
import requests

from modaudit.sandbox import (
    GroundTruth,
    Scenario,
    ScenarioError,
    Simulator,
    demo_scenario,
)
from modaudit.sandbox.scenarios.demo import author_deletion_scenario
from tests.e2e.sandbox.test_graph_simulator import PAGE, START, VERSION, make_scenario


def test_scenario_rejects_bad_references() -> None:
    s = Scenario(start=START, pages=[PAGE])
    s.hide(s.day(1), "missing")
    with pytest.raises(ScenarioError):
        s.validate()
    with pytest.raises(ScenarioError):
        Scenario(start=datetime(2026, 1, 1), pages=[PAGE])  # naive on purpose


def test_deleting_a_comment_takes_its_replies_along() -> None:
    s = make_scenario()
    s.delete(s.day(0, 21), "1_11")
    state = s.state_at(s.day(1))
    assert state.comments["1_16"].deleted and state.comments["1_11"].deleted_by == "page"
    assert [g.subject_id for g in s.ground_truth() if g.kind == "comment_deleted"] == [
        "1_14",
        "1_11",
    ]


def test_demo_scenario_ground_truth_and_content() -> None:
    scenario = demo_scenario()
    final = scenario.state_at(scenario.day(8))
    everything = scenario.ground_truth()
    # 12 on the Page, 10 on X, 8 on Instagram (test_ig_simulator), 10 on YouTube
    # (test_youtube_simulator)
    assert len(everything) == 40
    elsewhere = (final.x.users | final.x.tweets | final.instagram.comments | final.instagram.media
                 | final.youtube.comments.keys() | final.youtube.videos.keys())

    def on_page(truths: list[GroundTruth]) -> list[GroundTruth]:
        return [t for t in truths if t.subject_id not in elsewhere]

    truth = on_page(everything)
    assert len(truth) == 12
    assert Counter(t.kind for t in truth) == Counter(
        comment_hidden=4, comment_unhidden=1, comment_deleted=3, user_blocked=3, user_unblocked=1
    )
    first_audit = scenario.day(0, hour=23, minute=30)
    before_first = scenario.ground_truth(until=first_audit)
    assert len(on_page(before_first)) == 2  # pre-existing hide and ban
    assert len(before_first) == 6  # and on X: a block, a mute, a tweet posted restricted; on
    # Instagram, a hidden spam comment
    assert all(8 <= t.at.hour <= 20 for t in everything)
    assert len(final.posts) == 6 and len(final.comments) >= 40
    assert len({c.author_id for c in final.comments.values()}) >= 15
    texts = " ".join(c.message for c in final.comments.values())
    for needle in ('<script>alert("x")</script>', "<b>kalın</b>", "'; DROP TABLE comments; --"):
        assert needle in texts
    assert set("İıŞşĞğÜüÖöÇç") <= set(texts)
    assert {f.kind for f in scenario.faults} == {
        "cutoff", "omit", "http500", "throttle_page", "x_rate_limit", "x_rate_limit_no_reset"
    }  # fmt: skip
    omitted = next(f.item_id for f in scenario.faults if f.kind == "omit")
    assert omitted not in {t.subject_id for t in truth}


def test_demo_faults_bite_on_their_day() -> None:
    scenario = demo_scenario()
    with Simulator(scenario) as sim:
        token = scenario.pages[0].token
        page_id = scenario.pages[0].page_id
        sim.set_now(scenario.day(6, 23, 30))
        blocked = requests.get(
            f"{sim.base_url}/{VERSION}/{page_id}/blocked", params={"access_token": token}, timeout=5
        )
        assert blocked.json()["error"]["code"] == 32
        sim.set_now(scenario.day(7, 23, 30))
        blocked = requests.get(
            f"{sim.base_url}/{VERSION}/{page_id}/blocked", params={"access_token": token}, timeout=5
        )
        assert {u["name"] for u in blocked.json()["data"]} == {"Çağlar Aydın", "Murat Kılıç"}


def test_author_deletion_scenario_has_no_ground_truth() -> None:
    scenario = author_deletion_scenario()
    assert scenario.ground_truth() == []
    state = scenario.state_at(scenario.day(2))
    gone = [c for c in state.comments.values() if c.deleted]
    assert [(c.comment_id, c.deleted_by) for c in gone] == [("5101_102", "author")]
    assert len(state.comments) == 3
