"""The YouTube simulator's answers, held to Google's discovery document for youtube v3.

The document is the one google-api-python-client ships and reads itself (static_discovery=True);
no copy is kept here. Requests go through that client with refresh-token credentials from
google-auth; every answer is validated against the schema of its method's response, the fields
the collector relies on are checked present, and every query parameter sent (and every one the
simulator accepts) is checked to exist in the method's `parameters`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from googleapiclient.errors import HttpError

from modaudit.sandbox import Fault, Scenario, Simulator
from modaudit.sandbox.youtube.handlers import COMMON_PARAMS, PARAMS
from tests.support.scenarios import night
from tests.support.yt_discovery import discovery, method, missing, schema_errors
from tests.support.yt_support import CHANNEL, VIDEOS, cid, google_client, small_yt_scenario

REVISION = "20261104"  # the youtube v3 document in google-api-python-client 2.202.0
RESOURCE_OF = {  # a list response's `kind` -> its method's resource
    "youtube#channelListResponse": "channels",
    "youtube#playlistItemListResponse": "playlistItems",
    "youtube#videoListResponse": "videos",
    "youtube#commentThreadListResponse": "commentThreads",
    "youtube#commentListResponse": "comments",
}
LIST_FIELDS = ["kind", "etag", "items", "pageInfo.totalResults", "pageInfo.resultsPerPage"]
COMMENT_FIELDS = ["id", "snippet.videoId", "snippet.channelId", "snippet.textDisplay",
                  "snippet.textOriginal", "snippet.authorDisplayName", "snippet.authorChannelId.value",
                  "snippet.publishedAt", "snippet.updatedAt"]
# What the collector reads from each item (kept in step by hand: the sandbox tests do not import it).
ITEM_FIELDS = {
    "youtube#channel": ["id", "snippet.title", "contentDetails.relatedPlaylists.uploads"],
    "youtube#playlistItem": ["id", "snippet.publishedAt", "snippet.title", "contentDetails.videoId",
                             "contentDetails.videoPublishedAt"],
    "youtube#video": ["id", "snippet.title", "snippet.publishedAt", "snippet.channelId", "statistics"],
    "youtube#commentThread": ["id", "snippet.videoId", "snippet.channelId", "snippet.totalReplyCount",
                              "snippet.canReply", *("snippet.topLevelComment." + f for f in COMMENT_FIELDS)],
    "youtube#comment": COMMENT_FIELDS,
}
ENVELOPE = {"code", "message", "errors", "status"}
Answer = tuple[frozenset[str], dict[str, Any]]  # the parts asked, the answer


@pytest.fixture(name="scenario", scope="module")
def contract_scenario() -> Scenario:
    """The small channel with a held comment, a gone one and a video whose comments are off."""
    s = small_yt_scenario()
    s.yt_hold(s.day(1, 10), cid(3))
    s.yt_reject(s.day(1, 11), cid(6))
    s.yt_comments(s.day(1, 14), VIDEOS[2], enabled=False)
    return s


@pytest.fixture(name="sim", scope="module")
def contract_sim(scenario: Scenario) -> Iterator[Simulator]:
    with Simulator(scenario) as simulator:
        simulator.set_now(night(scenario, 1))
        yield simulator


@pytest.fixture(name="answers", scope="module")
def client_answers(sim: Simulator) -> list[Answer]:
    """Every answer of a night's reading through google-api-python-client, pages included."""
    youtube = google_client(sim)
    answers: list[Answer] = []

    def run(request: Any, collection: Any) -> None:
        while request is not None:
            answer = request.execute(num_retries=0)
            parts = parse_qs(urlsplit(request.uri).query)["part"][0].split(",")
            answers.append((frozenset(parts), answer))
            request = collection.list_next(request, answer)

    run(youtube.channels().list(part="id,snippet,contentDetails,statistics,status", mine=True),
        youtube.channels())
    run(youtube.channels().list(part="snippet", id=CHANNEL.channel_id), youtube.channels())
    run(youtube.channels().list(part="id", forHandle=CHANNEL.handle), youtube.channels())
    run(youtube.playlistItems().list(part="id,snippet,contentDetails,status",
                                     playlistId=CHANNEL.uploads_playlist_id, maxResults=2),
        youtube.playlistItems())
    run(youtube.videos().list(part="id,snippet,contentDetails,statistics,status", id=",".join(VIDEOS)),
        youtube.videos())
    for status in ("published", "heldForReview", "likelySpam"):
        for text_format in ("html", "plainText"):
            run(youtube.commentThreads().list(
                part="id,snippet,replies", allThreadsRelatedToChannelId=CHANNEL.channel_id,
                moderationStatus=status, maxResults=1, textFormat=text_format, order="time"),
                youtube.commentThreads())
    run(youtube.commentThreads().list(part="snippet,replies", videoId=VIDEOS[0], maxResults=100),
        youtube.commentThreads())
    run(youtube.commentThreads().list(part="snippet", id=f"{cid(1)},{cid(2)}"), youtube.commentThreads())
    run(youtube.comments().list(part="id,snippet", parentId=cid(2), maxResults=3), youtube.comments())
    run(youtube.comments().list(part="snippet", id=f"{cid(1)},{cid(3)},{cid(6)}"), youtube.comments())
    return answers


def test_the_installed_document_is_the_revision_this_contract_was_written_against() -> None:
    # A newer google-api-python-client ships a newer document: re-run this contract, read the
    # differences, and move REVISION when the simulator still holds.
    assert discovery()["revision"] == REVISION


def test_every_answer_validates_against_its_method_response_schema(answers: list[Answer]) -> None:
    assert len(answers) > 20  # pages included
    for _, answer in answers:
        resource = RESOURCE_OF[answer["kind"]]
        schema = method(resource)["response"]["$ref"]
        assert schema_errors(answer, schema) == [], answer["kind"]


def test_every_answer_has_the_fields_the_collector_relies_on(answers: list[Answer]) -> None:
    kinds = set()
    for parts, answer in answers:
        assert missing(answer, LIST_FIELDS) == []
        for item in answer["items"]:
            kinds.add(item["kind"])
            asked = [f for f in ITEM_FIELDS[item["kind"]] if f.split(".")[0] in parts | {"id"}]
            assert missing(item, asked) == [], item["id"]
            # Exactly the asked parts ("replies" only on a thread that has replies to inline).
            assert parts - {"id", "replies"} <= set(item) <= parts | {"kind", "etag", "id"}
            for reply in item.get("replies", {}).get("comments", []):
                assert missing(reply, [*COMMENT_FIELDS, "snippet.parentId"]) == []
    assert kinds == set(ITEM_FIELDS)


def test_owner_listings_carry_moderation_status_and_id_lookups_do_not(answers: list[Answer]) -> None:
    statuses = set()
    for _, answer in answers:
        for item in answer["items"]:
            if item["kind"] == "youtube#commentThread":
                statuses.add(item["snippet"]["topLevelComment"]["snippet"].get("moderationStatus"))
    assert statuses == {"published", "heldForReview", "likelySpam", None}  # None: the id lookup
    lookup = answers[-1][1]
    assert [c["id"] for c in lookup["items"]] == [cid(1), cid(3)]  # the rejected cid(6): absent
    assert all("moderationStatus" not in c["snippet"] for c in lookup["items"])


def test_paged_listings_hand_out_next_page_tokens(answers: list[Answer]) -> None:
    tokens = [a["nextPageToken"] for _, a in answers if "nextPageToken" in a]
    assert tokens
    assert all(isinstance(t, str) and t for t in tokens)


def test_every_parameter_sent_exists_in_the_discovery_method(sim: Simulator, answers: Any) -> None:
    common = set(discovery()["parameters"])
    seen = set()
    for verb, path, query in sim.request_log:
        if not path.startswith("/youtube/v3/"):
            assert (verb, path) == ("POST", "/token")
            continue
        resource = path.removeprefix("/youtube/v3/")
        parameters = method(resource)["parameters"]
        for name, value in query.items():
            assert name in parameters or name in common, f"{resource}.list?{name}"
            seen.add((resource, name))
            if name in parameters and "enum" in parameters[name]:
                assert value in parameters[name]["enum"], f"{resource}.list?{name}={value}"
    assert ("commentThreads", "moderationStatus") in seen


def test_every_parameter_the_simulator_accepts_exists_in_the_discovery_method() -> None:
    for resource, accepted in PARAMS.items():
        assert accepted <= set(method(resource)["parameters"]), resource
    assert set(COMMON_PARAMS) - {"key", "access_token"} <= set(discovery()["parameters"])


def test_the_token_endpoint_is_what_google_auth_refreshed_against(sim: Simulator, answers: Any) -> None:
    refreshes = [entry for entry in sim.request_log if entry[1] == "/token"]
    assert len(refreshes) == 1  # one refresh, then the access token is reused
    assert refreshes[0][2]["grant_type"] == "refresh_token"


def _error_of(raised: HttpError) -> dict[str, Any]:
    """The envelope of an error answer, checked for Google's shape."""
    body = json.loads(raised.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == ENVELOPE
    assert all(set(e) == {"message", "domain", "reason"} for e in body["error"]["errors"])
    return dict(body["error"])


@pytest.mark.parametrize(
    ("fault", "status", "reason"),
    [(None, 403, "commentsDisabled"), ("quota_exceeded", 403, "quotaExceeded"),
     ("http500", 500, "backendError")],
)
def test_error_answers_reach_the_client_in_googles_envelope(
    scenario: Scenario, fault: str | None, status: int, reason: str
) -> None:
    with Simulator(scenario) as simulator:
        simulator.set_now(night(scenario, 1))
        if fault is not None:
            simulator.add_fault(Fault(fault, path="/youtube/v3/commentThreads", times=1))
        youtube = google_client(simulator)
        with pytest.raises(HttpError) as raised:
            youtube.commentThreads().list(part="snippet", videoId=VIDEOS[2]).execute(num_retries=0)
        assert raised.value.resp.status == status
        error = _error_of(raised.value)
        assert error["code"] == status
        assert error["errors"][0]["reason"] == reason


def test_the_schema_checker_notices_unknown_fields_wrong_types_and_enum_values() -> None:
    comment = {"kind": "youtube#comment", "id": "x", "snippet": {"likeCount": "3", "surprise": 1,
                                                                 "viewerRating": "meh"}}
    errors = schema_errors({"items": [comment], "pageInfo": {"totalResults": True}},
                           "CommentListResponse")
    assert sorted(errors) == [
        "$.items[0].snippet.likeCount: str where the schema says integer",
        "$.items[0].snippet.surprise: not a field of the schema",
        "$.items[0].snippet.viewerRating: 'meh' is not one of ['none', 'like', 'dislike']",
        "$.pageInfo.totalResults: bool where the schema says integer",
    ]
