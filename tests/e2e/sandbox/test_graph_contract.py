"""The simulator's Graph answers (Pages and Instagram) against the contract in tests/contracts/graph.

The contract is written from Meta's Graph API reference (see its README); every call here is one
modaudit makes, errors included, and each answer must validate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from modaudit.sandbox import Fault, Simulator
from tests.support.graph_support import (
    AYSE,
    COMMENT_FIELDS,
    IG,
    IG_COMMENT_FIELDS,
    MEDIA,
    MEDIA_FIELDS,
    NO_MODERATE,
    OLD_POST,
    PAGE,
    POST,
    POST_FIELDS,
    TROLL,
    follow,
    get,
    ig_comment,
    running,
)

CONTRACT = json.loads(
    (Path(__file__).parents[2] / "contracts" / "graph" / "graph-contract.json").read_text("utf-8")
)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with running() as simulator:
        yield simulator


def conforms(body: Any, definition: str) -> Any:
    """Assert that `body` validates against the contract's `definition`; returns it."""
    schema = {"$schema": CONTRACT["$schema"], "$defs": CONTRACT["$defs"],
              "$ref": f"#/$defs/{definition}"}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=lambda e: e.json_path)
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors)
    return body


def ok(response: requests.Response, definition: str) -> Any:
    """A 200 answer that conforms to `definition`."""
    assert response.status_code == 200, response.text
    assert response.headers["facebook-api-version"] == "v25.0"
    return conforms(response.json(), definition)


def graph_error(response: requests.Response, status: int = 400) -> dict[str, Any]:
    """An error answer that conforms, with fbtrace_id equal to its x-fb-trace-id header."""
    assert response.status_code == status, response.text
    error = conforms(response.json(), "Error")["error"]
    assert error["fbtrace_id"] == response.headers["x-fb-trace-id"]
    return error


def has_fields(item: dict[str, Any], fields: str, *, absent: tuple[str, ...] = ()) -> None:
    """Every requested field is in the item except those documented as possibly absent."""
    wanted = {name.split(".")[0] for name in fields.split(",")} - set(absent)
    assert wanted <= set(item), f"missing {wanted - set(item)} in {item}"


# -- Pages -------------------------------------------------------------------------------------


def test_page_node(sim: Simulator) -> None:
    page = ok(get(sim, PAGE.page_id, fields="id,name"), "Page")
    assert page == {"id": PAGE.page_id, "name": PAGE.name}


def test_posts_with_comment_summaries(sim: Simulator) -> None:
    since = int(sim.scenario.day(-5).timestamp())
    body = ok(get(sim, f"{PAGE.page_id}/posts", fields=POST_FIELDS, since=since, limit=100),
              "PostListing")
    posts = {p["id"]: p for p in body["data"]}
    assert list(posts) == ["900100_3", POST]  # newest first; the old post is before `since`
    for post in posts.values():
        has_fields(post, POST_FIELDS)
        assert post["comments"]["data"] == []
        assert post["comments"]["summary"]["order"] == "ranked"
        assert post["comments"]["summary"]["can_comment"] is True
    assert posts[POST]["comments"]["summary"]["total_count"] == 4  # live, replies included
    assert posts["900100_3"]["comments"]["summary"]["total_count"] == 0
    assert "next" not in body["paging"] and "previous" not in body["paging"]


def test_comment_stream_with_summary(sim: Simulator) -> None:
    body = ok(get(sim, f"{POST}/comments", filter="stream", fields=COMMENT_FIELDS, limit=100,
                  summary="true"), "CommentListing")
    assert [c["id"] for c in body["data"]] == ["900100_2_1", "900100_2_2", "900100_2_3",
                                               "900100_2_4"]
    for comment in body["data"]:
        has_fields(comment, COMMENT_FIELDS, absent=("parent",))  # parent: replies only
    assert body["data"][2]["is_hidden"] is True and body["data"][3]["parent"] == {"id": "900100_2_2"}
    assert body["summary"] == {"order": "chronological", "total_count": 4, "can_comment": True}


def test_comment_listing_pages_conform_while_walking(sim: Simulator) -> None:
    page = ok(get(sim, f"{POST}/comments", filter="stream", fields=COMMENT_FIELDS, limit=3,
                  summary="true"), "CommentListing")
    assert "previous" not in page["paging"]
    second = conforms(follow(page["paging"]["next"]), "CommentListing")
    assert [c["id"] for c in second["data"]] == ["900100_2_4"]
    assert "next" not in second["paging"] and second["summary"]["total_count"] == 4
    back = conforms(follow(second["paging"]["previous"]), "CommentListing")
    assert [c["id"] for c in back["data"]] == [c["id"] for c in page["data"]]


def test_comments_without_moderate_task_conform_without_ids(sim: Simulator) -> None:
    body = ok(get(sim, "900200_1/comments", token=NO_MODERATE.token, filter="stream",
                  fields=COMMENT_FIELDS, limit=100, summary="true"), "CommentListing")
    assert len(body["data"]) == 2 and all("id" not in c for c in body["data"])
    for comment in body["data"]:
        has_fields(comment, COMMENT_FIELDS, absent=("id", "parent"))


def test_blocked_listing_and_per_user_check(sim: Simulator) -> None:
    blocked = ok(get(sim, f"{PAGE.page_id}/blocked", limit=100), "UserListing")
    assert blocked["data"] == [{"id": TROLL.user_id, "name": TROLL.name}]
    one = ok(get(sim, f"{PAGE.page_id}/blocked", user=TROLL.user_id), "UserListing")
    assert one["data"] == [{"id": TROLL.user_id, "name": TROLL.name}]
    assert ok(get(sim, f"{PAGE.page_id}/blocked", user=AYSE.user_id), "UserListing") == {"data": []}


def test_comment_lookup(sim: Simulator) -> None:
    fields = "id,is_hidden,created_time,permalink_url"
    comment = ok(get(sim, "900100_2_3", fields=fields), "Comment")
    has_fields(comment, fields)
    assert comment["is_hidden"] is True and comment["created_time"] == "2026-11-14T12:00:00+0000"


# -- Instagram ---------------------------------------------------------------------------------


def test_ig_user_media_comments_replies_and_lookups(sim: Simulator) -> None:
    token = IG.token
    user = ok(get(sim, IG.ig_user_id, token=token, fields="id,username"), "IGUser")
    assert user == {"id": IG.ig_user_id, "username": IG.username}
    media = ok(get(sim, f"{IG.ig_user_id}/media", token=token, fields=MEDIA_FIELDS, limit=100),
               "IGMediaListing")
    for item in media["data"]:
        has_fields(item, MEDIA_FIELDS)
    assert {m["id"]: m["comments_count"] for m in media["data"]} == {
        MEDIA[2]: 0, MEDIA[1]: 0, MEDIA[0]: 3}  # replies count, the deleted one does not
    comments = ok(get(sim, f"{MEDIA[0]}/comments", token=token, fields=IG_COMMENT_FIELDS,
                      limit=100), "IGCommentListing")
    for item in comments["data"]:
        has_fields(item, IG_COMMENT_FIELDS, absent=("parent_id",))
    assert {c["id"]: c["hidden"] for c in comments["data"]} == {ig_comment(2): True,
                                                                ig_comment(1): False}
    replies = ok(get(sim, f"{ig_comment(2)}/replies", token=token, fields=IG_COMMENT_FIELDS,
                     limit=100), "IGCommentListing")
    assert [(r["id"], r["parent_id"]) for r in replies["data"]] == [(ig_comment(3), ig_comment(2))]
    lookup = ok(get(sim, ig_comment(2), token=token, fields="id,hidden,timestamp"), "IGComment")
    assert lookup["hidden"] is True and set(lookup) == {"id", "hidden", "timestamp"}
    node = ok(get(sim, MEDIA[2], token=token, fields="id,is_comment_enabled,comments_count"),
              "IGMedia")
    assert node == {"id": MEDIA[2], "is_comment_enabled": False, "comments_count": 0}


# -- errors ------------------------------------------------------------------------------------


def test_unknown_token_is_190_with_trace_id(sim: Simulator) -> None:
    for path in (PAGE.page_id, f"{POST}/comments", f"{MEDIA[0]}/comments"):
        response = get(sim, path, token="not-a-token", fields="id")
        error = graph_error(response)
        assert (error["code"], error["type"]) == (190, "OAuthException")
        assert "invalid_token" in response.headers["www-authenticate"]


def test_deleted_comment_is_100_33(sim: Simulator) -> None:
    for path, token in (("900100_2_5", PAGE.token), (ig_comment(4), IG.token)):
        error = graph_error(get(sim, path, token=token, fields="id,is_hidden"))
        assert (error["code"], error["error_subcode"], error["type"]) == (100, 33,
                                                                          "GraphMethodException")


@pytest.mark.parametrize(("kind", "code"), [("throttle_app", 4), ("throttle_user", 17),
                                            ("throttle_page", 32)])
def test_throttles_conform(sim: Simulator, kind: str, code: int) -> None:
    sim.add_fault(Fault(kind, path="/comments", times=2))
    error = graph_error(get(sim, f"{POST}/comments", filter="stream", fields=COMMENT_FIELDS))
    assert error["code"] == code and error["is_transient"] is True
    error = graph_error(get(sim, f"{MEDIA[0]}/comments", token=IG.token, fields="id"))
    assert error["code"] == code


def test_server_error_conforms(sim: Simulator) -> None:
    sim.add_fault(Fault("http500", path="/posts", times=1))
    error = graph_error(get(sim, f"{PAGE.page_id}/posts", fields=POST_FIELDS), status=500)
    assert (error["code"], error["is_transient"]) == (1, True)


@pytest.mark.parametrize(("path", "params"), [
    (f"{POST}/comments", {"limit": "many"}),
    (f"{POST}/comments", {"filter": "everything"}),
    (f"{POST}/comments", {"fields": "id,nonsense"}),
    (f"{POST}/comments", {"after": "not-a-cursor"}),
    (f"{PAGE.page_id}/posts", {"since": "yesterday-ish"}),
    (f"{PAGE.page_id}/posts", {"fields": "id,comments.summary(true).bogus(1)"}),
    (f"{PAGE.page_id}/posts", {"fields": "id,comments.limit(0"}),
    (f"{PAGE.page_id}/blocked", {"user": "troll"}),
    (PAGE.page_id, {"fields": "id,tasks"}),  # a Page node documents no `tasks` field
    (OLD_POST, {"fields": "id,message.limit(1)"}),
])
def test_bad_parameters_are_100(sim: Simulator, path: str, params: dict[str, str]) -> None:
    error = graph_error(get(sim, path, **params))
    assert error["code"] == 100 and "error_subcode" not in error


def test_ig_bad_field_is_100(sim: Simulator) -> None:
    error = graph_error(get(sim, MEDIA[0], token=IG.token, fields="id,is_hidden"))
    assert error["code"] == 100 and "(IGMedia)" in error["message"]


def test_contract_rejects_what_the_reference_rules_out() -> None:
    """The contract is strict enough to catch the departures the quirk faults inject."""
    comment = {"id": "1_2", "is_hidden": "false", "created_time": "2026-11-16T10:00:00+0000"}
    with pytest.raises(AssertionError):
        conforms(comment, "Comment")
    with pytest.raises(AssertionError):
        conforms({"id": "1_2", "created_time": "2026-11-16T10:00:00Z"}, "Comment")
    with pytest.raises(AssertionError):
        conforms({"data": [{"id": "1"}]}, "UserListing")  # a non-empty page needs paging
    with pytest.raises(AssertionError):
        conforms({"error": {"message": "x", "code": "190", "type": "OAuthException"}}, "Error")
