"""The YouTube part of the scenario model: statuses, bans, refusals and ground truth (no server)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from modaudit.sandbox import Scenario, ScenarioError
from modaudit.sandbox.world.youtube import YTAuthor, YTChannelSpec
from modaudit.sandbox.youtube.paging import decode_token, encode_token
from modaudit.sandbox.youtube.quota import QuotaBook, pacific_day

CHANNEL = YTChannelSpec("UCdunyaKanali00000000001", "Dünya Belediyesi", "@dunyabelediyesi",
                        "333.apps.googleusercontent.com", "GOCSPX-x", "1//r")
ELIF = YTAuthor("UCelifArslan000000000001", "@elifarslan")
HAKAN = YTAuthor("UChakanKurt0000000000002", "@hakankurt")
START = datetime(2026, 11, 16, tzinfo=UTC)


def world() -> Scenario:
    s = Scenario(start=START, pages=[], youtube_channels=[CHANNEL])
    s.yt_video(s.day(0, 9), CHANNEL.channel_id, "DunyaVid001", "Duyuru")
    s.yt_comment(s.day(0, 10), "DunyaVid001", "Ugw1", ELIF, "Merhaba")
    s.yt_comment(s.day(0, 11), "DunyaVid001", "Ugw1.a", HAKAN, "Yanıt", parent_id="Ugw1")
    s.yt_comment(s.day(0, 12), "DunyaVid001", "Ugw2", HAKAN, "Reklam", likely_spam=True)
    s.yt_comment(s.day(0, 13), "DunyaVid001", "Ugw3", HAKAN, "Eleştiri")
    return s


def test_the_uploads_playlist_and_access_token_follow_from_the_channel() -> None:
    assert CHANNEL.uploads_playlist_id == "UUdunyaKanali00000000001"
    assert CHANNEL.access_token.startswith("ya29.")
    assert "1//r" not in CHANNEL.access_token


def test_hold_approve_reject_and_a_ban_move_statuses() -> None:
    s = world()
    s.yt_hold(s.day(1, 9), "Ugw3")
    s.yt_approve(s.day(1, 10), "Ugw3")
    s.yt_reject(s.day(1, 11), "Ugw1", ban_author=True)
    s.yt_comment(s.day(1, 12), "DunyaVid001", "Ugw4", ELIF, "Yine ben")
    state = s.state_at(s.day(2)).youtube
    statuses = {cid: c.status for cid, c in state.comments.items()}
    assert statuses == {"Ugw1": "rejected", "Ugw1.a": "rejected", "Ugw2": "likelySpam",
                        "Ugw3": "published", "Ugw4": "rejected"}
    assert state.banned == {CHANNEL.channel_id: {ELIF.channel_id}}
    assert s.state_at(s.day(1, 9, 30)).youtube.comments["Ugw3"].status == "heldForReview"


def test_ground_truth_skips_the_spam_filter_and_counts_author_deletions() -> None:
    s = world()
    s.yt_hold(s.day(1, 9), "Ugw3")
    s.yt_approve(s.day(1, 10), "Ugw2")  # never published: approving YouTube's catch is no un-hide
    s.yt_approve(s.day(1, 11), "Ugw3")
    s.yt_author_delete(s.day(2, 9), "Ugw1.a")
    s.yt_comments(s.day(2, 10), "DunyaVid001", enabled=False)
    s.yt_comments(s.day(2, 11), "DunyaVid001", enabled=False)  # no change: no truth
    s.yt_comments(s.day(3, 10), "DunyaVid001", enabled=True)
    truths = [(t.kind, t.subject_id) for t in s.ground_truth()]
    assert truths == [("comment_hidden", "Ugw3"), ("comment_unhidden", "Ugw3"),
                      ("comment_deleted", "Ugw1.a"), ("replies_restricted", "DunyaVid001"),
                      ("replies_reopened", "DunyaVid001")]


def test_a_video_published_with_comments_off_is_restricted_from_the_start() -> None:
    s = Scenario(start=START, pages=[], youtube_channels=[CHANNEL])
    s.yt_video(s.day(0, 9), CHANNEL.channel_id, "DunyaVid002", "Kapalı", comments_enabled=False)
    assert [(t.kind, t.subject_id) for t in s.ground_truth()] == [("replies_restricted", "DunyaVid002")]


@pytest.mark.parametrize("mistake", ["off", "reply_to_reply", "bad_hold", "gone_twice", "unknown"])
def test_impossible_actions_are_refused(mistake: str) -> None:
    s = world()
    if mistake == "off":
        s.yt_comments(s.day(1), "DunyaVid001", enabled=False)
        s.yt_comment(s.day(1, 12), "DunyaVid001", "Ugw9", ELIF, "Kapalıyken")
    elif mistake == "reply_to_reply":
        s.yt_comment(s.day(1), "DunyaVid001", "Ugw1.b", ELIF, "?", parent_id="Ugw1.a")
    elif mistake == "bad_hold":
        s.yt_hold(s.day(1), "Ugw1", status="rejected")
    elif mistake == "gone_twice":
        s.yt_reject(s.day(1), "Ugw1")
        s.yt_author_delete(s.day(1, 12), "Ugw1.a")
    else:
        s.yt_video(s.day(1), "UCyok", "DunyaVid009", "?")
    with pytest.raises(ScenarioError):
        s.validate()


def test_quota_days_turn_at_pacific_midnight() -> None:
    assert pacific_day(datetime(2026, 11, 17, 7, 59, tzinfo=UTC)) == date(2026, 11, 16)
    assert pacific_day(datetime(2026, 11, 17, 8, 0, tzinfo=UTC)) == date(2026, 11, 17)
    assert pacific_day(datetime(2026, 7, 1, 7, 0, tzinfo=UTC)) == date(2026, 7, 1)  # PDT, UTC-7
    book = QuotaBook()
    moment = datetime(2026, 11, 17, 12, tzinfo=UTC)
    assert [book.spend("p", moment, limit=2) for _ in range(3)] == [True, True, False]
    assert book.used("p", date(2026, 11, 17)) == 2


def test_page_tokens_round_trip() -> None:
    assert decode_token(encode_token(140)) == 140
