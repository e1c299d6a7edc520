"""Real Graph quirks as injectable faults (Pages and Instagram), and the MODERATE task rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from modaudit.sandbox import Fault, Simulator
from tests.support.graph_support import (
    COMMENT_FIELDS,
    IG,
    IG_COMMENT_FIELDS,
    MEDIA,
    MEDIA_FIELDS,
    NEW_POST,
    NO_MODERATE,
    OLD_POST,
    PAGE,
    POST,
    POST_FIELDS,
    follow,
    get,
    ig_comment,
    running,
)

STREAM = ("900100_2_1", "900100_2_2", "900100_2_3", "900100_2_4")


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with running() as simulator:
        yield simulator


def stream(sim: Simulator, **params: str | int) -> dict[str, Any]:
    """The first page of POST's comment stream with modaudit's fields."""
    response = get(sim, f"{POST}/comments", filter="stream", fields=COMMENT_FIELDS, **params)
    assert response.status_code == 200, response.text
    return response.json()


def query_of(url: str) -> dict[str, list[str]]:
    """The query parameters of a link, blank ones kept."""
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


# -- paging quirks -----------------------------------------------------------------------------


def test_repeat_cursor_hands_back_the_cursor_it_was_asked_with(sim: Simulator) -> None:
    sim.add_fault(Fault("repeat_cursor", path="/comments", after_items=2))
    first = stream(sim, limit=2)
    assert [c["id"] for c in first["data"]] == list(STREAM[:2])
    carried = first["paging"]["cursors"]["after"]
    assert sim.fault_counts["repeat_cursor"] == 0  # the first page carried no cursor
    second = follow(first["paging"]["next"])
    assert [c["id"] for c in second["data"]] == list(STREAM[2:])
    assert second["paging"]["cursors"]["after"] == carried
    assert query_of(second["paging"]["next"])["after"] == [carried]  # although this is the end
    third = follow(second["paging"]["next"])
    assert third["data"] == second["data"]  # a client without a loop guard never stops
    assert sim.fault_counts["repeat_cursor"] == 2


def test_repeat_page_serves_the_page_before_again_with_the_same_cursor(sim: Simulator) -> None:
    sim.add_fault(Fault("repeat_page", path="/comments", after_items=2))
    first = stream(sim, limit=2)
    carried = first["paging"]["cursors"]["after"]
    again = follow(first["paging"]["next"])
    assert again["data"] == first["data"]  # the platform ignored the cursor
    assert query_of(again["paging"]["next"])["after"] == [carried]  # and hands it back, forever
    assert follow(again["paging"]["next"])["data"] == first["data"]
    assert sim.fault_counts["repeat_page"] == 2


def test_overlap_pages_repeat_the_previous_pages_last_items_and_end(sim: Simulator) -> None:
    sim.add_fault(Fault("overlap_pages", path="/comments", after_items=2, overlap=1))
    page, seen = stream(sim, limit=2), []
    seen += [c["id"] for c in page["data"]]
    while "next" in page["paging"]:
        page = follow(page["paging"]["next"])
        seen += [c["id"] for c in page["data"]]
    # Cursor drift: each later page starts one item early; the listing still ends.
    assert seen == [STREAM[0], STREAM[1], STREAM[1], STREAM[2], STREAM[2], STREAM[3]]
    assert sim.fault_counts["overlap_pages"] == 2


def test_empty_pages_go_on_forever_with_fresh_cursors(sim: Simulator) -> None:
    sim.add_fault(Fault("empty_pages", path="/comments", after_items=2))
    page = stream(sim, limit=100)
    assert [c["id"] for c in page["data"]] == list(STREAM[:2]) and "next" in page["paging"]
    cursors = set()
    for _ in range(4):
        page = follow(page["paging"]["next"])
        assert page["data"] == [] and page["paging"]["next"]
        cursors.add(page["paging"]["cursors"]["after"])
    assert len(cursors) == 4
    assert sim.fault_counts["empty_pages"] == 4
    posts = get(sim, f"{PAGE.page_id}/posts", fields="id", limit=1).json()
    assert len(posts["data"]) == 1 and follow(posts["paging"]["next"])["data"]  # path not matched


def test_empty_pages_leave_a_listing_that_ends_before_the_offset_alone(sim: Simulator) -> None:
    sim.add_fault(Fault("empty_pages", path="/comments", after_items=10))
    page = stream(sim, limit=100)
    assert len(page["data"]) == 4 and "next" not in page["paging"]
    assert sim.faults_fired == 0


def test_blank_since_next_links_are_time_paged_without_fields(sim: Simulator) -> None:
    sim.add_fault(Fault("blank_since", path="/posts"))
    since = int(sim.scenario.day(-5).timestamp())
    first = get(sim, f"{PAGE.page_id}/posts", fields=POST_FIELDS, since=since, limit=1).json()
    assert [p["id"] for p in first["data"]] == [NEW_POST]
    next_url = first["paging"]["next"]
    query = urlsplit(next_url).query
    assert "&since&" in query and query.endswith(f"access_token={PAGE.token}")
    params = query_of(next_url)
    assert params["since"] == [""] and params["limit"] == ["1"] and "fields" not in params
    assert params["until"] == [str(int(sim.scenario.day(-1, 9).timestamp()))]
    assert params["__paging_token"][0].startswith("enc_")
    second = follow(next_url)
    assert second["data"] == [{"created_time": "2026-11-14T09:00:00+0000",
                               "message": "Yol çalışması", "id": POST}]  # default Post fields
    third = follow(second["paging"]["next"])
    assert [p["id"] for p in third["data"]] == [OLD_POST]  # `since` was lost: past the window
    assert "next" not in third["paging"]
    assert sim.fault_counts["blank_since"] == 2


def test_blank_since_on_comment_and_media_edges(sim: Simulator) -> None:
    sim.add_fault(Fault("blank_since", path="/comments"))
    sim.add_fault(Fault("blank_since", path="/media"))
    first = stream(sim, limit=3, summary="true")
    params = query_of(first["paging"]["next"])
    assert params["filter"] == ["stream"] and "fields" not in params and params["since"] == [""]
    second = follow(first["paging"]["next"])
    assert second["data"] == [{"created_time": "2026-11-14T13:00:00+0000", "from": {
        "id": "5001", "name": "Ayşe Yılmaz"}, "message": "Cevap", "id": "900100_2_4"}]
    assert second["summary"]["total_count"] == 4
    media = get(sim, f"{IG.ig_user_id}/media", token=IG.token, fields=MEDIA_FIELDS, limit=2).json()
    rest = follow(media["paging"]["next"])
    assert rest["data"] == [{"id": MEDIA[0]}]  # IG Media's default fields: id only


# -- field quirks ------------------------------------------------------------------------------


def test_drop_field_in_listings_and_lookups(sim: Simulator) -> None:
    sim.add_fault(Fault("drop_field", path="/comments", field="is_hidden"))
    assert all("is_hidden" not in c for c in stream(sim)["data"])
    assert "is_hidden" in get(sim, "900100_2_3", fields="id,is_hidden").json()  # path: listings
    sim.add_fault(Fault("drop_field", field="created_time", item_id="900100_2_3"))
    listed = {c["id"]: c for c in stream(sim)["data"]}
    assert "created_time" not in listed["900100_2_3"] and "created_time" in listed["900100_2_1"]
    lookup = get(sim, "900100_2_3", fields="id,is_hidden,created_time").json()
    assert lookup == {"id": "900100_2_3", "is_hidden": True}
    assert sim.fault_counts["drop_field"] == 4


def test_drop_field_on_instagram(sim: Simulator) -> None:
    sim.add_fault(Fault("drop_field", field="hidden", item_id=ig_comment(2)))
    sim.add_fault(Fault("drop_field", path=MEDIA[2], field="is_comment_enabled"))
    comments = get(sim, f"{MEDIA[0]}/comments", token=IG.token, fields=IG_COMMENT_FIELDS).json()
    assert {c["id"]: "hidden" in c for c in comments["data"]} == {ig_comment(2): False,
                                                                  ig_comment(1): True}
    node = get(sim, MEDIA[2], token=IG.token, fields="id,is_comment_enabled,comments_count").json()
    assert node == {"id": MEDIA[2], "comments_count": 0}


def test_retype_field_as_string_or_given_value(sim: Simulator) -> None:
    sim.add_fault(Fault("retype_field", path="/comments", field="is_hidden"))
    assert [c["is_hidden"] for c in stream(sim)["data"]] == ["false", "false", "true", "false"]
    sim.add_fault(Fault("retype_field", path=ig_comment(1), field="hidden", value=0))
    assert get(sim, ig_comment(1), token=IG.token, fields="id,hidden").json()["hidden"] == 0
    sim.add_fault(Fault("retype_field", path=MEDIA[0], field="comments_count"))
    node = get(sim, MEDIA[0], token=IG.token, fields="id,comments_count").json()
    assert node["comments_count"] == "3"
    assert sim.fault_counts["retype_field"] == 3


def test_wrong_object_answers_a_lookup_with_another_node(sim: Simulator) -> None:
    sim.add_fault(Fault("wrong_object", path="/900100_2_1", times=1))
    wrong = get(sim, "900100_2_1", fields="id,is_hidden,created_time,permalink_url").json()
    assert wrong["id"] != "900100_2_1" and wrong["id"].startswith("900100_")
    assert get(sim, "900100_2_1", fields="id").json() == {"id": "900100_2_1"}  # times=1 used up
    sim.add_fault(Fault("wrong_object", path=MEDIA[0], item_id=MEDIA[2]))
    media = get(sim, MEDIA[0], token=IG.token, fields="id,is_comment_enabled,comments_count").json()
    assert media == {"id": MEDIA[2], "is_comment_enabled": False, "comments_count": 0}
    sim.add_fault(Fault("wrong_object", path=ig_comment(1)))
    assert get(sim, ig_comment(1), token=IG.token, fields="id").json()["id"] != ig_comment(1)
    assert sim.fault_counts["wrong_object"] == 3


def test_shape_faults_respect_window_and_times(sim: Simulator) -> None:
    later = sim.scenario.day(5)
    sim.add_fault(Fault("drop_field", field="message", start=later))
    assert all("message" in c for c in stream(sim)["data"])
    sim.set_now(later)
    assert all("message" not in c for c in stream(sim)["data"])
    sim.add_fault(Fault("retype_field", field="is_hidden", times=1))
    assert isinstance(stream(sim)["data"][0]["is_hidden"], str)
    assert isinstance(stream(sim)["data"][0]["is_hidden"], bool)
    with pytest.raises(ValueError):
        Fault("drop_field")


# -- MODERATE, blocked, summaries, expansions --------------------------------------------------


def test_without_moderate_comments_are_listed_without_id(sim: Simulator) -> None:
    token = NO_MODERATE.token
    listed = get(sim, "900200_1/comments", token=token, filter="stream", fields=COMMENT_FIELDS)
    comments = listed.json()["data"]
    assert [c["message"] for c in comments] == ["Güzel", "Katılıyorum"]
    assert all("id" not in c and "is_hidden" in c and "from" in c for c in comments)
    assert comments[1]["parent"] == {"id": "900200_1_1"}
    replies = get(sim, "900200_1_1/comments", token=token, fields="id,message").json()["data"]
    assert replies == [{"message": "Katılıyorum"}]
    assert get(sim, "900200_1_1", token=token, fields="id").json() == {"id": "900200_1_1"}
    assert all("id" in c for c in stream(sim)["data"])  # the default tasks include MODERATE
    assert PAGE.tasks == ("ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT",
                          "MANAGE")


def test_page_node_has_no_tasks_field(sim: Simulator) -> None:
    error = get(sim, PAGE.page_id, fields="id,tasks").json()["error"]
    assert error["code"] == 100 and "(tasks)" in error["message"]


def test_blocked_user_parameter(sim: Simulator) -> None:
    banned = get(sim, f"{PAGE.page_id}/blocked", user="5003").json()
    assert banned["data"] == [{"id": "5003", "name": "Trol"}]
    assert get(sim, f"{PAGE.page_id}/blocked", uid="5001").json() == {"data": []}
    assert get(sim, f"{PAGE.page_id}/blocked", user="5001", fields="id").json() == {"data": []}


def test_comment_summaries_and_post_expansion(sim: Simulator) -> None:
    toplevel = get(sim, f"{POST}/comments", summary="1").json()
    assert [c["id"] for c in toplevel["data"]] == ["900100_2_1", "900100_2_2", "900100_2_3"]
    assert toplevel["summary"] == {"order": "ranked", "total_count": 4, "can_comment": True}
    newest = get(sim, f"{POST}/comments", order="reverse_chronological", summary="true").json()
    assert newest["summary"]["order"] == "reverse_chronological"
    replies = get(sim, "900100_2_2/comments", summary="true").json()
    assert replies["summary"]["total_count"] == 1
    assert "summary" not in get(sim, f"{POST}/comments", summary="false").json()
    posts = get(sim, f"{PAGE.page_id}/posts",
                fields="id,comments.limit(2).filter(stream){id,is_hidden}").json()["data"]
    expanded = {p["id"]: p.get("comments") for p in posts}
    assert expanded[NEW_POST] is None  # an empty edge without summary is left out
    edge = expanded[POST]
    assert edge["data"] == [{"id": "900100_2_1", "is_hidden": False},
                            {"id": "900100_2_2", "is_hidden": False}]
    rest = follow(edge["paging"]["next"])
    assert [c["id"] for c in rest["data"]] == ["900100_2_3", "900100_2_4"]
    bad = get(sim, f"{PAGE.page_id}/posts", fields="id,comments.since(1)").json()["error"]
    assert bad["code"] == 100


def test_cutoff_meets_time_paged_links(sim: Simulator) -> None:
    sim.add_fault(Fault("blank_since", path="/posts"))
    sim.add_fault(Fault("cutoff", path="/posts", after_items=1))
    first = get(sim, f"{PAGE.page_id}/posts", fields="id", limit=100).json()
    assert [p["id"] for p in first["data"]] == [NEW_POST]  # the page ends at the cut
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(first["paging"]["next"], timeout=5)  # the token's offset is past the cut
    assert sim.fault_counts["cutoff"] == 1
