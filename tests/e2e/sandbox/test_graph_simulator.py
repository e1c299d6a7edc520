"""The Graph API simulator: response shapes, paging, visibility, time, faults and the demo."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import facebook
import pytest
import requests

from modaudit.sandbox import (
    Fault,
    PageSpec,
    Scenario,
    Simulator,
    User,
)

START = datetime(2026, 1, 5, tzinfo=UTC)
PAGE = PageSpec("1001", "Deneme Kaymakamlığı", "tok-page")
OTHER = PageSpec("2002", "Başka Sayfa", "tok-other")
POST = "1001_1"
OLD_POST = "1001_0"
AYSE = User("71", "Ayşe Çınar")
OMER = User("72", "Ömer Işık")
TROLL = User("73", "Trol Hesap")
VERSION = "v25.0"


def make_scenario() -> Scenario:
    """Two posts on PAGE, one on OTHER; five top-level comments and two replies on POST."""
    s = Scenario(start=START, pages=[PAGE, OTHER])
    s.post(s.day(-5, 9), PAGE.page_id, OLD_POST, "Eski duyuru")
    s.post(s.day(0, 9), PAGE.page_id, POST, "Yeni duyuru")
    s.post(s.day(0, 9), OTHER.page_id, "2002_1", "Başka sayfanın gönderisi")
    s.comment(s.day(0, 10), POST, "1_11", AYSE, "İlk yorum 🙂")
    s.comment(s.day(0, 11), POST, "1_12", OMER, "<b>kalın</b>")
    s.comment(s.day(0, 12), POST, "1_13", TROLL, "'; DROP TABLE comments; --")
    s.comment(s.day(0, 13), POST, "1_14", AYSE, "Silinecek yorum")
    s.comment(s.day(0, 14), POST, "1_15", OMER, "Beşinci")
    s.comment(s.day(0, 15), POST, "1_16", TROLL, "Cevap", parent_id="1_11")
    s.comment(s.day(0, 16), POST, "1_17", AYSE, "Bir cevap daha", parent_id="1_12")
    s.hide(s.day(0, 17), "1_13")
    s.delete(s.day(0, 18), "1_14")
    s.ban(s.day(0, 19), PAGE.page_id, TROLL)
    s.ban(s.day(0, 19, 30), PAGE.page_id, OMER)
    s.ban(s.day(0, 20), PAGE.page_id, OMER, banned=False)
    # After the clock the tests use (day 1, 10:00):
    s.comment(s.day(2, 10), POST, "1_18", AYSE, "Gelecekteki yorum")
    s.ban(s.day(2, 11), PAGE.page_id, AYSE)
    return s


@pytest.fixture
def sim() -> Iterator[Simulator]:
    scenario = make_scenario()
    with Simulator(scenario) as simulator:
        simulator.timeout_sleep = 0.3
        simulator.set_now(scenario.day(1))
        yield simulator


def get(
    sim: Simulator, path: str, token: str | None = PAGE.token, **params: Any
) -> requests.Response:
    """GET /{VERSION}{path} on the simulator with the page token."""
    if token is not None:
        params["access_token"] = token
    return requests.get(f"{sim.base_url}/{VERSION}{path}", params=params, timeout=5)


def walk(sim: Simulator, first: requests.Response) -> list[dict[str, Any]]:
    """Every item of a listing, following `paging.next`."""
    items: list[dict[str, Any]] = []
    body = first.json()
    while True:
        items.extend(body["data"])
        next_url = body.get("paging", {}).get("next")
        if not next_url:
            return items
        assert "access_token=" in next_url
        body = requests.get(next_url, timeout=5).json()


def error_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 400
    return response.json()["error"]


# -- shapes, paging, fields --------------------------------------------------------------------


def test_paging_follows_next_and_returns_every_comment_once(sim: Simulator) -> None:
    first = get(sim, f"/{POST}/comments", filter="stream", limit=2, fields="id,message")
    body = first.json()
    assert len(body["data"]) == 2
    assert set(body["paging"]["cursors"]) == {"before", "after"}
    assert body["paging"]["next"].startswith(f"{sim.base_url}/{VERSION}/{POST}/comments?")
    ids = [c["id"] for c in walk(sim, first)]
    assert ids == ["1_11", "1_12", "1_13", "1_15", "1_16", "1_17"]  # chronological, 1_14 deleted
    last_query = sim.request_log[-1][2]
    assert last_query["filter"] == "stream" and last_query["limit"] == "2"
    assert "access_token" not in last_query and "after" in last_query


def test_stream_includes_replies_and_default_is_top_level(sim: Simulator) -> None:
    fields = "id,parent"
    stream = get(sim, f"/{POST}/comments", filter="stream", fields=fields).json()["data"]
    default = get(sim, f"/{POST}/comments", fields=fields).json()["data"]
    assert {c["id"]: c.get("parent") for c in stream}["1_16"] == {"id": "1_11"}
    assert [c["id"] for c in default] == ["1_11", "1_12", "1_13", "1_15"]
    assert all("parent" not in c for c in default)
    assert "paging" in get(sim, f"/{POST}/comments").json()
    assert "next" not in get(sim, f"/{POST}/comments").json()["paging"]


def test_fields_filtering_and_graph_formats(sim: Simulator) -> None:
    only = get(sim, f"/{POST}/comments", fields="id,message").json()["data"][0]
    assert only == {"id": "1_11", "message": "İlk yorum 🙂"}
    full = get(sim, "/1_12", fields="id,from,message,created_time,is_hidden,parent").json()
    assert full == {
        "id": "1_12",
        "from": {"id": "72", "name": "Ömer Işık"},
        "message": "<b>kalın</b>",
        "created_time": "2026-01-05T11:00:00+0000",
        "is_hidden": False,
    }
    bad = error_of(get(sim, "/1_12", fields="id,nonsense"))
    assert bad["code"] == 100 and "nonsense" in bad["message"]


def test_hidden_comment_is_listed_with_is_hidden(sim: Simulator) -> None:
    listed = get(sim, f"/{POST}/comments", fields="id,is_hidden").json()["data"]
    assert {c["id"]: c["is_hidden"] for c in listed} == {
        "1_11": False,
        "1_12": False,
        "1_13": True,
        "1_15": False,
    }
    assert get(sim, "/1_13", fields="is_hidden").json() == {"is_hidden": True, "id": "1_13"}


def test_deleted_or_unknown_comment_lookup_is_code_100_subcode_33(sim: Simulator) -> None:
    for comment_id in ("1_14", "9_99"):
        error = error_of(get(sim, f"/{comment_id}", fields="id,is_hidden"))
        assert (error["code"], error["error_subcode"]) == (100, 33)
        assert error["type"] == "GraphMethodException"
        assert f"Object with ID '{comment_id}' does not exist" in error["message"]
        assert error["fbtrace_id"]


def test_bad_missing_or_foreign_token_is_190(sim: Simulator) -> None:
    for token in ("wrong", None, OTHER.token):
        response = get(sim, f"/{POST}/comments", token=token)
        error = error_of(response)
        assert (error["code"], error["type"]) == (190, "OAuthException")
        assert error["message"] == "Invalid OAuth access token - Cannot parse access token"
    # An unknown id with a token the simulator knows is "does not exist", not an auth error.
    assert error_of(get(sim, "/9_99", token=OTHER.token))["code"] == 100


def test_page_posts_and_blocked(sim: Simulator) -> None:
    assert get(sim, f"/{PAGE.page_id}").json() == {"id": "1001", "name": "Deneme Kaymakamlığı"}
    posts = get(sim, f"/{PAGE.page_id}/posts", fields="id,created_time").json()["data"]
    assert [p["id"] for p in posts] == [POST, OLD_POST]  # newest first
    since = int(START.timestamp())
    first = get(sim, f"/{PAGE.page_id}/posts", fields="id", since=since, limit=1)
    assert [p["id"] for p in first.json()["data"]] == [POST]
    assert "next" not in first.json().get("paging", {})
    blocked = get(sim, f"/{PAGE.page_id}/blocked").json()
    assert blocked["data"] == [{"id": "73", "name": "Trol Hesap"}]  # Ömer was unbanned
    assert set(blocked["paging"]["cursors"]) == {"before", "after"}


def test_unknown_paths_and_edges(sim: Simulator) -> None:
    assert error_of(get(sim, f"/{PAGE.page_id}/feedz"))["message"].startswith(
        "Unknown path components"
    )
    assert error_of(get(sim, f"/{POST}/comments/extra"))["code"] == 100
    assert requests.get(f"{sim.base_url}/nothing", timeout=5).status_code == 404


def test_headers_and_utf8_body(sim: Simulator) -> None:
    response = get(sim, f"/{PAGE.page_id}")
    assert response.headers["facebook-api-version"] == VERSION
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    assert response.headers["x-fb-trace-id"]
    assert "Kaymakamlığı".encode() in response.content  # not \\u-escaped
    other = requests.get(
        f"{sim.base_url}/v19.0/{PAGE.page_id}", params={"access_token": PAGE.token}, timeout=5
    )
    assert other.headers["facebook-api-version"] == "v19.0"


def test_state_at_time_hides_future_actions(sim: Simulator) -> None:
    scenario = sim.scenario

    def listed() -> list[str]:
        return [c["id"] for c in walk(sim, get(sim, f"/{POST}/comments"))]

    assert "1_18" not in listed()
    assert error_of(get(sim, "/1_18"))["error_subcode"] == 33
    sim.set_now(scenario.day(3))
    assert "1_18" in listed()
    blocked = get(sim, f"/{PAGE.page_id}/blocked").json()["data"]
    assert [u["id"] for u in blocked] == ["73", "71"]  # in ban order
    sim.set_now(scenario.day(-1))
    assert error_of(get(sim, f"/{POST}"))["error_subcode"] == 33  # not yet published
    with pytest.raises(ValueError):
        sim.set_now(datetime(2026, 1, 1))  # naive on purpose


# -- faults ------------------------------------------------------------------------------------


def test_http500_once_then_retry_succeeds(sim: Simulator) -> None:
    sim.add_fault(Fault("http500", path="/comments", times=1))
    failed = get(sim, f"/{POST}/comments")
    assert failed.status_code == 500
    error = failed.json()["error"]
    assert (error["code"], error["is_transient"], error["type"]) == (1, True, "OAuthException")
    assert error["message"] == "An unknown error has occurred."
    assert get(sim, f"/{POST}/comments").status_code == 200
    assert sim.fault_counts == Counter({"http500": 1})


@pytest.mark.parametrize(
    ("kind", "code", "headers"),
    [
        ("throttle_app", 4, {"x-app-usage"}),
        ("throttle_user", 17, {"x-business-use-case-usage"}),
        ("throttle_page", 32, {"x-business-use-case-usage", "x-page-usage"}),
    ],
)
def test_throttles_carry_code_and_usage_headers(
    sim: Simulator, kind: str, code: int, headers: set[str]
) -> None:
    sim.add_fault(Fault(kind, path="/blocked"))
    response = get(sim, f"/{PAGE.page_id}/blocked")
    error = error_of(response)
    assert error["code"] == code and error["is_transient"] is True
    assert error["message"].startswith(f"(#{code}) ")
    for name in headers:
        assert name in response.headers
    if "x-app-usage" in headers:
        assert json.loads(response.headers["x-app-usage"])["call_count"] == 100
    if "x-business-use-case-usage" in headers:
        usage = json.loads(response.headers["x-business-use-case-usage"])
        entry = usage[PAGE.page_id][0]
        assert {"type", "call_count", "estimated_time_to_regain_access"} <= set(entry)
    assert get(sim, f"/{PAGE.page_id}").status_code == 200  # path does not match
    assert sim.faults_fired == 1


def test_timeout_makes_a_short_client_time_out_and_stop_stays_prompt(sim: Simulator) -> None:
    sim.timeout_sleep = 5.0
    sim.add_fault(Fault("timeout", path="/comments", times=1))
    url = f"{sim.base_url}/{VERSION}/{POST}/comments"
    with pytest.raises((requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError)):
        requests.get(url, params={"access_token": PAGE.token}, timeout=0.2)
    assert requests.get(url, params={"access_token": PAGE.token}, timeout=5).status_code == 200
    began = time.monotonic()
    sim.stop()  # a handler is still sleeping on the fault
    assert time.monotonic() - began < 1.5


def test_cutoff_drops_the_connection_for_later_pages(sim: Simulator) -> None:
    sim.add_fault(Fault("cutoff", path=f"/{POST}/comments", after_items=2))
    first = get(sim, f"/{POST}/comments", filter="stream", limit=100)  # the page ends at the cut
    body = first.json()
    assert [c["id"] for c in body["data"]] == ["1_11", "1_12"]
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(body["paging"]["next"], timeout=5)
    assert sim.fault_counts["cutoff"] == 1
    assert get(sim, f"/{PAGE.page_id}/posts").status_code == 200  # other listings unaffected


def test_omit_leaves_an_item_out_of_listings_but_lookup_finds_it(sim: Simulator) -> None:
    scenario = sim.scenario
    sim.add_fault(Fault("omit", item_id="1_12", start=scenario.day(1, 0), end=scenario.day(2, 0)))
    listed = [c["id"] for c in walk(sim, get(sim, f"/{POST}/comments", filter="stream"))]
    assert "1_12" not in listed and "1_17" in listed
    assert get(sim, "/1_12", fields="id,is_hidden").json() == {"id": "1_12", "is_hidden": False}
    assert sim.fault_counts["omit"] == 1
    sim.set_now(scenario.day(2, 1))  # window over
    assert "1_12" in [c["id"] for c in get(sim, f"/{POST}/comments").json()["data"]]


def test_fault_window_and_unknown_kind() -> None:
    fault = Fault("http500", start=START, end=START.replace(day=6))
    assert fault.active_at(START) and not fault.active_at(START.replace(day=6))
    with pytest.raises(ValueError):
        Fault("explode")
    with pytest.raises(ValueError):
        Fault("omit")


# -- the SDK the collector uses ----------------------------------------------------------------


class RewritingSession(requests.Session):
    """Sends facebook-sdk's graph.facebook.com requests to the simulator instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if url.startswith(facebook.FACEBOOK_GRAPH_URL):
            url = self.base_url + "/" + url[len(facebook.FACEBOOK_GRAPH_URL) :]
        return super().request(method, url, *args, **kwargs)


def test_facebook_sdk_get_all_connections_walks_all_pages(sim: Simulator) -> None:
    graph = facebook.GraphAPI(access_token=PAGE.token, timeout=5)
    graph.version = VERSION
    graph.session = RewritingSession(sim.base_url)
    fields = "id,from,message,created_time,is_hidden,parent"
    comments = list(
        graph.get_all_connections(POST, "comments", filter="stream", fields=fields, limit=2)
    )
    assert [c["id"] for c in comments] == ["1_11", "1_12", "1_13", "1_15", "1_16", "1_17"]
    assert comments[2]["is_hidden"] is True and comments[4]["parent"] == {"id": "1_11"}
    comment_requests = [entry for entry in sim.request_log if entry[1].endswith("/comments")]
    assert len(comment_requests) == 3
    with pytest.raises(facebook.GraphAPIError) as gone:
        graph.get_object("1_14", fields="id")
    assert gone.value.result["error"]["error_subcode"] == 33


# -- scenarios ---------------------------------------------------------------------------------


def test_logs_mask_the_access_token(sim: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="modaudit.sandbox")
    sim.add_fault(Fault("cutoff", path=f"/{POST}/comments", after_items=1))
    first = get(sim, f"/{POST}/comments", limit=100).json()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(first["paging"]["next"], timeout=5)
    sim.stop()  # let the handler threads finish logging
    assert "access_token=***" in caplog.text
    assert PAGE.token not in caplog.text
