"""The YouTube collector over fixture answers: videos, threads under each moderation status,
replies beyond those inlined, comments turned off, and the ways a listing becomes incomplete.

Fixtures: tests/fixtures/youtube/*.json, written by hand from the YouTube Data API reference
(sources in tests/fixtures/SOURCES.md); the real Google clients run over HttpMockSequence.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from collectors.records import AuthFailed, ReadPlan
from tests.unit.collectors.youtube_sequence import (
    CHANNEL_UPLOADS,
    EMPTY,
    NOW,
    PLAYLIST,
    SINCE,
    TOKEN,
    V1,
    V2,
    V3,
    answer,
    collector,
    requested,
)

V1_THREADS = [answer("comment_threads_published"), answer("comments_replies"),
              answer("comment_threads_held_for_review"), answer("comment_threads_likely_spam")]
COMMENTS_OFF = answer("error_403_comments_disabled", 403)
QUOTA = answer("error_403_quota_exceeded", 403)
AYSE = "UgzAyseYorum0001AaABAg"


def query(url: str) -> dict[str, list[str]]:
    """A request URL's query parameters."""
    return parse_qs(urlsplit(url).query)


def test_a_night_over_the_channel_reads_every_status_and_every_reply() -> None:
    """Three videos in the window (the fourth is older): held and spam comments are hidden,
    replies beyond the inlined one are read, the video with comments off is said so."""
    yt, http = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, *V1_THREADS, COMMENTS_OFF,
                         EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)

    assert snapshot.posts_complete and snapshot.warnings == []
    assert snapshot.blocked is None and snapshot.muted is None
    assert [listing.post.platform_id for listing in snapshot.listings] == [V1, V2, V3]
    first, second, third = snapshot.listings
    assert first.post.permalink == f"https://www.youtube.com/watch?v={V1}"
    assert first.post.message == "Millet Bahçesi açılış töreni"
    assert first.post.created_at.isoformat() == "2026-12-05T09:00:00+00:00"
    assert (first.post.reply_settings, second.post.reply_settings, third.post.reply_settings) == (
        "everyone", "comments_disabled", "everyone")
    assert first.complete and third.complete and third.comments == []
    assert (second.complete, second.skipped, second.error) == (False, "comments_off", None)

    by_id = {c.platform_id: c for c in first.comments}
    assert len(first.comments) == 7  # 2 published threads + 3 replies + 1 held + 1 spam
    assert {cid: c.is_hidden for cid, c in by_id.items() if c.is_hidden} == {
        "UgyHeldYorum0003AaABAg": True, "UgxSpamYorum0004AaABAg": True}
    assert by_id["UgyHeldYorum0003AaABAg"].raw["moderationStatus"] == "heldForReview"
    assert by_id["UgxSpamYorum0004AaABAg"].raw["moderationStatus"] == "likelySpam"
    replies = [c for c in first.comments if c.parent_id == AYSE]
    assert [r.platform_id[-4:] for r in replies] == ["0001", "0002", "0003"]
    assert all(r.is_hidden is False and r.post_id == V1 for r in replies)
    mehmet = by_id["UgwMehmetYorum002AaABAg"]
    assert (mehmet.author_id, mehmet.author_name, mehmet.message, mehmet.parent_id) == (
        "UCmehmetdurukan000000002", "@mehmetdurukan", "Otopark ne zaman açılacak?", None)

    urls = requested(http)
    assert urlsplit(urls[0]).path == "/token"
    assert {urlsplit(u).path for u in urls[1:]} == {
        "/youtube/v3/channels", "/youtube/v3/playlistItems", "/youtube/v3/commentThreads",
        "/youtube/v3/comments"}
    assert not any("/search" in url for url in urls)
    threads = [query(u) for u in urls if "/commentThreads" in u]
    assert [q["moderationStatus"] for q in threads[:3]] == [["published"], ["heldForReview"],
                                                            ["likelySpam"]]
    assert threads[0]["maxResults"] == ["100"] and threads[0]["textFormat"] == ["plainText"]
    assert threads[0]["part"] == ["snippet,replies"]
    assert query(next(u for u in urls if "/comments?" in u))["parentId"] == [AYSE]
    assert query(urls[2])["maxResults"] == ["50"]


def test_units_are_counted_per_method() -> None:
    """Each call costs a unit (list methods): the meter keeps them per method, kind "units"."""
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, *V1_THREADS, COMMENTS_OFF,
                      EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)
    assert yt.meter.rows() == [
        ("youtube.channels.list", "units", 1, 1),
        ("youtube.commentThreads.list", "units", 7, 7),
        ("youtube.comments.list", "units", 1, 1),
        ("youtube.playlistItems.list", "units", 2, 2),
    ]
    assert yt.units_spent == 11 and snapshot.api_calls == 11


def test_quota_exhausted_mid_run_infers_nothing() -> None:
    """403 quotaExceeded while listing: that video and every later one are incomplete, a
    `youtube_quota` warning says when the quota resets, and nothing more is asked."""
    yt, http = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, answer("comment_threads_published"),
                         answer("comments_replies"), QUOTA)
    snapshot = yt.collect(now=NOW, since=SINCE)
    assert [(lst.complete, lst.skipped) for lst in snapshot.listings] == [(False, None)] * 3
    assert all(lst.error and lst.error.startswith("quota exhausted") for lst in snapshot.listings)
    assert [w.code for w in snapshot.warnings] == ["youtube_quota"]
    assert "2026-12-06 08:00 UTC" in snapshot.warnings[0].message  # midnight Pacific
    assert len(http.request_sequence) == 7  # nothing asked after the quota stop


def test_a_repeating_page_token_leaves_the_listing_incomplete() -> None:
    """A nextPageToken handed back twice ends the walk: the video's listing is incomplete."""
    looping = answer("comment_threads_published", nextPageToken="QURTSl9pNXk")
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, looping, answer("comments_replies"),
                      answer("comment_threads_empty", nextPageToken="QURTSl9pNXk"),
                      COMMENTS_OFF, EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)
    first = snapshot.listings[0]
    assert not first.complete and "paging cursor it had already given" in first.error
    assert [w.code for w in snapshot.warnings] == ["listing_incomplete"]
    assert snapshot.listings[2].complete  # the other videos are unaffected


def test_a_missing_required_field_leaves_the_listing_incomplete() -> None:
    """A top-level comment without publishedAt: the listing is incomplete and says which field."""
    body = answer("comment_threads_held_for_review")[1].replace('"publishedAt": "2026-12-05T16:45:00Z",', "")
    held = ({"status": "200"}, body)
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, answer("comment_threads_published"),
                      answer("comments_replies"), held, answer("comment_threads_likely_spam"),
                      COMMENTS_OFF, EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)
    first = snapshot.listings[0]
    assert not first.complete
    assert "snippet.topLevelComment.snippet.publishedAt missing" in first.error
    assert [w.code for w in snapshot.warnings] == ["field_problem"]


def test_a_video_missing_its_publication_time_leaves_the_videos_incomplete() -> None:
    """An uploads item without contentDetails.videoPublishedAt: posts_complete is False."""
    page = answer("playlist_items_last_page")[1].replace(
        '"videoPublishedAt": "2026-11-30T10:00:00Z"', '"note": "removed"')
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, PLAYLIST[0], ({"status": "200"}, page),
                      *V1_THREADS, COMMENTS_OFF, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)
    assert not snapshot.posts_complete
    assert any("contentDetails.videoPublishedAt" in w.message for w in snapshot.warnings)


def test_the_allowance_skips_the_oldest_videos_first() -> None:
    """With 10 units tonight: channel 1 + uploads 2 + V1 4 + V2 1 = 8, and V3 (the oldest)
    needs 3 more: it is skipped for the budget, never listed, and no more than 10 are spent."""
    yt, http = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, *V1_THREADS, COMMENTS_OFF)
    plan = ReadPlan(due=lambda post: "young", unit_allowance=10)
    snapshot = yt.collect(now=NOW, since=SINCE, plan=plan)
    assert [(lst.post.platform_id, lst.skipped) for lst in snapshot.listings] == [
        (V1, None), (V2, "comments_off"), (V3, "budget")]
    assert not snapshot.listings[2].complete and snapshot.listings[2].post.reply_settings is None
    assert [w.code for w in snapshot.warnings] == ["budget_skipped"]
    assert V3 in snapshot.warnings[0].message
    assert yt.units_spent == 8 <= 10 and len(http.request_sequence) == 9


def test_the_allowance_is_never_passed_within_a_video() -> None:
    """6 units: channel and uploads 3, V1's published threads, its replies and held threads 3:
    its spam threads would pass the allowance, so V1 is cut (budget) and so are the others."""
    yt, http = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, *V1_THREADS[:3])
    snapshot = yt.collect(now=NOW, since=SINCE, plan=ReadPlan(due=lambda p: "young",
                                                              unit_allowance=6))
    assert [lst.skipped for lst in snapshot.listings] == ["budget"] * 3
    assert not any(lst.complete for lst in snapshot.listings)
    assert yt.units_spent == 6 and len(http.request_sequence) == 7


def test_videos_not_due_are_not_listed() -> None:
    """plan.due None: the video's comments are not read tonight (skipped "schedule")."""
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, COMMENTS_OFF)
    plan = ReadPlan(due=lambda post: "young" if post.platform_id == V2 else None)
    snapshot = yt.collect(now=NOW, since=SINCE, plan=plan)
    assert [lst.skipped for lst in snapshot.listings] == ["schedule", "comments_off", "schedule"]


def test_a_thread_held_for_one_reply_keeps_its_published_comment_visible() -> None:
    """YouTube lists a thread as heldForReview when only a reply is held: the comment's own
    moderationStatus decides, so the published top-level comment is never read as hidden."""
    published_elsewhere = answer("comment_threads_empty")
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, published_elsewhere,
                      answer("comment_threads_held_reply"), EMPTY, COMMENTS_OFF, EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)
    by_id = {c.platform_id: c for c in snapshot.listings[0].comments}
    top, reply = by_id["UgwMehmetYorum002AaABAg"], by_id["UgwMehmetYorum002AaABAg.9zYanit0006"]
    assert (top.is_hidden, top.raw["moderationStatus"], top.raw["listedUnder"]) == (
        False, "published", "heldForReview")
    assert (reply.is_hidden, reply.parent_id) == (True, "UgwMehmetYorum002AaABAg")
    assert snapshot.listings[0].complete


def test_an_unknown_moderation_status_is_no_visibility() -> None:
    """A moderationStatus outside the reference's values: visibility unknown, listing incomplete."""
    body = answer("comment_threads_held_reply")[1].replace('"moderationStatus": "heldForReview"',
                                                           '"moderationStatus": "underAppeal"')
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, EMPTY, ({"status": "200"}, body), EMPTY,
                      COMMENTS_OFF, EMPTY, EMPTY, EMPTY)
    snapshot = yt.collect(now=NOW, since=SINCE)
    first = snapshot.listings[0]
    reply = next(c for c in first.comments if c.parent_id)
    assert reply.is_hidden is None and not first.complete
    assert "snippet.moderationStatus has an unknown value" in first.error


def test_quota_exhausted_on_the_uploads_leaves_the_videos_incomplete() -> None:
    """quotaExceeded on the second uploads page: the first page's videos are kept but the video
    list is incomplete, their listings say quota exhausted, and nothing else is asked."""
    yt, http = collector(TOKEN, CHANNEL_UPLOADS, PLAYLIST[0], QUOTA)
    snapshot = yt.collect(now=NOW, since=SINCE)
    assert not snapshot.posts_complete
    assert [lst.post.platform_id for lst in snapshot.listings] == [V1, V2]
    assert all(not lst.complete and lst.error.startswith("quota exhausted")
               for lst in snapshot.listings)
    assert [w.code for w in snapshot.warnings] == ["posts_incomplete", "youtube_quota"]
    assert len(http.request_sequence) == 4


def test_a_token_that_is_refused_fails_the_run() -> None:
    """invalid_grant on the first refresh: collect raises AuthFailed (the run fails, with its fix)."""
    yt, _ = collector(answer("token_400_invalid_grant", 400))
    with pytest.raises(AuthFailed, match="consent flow"):
        yt.collect(now=NOW, since=SINCE)


def test_the_allowance_caps_the_listings_and_leaves_the_lookups_to_their_own_bound() -> None:
    """8 units: the collection spends 7 (V1 only; V2 and V3 are cut), then the cap is lifted:
    the plan kept [collect] max_lookups_per_run units out of the allowance for the lookups."""
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, *V1_THREADS,
                      answer("comment_lookup_present"))
    snapshot = yt.collect(now=NOW, since=SINCE, plan=ReadPlan(due=lambda p: "young",
                                                              unit_allowance=8))
    assert [lst.skipped for lst in snapshot.listings] == [None, "budget", "budget"]
    assert yt.units_spent <= 8 and yt.client.cap.left(yt.units_spent) is None
    assert yt.lookup_comment("UgwMehmetYorum002AaABAg").status == "present"


def test_a_held_listing_without_the_comments_own_status_reads_no_hide() -> None:
    """A thread listed as held may be there for one of its replies: without the top-level
    comment's own moderationStatus its visibility is unknown (never hidden), the listing
    incomplete."""
    body = answer("comment_threads_held_reply")[1].replace('"moderationStatus": "published",', "")
    yt, _ = collector(TOKEN, CHANNEL_UPLOADS, *PLAYLIST, EMPTY, ({"status": "200"}, body), EMPTY,
                      COMMENTS_OFF, EMPTY, EMPTY, EMPTY)
    first = yt.collect(now=NOW, since=SINCE).listings[0]
    top = next(c for c in first.comments if c.parent_id is None)
    assert top.is_hidden is None and not first.complete
    assert "snippet.moderationStatus is missing" in (first.error or "")
