"""Injected faults on the YouTube simulator: a 500 once, quotaExceeded on demand, a repeating
nextPageToken, a listing that omits a live comment, a cut listing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from modaudit.sandbox import Fault, Scenario, Simulator
from tests.support.scenarios import night
from tests.support.yt_support import CHANNEL, VIDEOS, cid, get, rid, small_yt_scenario

THREADS = "/youtube/v3/commentThreads"


@pytest.fixture
def scenario() -> Scenario:
    return small_yt_scenario()


@pytest.fixture
def sim(scenario: Scenario) -> Iterator[Simulator]:
    with Simulator(scenario) as simulator:
        simulator.set_now(night(scenario, 0))
        yield simulator


def _threads(sim: Simulator, **extra: Any) -> requests.Response:
    params = {"part": "snippet,replies", "allThreadsRelatedToChannelId": CHANNEL.channel_id, **extra}
    return get(sim, "commentThreads", **params)


def test_a_500_once_is_backend_error_then_the_listing_answers(sim: Simulator) -> None:
    sim.add_fault(Fault("http500", path=THREADS, times=1))
    failed = _threads(sim)
    assert failed.status_code == 500
    error = failed.json()["error"]
    assert error["errors"][0]["reason"] == "backendError"
    assert error["status"] == "INTERNAL"
    assert _threads(sim).status_code == 200
    assert sim.fault_counts["http500"] == 1


def test_quota_exceeded_on_demand(sim: Simulator) -> None:
    sim.add_fault(Fault("quota_exceeded", path=THREADS))
    answer = _threads(sim, moderationStatus="heldForReview")
    assert answer.status_code == 403
    entry = answer.json()["error"]["errors"][0]
    assert (entry["reason"], entry["domain"]) == ("quotaExceeded", "youtube.quota")
    assert get(sim, "channels", part="id", mine="true").status_code == 200  # other methods answer


def test_a_repeating_next_page_token(sim: Simulator) -> None:
    sim.add_fault(Fault("repeat_cursor", path="/youtube/v3/comments", after_items=2))
    first = get(sim, "comments", part="snippet", parentId=cid(2), maxResults=2).json()
    second = get(sim, "comments", part="snippet", parentId=cid(2), maxResults=2,
                 pageToken=first["nextPageToken"]).json()
    assert second["nextPageToken"] == first["nextPageToken"]  # the same token again, forever
    assert [c["id"] for c in second["items"]] == [rid(2, 3), rid(2, 4)]
    assert sim.fault_counts["repeat_cursor"] == 1


def test_a_listing_that_omits_a_live_comment_while_its_lookup_finds_it(sim: Simulator) -> None:
    sim.add_fault(Fault("omit", path=THREADS, item_id=cid(1)))
    listed = [t["id"] for t in _threads(sim).json()["items"]]
    assert cid(1) not in listed
    assert cid(2) in listed
    found = get(sim, "comments", part="snippet", id=cid(1)).json()["items"]
    assert [c["id"] for c in found] == [cid(1)]
    assert sim.fault_counts["omit"] == 1


def test_an_omitted_inlined_reply(sim: Simulator) -> None:
    sim.add_fault(Fault("omit", path=THREADS, item_id=rid(2, 1)))
    threads = get(sim, "commentThreads", part="snippet,replies", videoId=VIDEOS[0]).json()["items"]
    thread = next(t for t in threads if t["id"] == cid(2))
    assert rid(2, 1) not in [c["id"] for c in thread["replies"]["comments"]]
    assert sim.fault_counts["omit"] == 1


def test_a_cut_listing_drops_the_connection_on_the_page_past_the_cut(sim: Simulator) -> None:
    sim.add_fault(Fault("cutoff", path="/youtube/v3/comments", after_items=3))
    first = get(sim, "comments", part="snippet", parentId=cid(2), maxResults=5).json()
    assert len(first["items"]) == 3
    with pytest.raises(requests.ConnectionError):
        get(sim, "comments", part="snippet", parentId=cid(2), maxResults=5,
            pageToken=first["nextPageToken"])


def test_faults_leave_the_token_endpoint_alone(sim: Simulator) -> None:
    sim.add_fault(Fault("http500"))
    answer = requests.post(f"{sim.base_url}/token", timeout=10, data={
        "grant_type": "refresh_token", "client_id": CHANNEL.client_id,
        "client_secret": CHANNEL.client_secret, "refresh_token": CHANNEL.refresh_token})
    assert answer.status_code == 200


def test_a_reply_lacking_its_author_and_a_count_of_another_type(sim: Simulator) -> None:
    sim.add_fault(Fault("drop_field", path=THREADS, field="snippet.authorChannelId",
                        item_id=rid(2, 1)))
    sim.add_fault(Fault("retype_field", path=THREADS, field="snippet.totalReplyCount"))
    threads = get(sim, "commentThreads", part="snippet,replies", videoId=VIDEOS[0]).json()["items"]
    thread = next(t for t in threads if t["id"] == cid(2))
    assert thread["snippet"]["totalReplyCount"] == "7"
    replies = {c["id"]: c["snippet"] for c in thread["replies"]["comments"]}
    assert "authorChannelId" not in replies[rid(2, 1)]
    assert "authorChannelId" in replies[rid(2, 2)]
    assert sim.fault_counts["drop_field"] == 1
    assert sim.fault_counts["retype_field"] == 1
