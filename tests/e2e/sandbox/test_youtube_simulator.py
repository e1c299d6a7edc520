"""The YouTube subset of the simulator: the token endpoint, listings by moderation status, gone
comments, comments off, bans, quota per Pacific day, and the demo channel's ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.scenarios.youtube_demo import (
    YT_CHANNEL,
    youtube_demo_scenario,
    yt_comment_id,
    yt_video_id,
)
from modaudit.sandbox.youtube.quota import pacific_day
from tests.support.scenarios import night
from tests.support.yt_support import (
    AYSE,
    CHANNEL,
    OTHER,
    ROJDA,
    VIDEOS,
    cid,
    get,
    google_client,
    refresh,
    rid,
    small_yt_scenario,
)


@pytest.fixture
def scenario() -> Scenario:
    s = small_yt_scenario()
    s.yt_hold(s.day(1, 10), cid(3))  # hidden by the channel
    s.yt_reject(s.day(1, 11), cid(6), ban_author=True)  # gone; Rojda banned from the channel
    s.yt_comment(s.day(1, 12), VIDEOS[1], cid(7), ROJDA, "Neden sildiniz?")  # silently rejected
    s.yt_author_delete(s.day(1, 13), cid(5))  # gone, by Ayşe herself
    s.yt_comments(s.day(1, 14), VIDEOS[2], enabled=False)  # comments off
    return s


@pytest.fixture
def sim(scenario: Scenario) -> Iterator[Simulator]:
    with Simulator(scenario) as simulator:
        simulator.set_now(night(scenario, 1))
        yield simulator


def _error(response: Any) -> dict[str, Any]:
    """The single entry of a Google error envelope, after checking the envelope's shape."""
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "errors", "status"}
    assert error["code"] == response.status_code
    (entry,) = error["errors"]
    assert set(entry) == {"message", "domain", "reason"}
    return entry


def _threads(sim: Simulator, status: str, token: str = CHANNEL.access_token, **extra: Any) -> Any:
    """One page of the channel's threads under a moderation status."""
    params = {"part": "snippet,replies", "allThreadsRelatedToChannelId": CHANNEL.channel_id,
              "moderationStatus": status, "maxResults": 100, **extra}
    return get(sim, "commentThreads", token, **params)


def _ids(response: Any) -> list[str]:
    return [item["id"] for item in response.json()["items"]]


# -- the token endpoint ----------------------------------------------------------------------


def test_refresh_grant_issues_a_bearer_token_with_the_granted_scopes(sim: Simulator) -> None:
    answer = refresh(sim)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "https://www.googleapis.com/auth/youtube.force-ssl"
    assert get(sim, "channels", body["access_token"], part="id", mine="true").status_code == 200


@pytest.mark.parametrize("override", [{"refresh_token": "1//wrong"}, {"grant_type": "password"}])
def test_a_wrong_grant_is_refused_in_oauth_shape(sim: Simulator, override: dict[str, str]) -> None:
    answer = refresh(sim, **override)
    assert answer.status_code == 400
    assert set(answer.json()) == {"error", "error_description"}
    if "refresh_token" in override:
        assert answer.json() == {"error": "invalid_grant",
                                 "error_description": "Token has been expired or revoked."}


def test_a_revoked_refresh_token_is_invalid_grant_and_its_access_token_401() -> None:
    revoked = replace(CHANNEL, revoked=True)
    s = Scenario(start=small_yt_scenario().start, pages=[], youtube_channels=[revoked])
    with Simulator(s) as simulator:
        assert refresh(simulator, revoked).json()["error"] == "invalid_grant"
        answer = get(simulator, "channels", revoked.access_token, part="id", mine="true")
        assert answer.status_code == 401
        assert _error(answer)["reason"] == "authError"


def test_an_unknown_client_is_invalid_client(sim: Simulator) -> None:
    answer = refresh(sim, client_secret="GOCSPX-guess")
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_secrets_never_reach_the_request_log(sim: Simulator) -> None:
    refresh(sim)
    logged = repr(sim.request_log)
    assert "CANARY" not in logged
    assert ("POST", "/token", {"grant_type": "refresh_token", "client_id": CHANNEL.client_id}) in (
        sim.request_log
    )


def test_no_or_a_wrong_bearer_token_is_401_in_googles_envelope(sim: Simulator) -> None:
    missing = get(sim, "channels", None, part="id", mine="true")
    assert missing.status_code == 401
    assert _error(missing)["reason"] == "required"
    wrong = get(sim, "channels", "ya29.guess", part="id", mine="true")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["status"] == "UNAUTHENTICATED"


# -- channels, uploads, videos -----------------------------------------------------------------


def test_mine_names_the_uploads_playlist_whose_pages_are_newest_first(sim: Simulator) -> None:
    channel = get(sim, "channels", part="id,contentDetails", mine="true").json()["items"][0]
    assert channel["id"] == CHANNEL.channel_id
    uploads = channel["contentDetails"]["relatedPlaylists"]["uploads"]
    assert uploads == "UU" + CHANNEL.channel_id[2:]
    first = get(sim, "playlistItems", part="contentDetails", playlistId=uploads, maxResults=2).json()
    assert [i["contentDetails"]["videoId"] for i in first["items"]] == [VIDEOS[2], VIDEOS[1]]
    assert first["pageInfo"] == {"totalResults": 3, "resultsPerPage": 2}
    second = get(sim, "playlistItems", part="contentDetails", playlistId=uploads, maxResults=2,
                 pageToken=first["nextPageToken"]).json()
    assert [i["contentDetails"]["videoId"] for i in second["items"]] == [VIDEOS[0]]
    assert "nextPageToken" not in second


def test_bad_parameters_are_400s(sim: Simulator) -> None:
    uploads = CHANNEL.uploads_playlist_id
    assert _error(get(sim, "playlistItems", part="snippet", playlistId=uploads,
                      maxResults=51))["reason"] == "invalidValue"
    assert _error(get(sim, "playlistItems", part="snippet", playlistId=uploads,
                      pageToken="garbage"))["reason"] == "invalidPageToken"
    assert _error(get(sim, "channels", part="brandingSettings", mine="true"))["reason"] == "unknownPart"
    assert get(sim, "playlistItems", part="id", playlistId="UUnope").status_code == 404


def test_a_video_with_comments_off_has_no_comment_count(sim: Simulator) -> None:
    items = get(sim, "videos", part="statistics", id=",".join(VIDEOS)).json()["items"]
    counts = {i["id"]: i["statistics"].get("commentCount") for i in items}
    assert counts == {VIDEOS[0]: "9", VIDEOS[1]: "0", VIDEOS[2]: None}


# -- comment threads by moderation status -----------------------------------------------------------


def test_each_status_lists_its_own_threads_with_the_owners_moderation_status(sim: Simulator) -> None:
    assert _ids(_threads(sim, "published")) == [cid(2), cid(1)]
    held = _threads(sim, "heldForReview").json()["items"]
    assert [t["id"] for t in held] == [cid(3)]
    assert held[0]["snippet"]["topLevelComment"]["snippet"]["moderationStatus"] == "heldForReview"
    assert _ids(_threads(sim, "likelySpam")) == [cid(4)]


def test_a_thread_inlines_five_replies_and_comments_list_pages_them_all(sim: Simulator) -> None:
    threads = get(sim, "commentThreads", part="snippet,replies", videoId=VIDEOS[0]).json()["items"]
    thread = next(t for t in threads if t["id"] == cid(2))
    assert thread["snippet"]["totalReplyCount"] == 7
    assert len(thread["replies"]["comments"]) == 5
    seen: list[str] = []
    token = None
    while True:
        page = get(sim, "comments", part="snippet", parentId=cid(2), maxResults=3,
                   **({"pageToken": token} if token else {})).json()
        seen += [c["id"] for c in page["items"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert seen == [rid(2, n) for n in range(1, 8)]


def test_held_listings_need_the_owners_token_with_force_ssl(scenario: Scenario) -> None:
    readonly = replace(CHANNEL, scopes=("https://www.googleapis.com/auth/youtube.readonly",))
    scenario.youtube_channels[0] = readonly
    with Simulator(scenario) as simulator:
        simulator.set_now(night(scenario, 1))
        assert _error(_threads(simulator, "heldForReview", readonly.access_token))["reason"] == (
            "insufficientPermissions"
        )
        other = _threads(simulator, "heldForReview", OTHER.access_token)
        assert other.status_code == 403
        assert _error(other)["reason"] == "forbidden"
        public = _threads(simulator, "published", OTHER.access_token).json()["items"]
        assert all("moderationStatus" not in t["snippet"]["topLevelComment"]["snippet"] for t in public)


def test_gone_comments_answer_200_with_no_items_and_lookups_carry_no_status(sim: Simulator) -> None:
    gone = get(sim, "comments", part="snippet", id=f"{cid(5)},{cid(6)},{cid(7)}")
    assert gone.status_code == 200
    assert gone.json()["items"] == []
    held = get(sim, "comments", part="snippet", id=cid(3)).json()["items"]
    assert [c["id"] for c in held] == [cid(3)]
    assert "moderationStatus" not in held[0]["snippet"]


def test_a_banned_authors_later_comment_appears_nowhere(sim: Simulator) -> None:
    for status in ("published", "heldForReview", "likelySpam"):
        assert cid(7) not in _ids(_threads(sim, status))
    assert get(sim, "comments", part="snippet", id=cid(7)).json()["items"] == []


def test_comments_off_is_403_comments_disabled_and_leaves_the_channel_listing(sim: Simulator) -> None:
    answer = get(sim, "commentThreads", part="snippet", videoId=VIDEOS[2])
    assert answer.status_code == 403
    entry = _error(answer)
    assert (entry["reason"], entry["domain"]) == ("commentsDisabled", "youtube.commentThread")
    before = _ids(_threads(sim, "published"))
    assert all(not t.startswith(cid(6)) for t in before)


def test_text_format_html_escapes_and_plain_text_does_not(sim: Simulator) -> None:
    def top(fmt: str) -> dict[str, Any]:
        items = get(sim, "commentThreads", part="snippet", videoId=VIDEOS[0], textFormat=fmt).json()
        thread = next(t for t in items["items"] if t["id"] == cid(1))
        return thread["snippet"]["topLevelComment"]["snippet"]

    assert top("html")["textDisplay"] == "Teşekkürler 🙏<br>İkinci satır &amp; &lt;b&gt;"
    assert top("plainText")["textDisplay"] == "Teşekkürler 🙏\nİkinci satır & <b>"
    assert top("html")["authorChannelId"] == {"value": AYSE.channel_id}


# -- quota ------------------------------------------------------------------------------------------


def test_quota_counts_one_unit_per_call_and_resets_at_pacific_midnight() -> None:
    s = small_yt_scenario(daily_quota=3)
    with Simulator(s) as simulator:
        simulator.set_now(s.day(1, 7, 30))  # 23:30 Pacific, the day before
        for _ in range(3):
            assert get(simulator, "channels", part="id", mine="true").status_code == 200
        spent = get(simulator, "channels", part="id", mine="true")
        assert spent.status_code == 403
        entry = _error(spent)
        assert (entry["reason"], entry["domain"]) == ("quotaExceeded", "youtube.quota")
        assert simulator.youtube_quota_used(CHANNEL.client_id) == 3
        simulator.set_now(s.day(1, 8, 0))  # midnight Pacific (PST, UTC-8)
        assert pacific_day(simulator.now) == pacific_day(s.day(1, 7, 30)) + timedelta(days=1)
        assert get(simulator, "channels", part="id", mine="true").status_code == 200
        assert simulator.youtube_quota_used(CHANNEL.client_id) == 1
        assert simulator.youtube_quota_used(OTHER.client_id) == 0


# -- Google's own client ------------------------------------------------------------------------


def test_google_api_python_client_refreshes_and_reads(sim: Simulator) -> None:
    youtube = google_client(sim)
    mine = youtube.channels().list(part="contentDetails", mine=True).execute()
    assert mine["items"][0]["id"] == CHANNEL.channel_id
    held = youtube.commentThreads().list(part="snippet,replies", moderationStatus="heldForReview",
                                         allThreadsRelatedToChannelId=CHANNEL.channel_id).execute()
    assert [t["id"] for t in held["items"]] == [cid(3)]
    with pytest.raises(HttpError) as raised:
        youtube.commentThreads().list(part="snippet", videoId=VIDEOS[2]).execute()
    assert raised.value.resp.status == 403
    assert raised.value.reason and "disabled comments" in raised.value.reason


# -- the demo channel ---------------------------------------------------------------------------


def test_the_demo_channels_ground_truth() -> None:
    s = youtube_demo_scenario()
    truths = [(t.kind, t.subject_id) for t in s.ground_truth()]
    c, v = yt_comment_id, yt_video_id
    assert truths == [
        ("comment_hidden", c("c05")), ("replies_restricted", v("v3")),
        ("comment_deleted", c("c07")), ("comment_deleted", c("c02")),
        ("comment_deleted", c("c05")), ("replies_reopened", v("v3")),
        ("comment_hidden", c("c14")), ("replies_restricted", v("v5")),
        ("comment_unhidden", c("c14")), ("comment_hidden", c("c21")),
    ]  # fmt: skip
    assert all(s.day(1) <= t.at < s.day(7) for t in s.ground_truth())
    assert c("c04") not in {subject for _, subject in truths}  # YouTube's spam filter: no finding


def test_the_demo_channel_serves_its_week() -> None:
    s = youtube_demo_scenario(faults=False)
    with Simulator(s) as simulator:
        simulator.set_now(night(s, 7))
        token = YT_CHANNEL.access_token
        params = {"part": "snippet", "allThreadsRelatedToChannelId": YT_CHANNEL.channel_id,
                  "maxResults": 100}

        def listed(status: str) -> list[str]:
            answer = get(simulator, "commentThreads", token, moderationStatus=status, **params)
            return _ids(answer)

        assert yt_comment_id("c04") in listed("likelySpam")
        assert yt_comment_id("c06") in listed("heldForReview")  # for its held reply c21
        assert yt_comment_id("c15") not in listed("published")  # the banned author's
        gone = get(simulator, "comments", token, part="snippet",
                   id=",".join(yt_comment_id(k) for k in ("c02", "c03", "c05", "c07", "c08")))
        assert gone.json()["items"] == []
        answer = get(simulator, "commentThreads", token, part="snippet", videoId=yt_video_id("v5"))
        assert _error(answer)["reason"] == "commentsDisabled"
