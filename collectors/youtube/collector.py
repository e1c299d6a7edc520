"""A YouTube channel: its videos in the watch window, their comment threads and replies under
each moderation status, lookups by id, and the token's identity and scopes for `check`.

Videos come from the uploads playlist (`channels.list` → `playlistItems.list`), never from
`search.list` (100 units a call). A listing is complete only if all three statuses and every
reply page were read whole; a quota stop, an allowance cut or a failure never infers anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from collectors.listings import distinct, items_of, posts_in_window
from collectors.paging import Cursor, Page, walk
from collectors.reads import ReadMeter
from collectors.records import (
    AuthFailed,
    CollectorError,
    CommentListing,
    CommentRecord,
    LookupResult,
    PostRecord,
    RateLimited,
    ReadPlan,
    RunWarning,
    Snapshot,
)
from collectors.validation import ListingProblems
from collectors.youtube.defaults import YOUTUBE_SCOPE
from collectors.youtube.errors import MISSING_SCOPE, SCOPE_FIX, WRONG_CHANNEL, CommentsDisabled
from collectors.youtube.payloads import (
    COMMENTS_OFF,
    COMMENTS_ON,
    SKIPPED_COMMENTS_OFF,
    channel_identity,
    list_page,
    lookup_answer,
    transform_comment,
    transform_thread,
    transform_video,
    uploads_playlist,
)
from collectors.youtube.quota import AllowanceSpent, units_of

if TYPE_CHECKING:  # the client module imports Google's libraries: only build_collector loads it
    from collectors.youtube.client import YouTubeClient

log = logging.getLogger(__name__)

STATUSES = ("published", "heldForReview", "likelySpam")
PLAYLIST_PAGE = 50  # playlistItems.list's maximum
THREAD_PAGE = 100  # commentThreads.list's and comments.list's maximum
VIDEO_MIN_UNITS = len(STATUSES) * units_of("commentThreads.list")  # one page of each status
QUOTA_ERROR = "quota exhausted"
Progress = Callable[[int, int], None]


class YouTubeCollector:
    """Collects one YouTube channel through a `collectors.youtube.client.YouTubeClient`."""

    def __init__(self, client: YouTubeClient, channel_id: str) -> None:
        self.client = client
        self.channel_id = channel_id
        self._quota: RateLimited | None = None  # the quota stop of this collection, if any

    @property
    def api_calls(self) -> int:
        """Calls made so far (each costs quota units)."""
        return self.meter.total_requests()

    @property
    def meter(self) -> ReadMeter:
        """Calls and quota units per API method (`youtube.commentThreads.list`, kind "units")."""
        return self.client.meter

    @property
    def units_spent(self) -> int:
        """Quota units spent so far by this collector."""
        return self.client.units_spent

    def allow_units(self, units: int | None) -> None:
        """From now on, spend at most `units` more quota units (None: no cap).

        `collect(plan=…)` sets it from `plan.unit_allowance` for its listings and lifts it when
        done: the plan's allowance already leaves room for the token check and the lookups.
        """
        self.client.cap.set(self.units_spent, units)

    def _pages(self, method: str, what: str, page_size: int, expected: int | None = None,
               **params: Any) -> Iterator[Page]:
        def fetch(cursor: Cursor | None) -> Page:
            token = {"pageToken": cursor} if isinstance(cursor, str) else {}
            return list_page(self._call(method, **params, **token), what)
        yield from walk(fetch, page_size=page_size, what=what, expected=expected,
                        item_key=lambda item: item.get("id") if isinstance(item, dict) else None)

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        try:
            return self.client.call(method, **params)
        except RateLimited as exc:
            if exc.reset_at is not None:  # the day's quota (translate_http gives its reset)
                self._quota = exc
            raise

    def video_pages(self) -> Iterator[Page]:
        """The uploads playlist's pages, newest video first."""
        playlist = uploads_playlist(self._call("channels.list", part="contentDetails",
                                               id=self.channel_id), self.channel_id)
        return self._pages("playlistItems.list", f"uploads of {self.channel_id}", PLAYLIST_PAGE,
                           playlistId=playlist, part="contentDetails,snippet",
                           maxResults=PLAYLIST_PAGE)

    def collect(self, *, now: datetime, since: datetime, progress: Progress | None = None,
                plan: ReadPlan | None = None) -> Snapshot:
        """One pass over the channel; errors mark listings incomplete rather than raise."""
        snapshot = Snapshot(fetched_at=now, api_version="v3")  # blocked/muted: not listable
        self._quota = None
        self.allow_units(plan.unit_allowance if plan else None)
        try:
            videos = posts_in_window(items_of(self.video_pages()), transform_video, since,
                                     snapshot, f"videos of {self.channel_id}")
        except AuthFailed:
            raise
        except CollectorError as exc:  # the channel itself could not be read
            videos = []
            snapshot.warnings.append(RunWarning("posts_incomplete", str(exc)))
        videos.sort(key=lambda v: v.created_at or now, reverse=True)  # newest first
        budget_cut: list[str] = []
        for index, video in enumerate(videos):
            listing = self._listing(video, plan, snapshot)
            if listing.skipped == "budget":
                budget_cut.append(video.platform_id)
            snapshot.listings.append(listing)
            if progress:
                progress(index + 1, len(videos))
        if self._quota is not None:
            snapshot.warnings.append(RunWarning("youtube_quota", f"{self._quota}; listings from "
                                                "then on are incomplete and nothing is inferred"))
        if budget_cut:
            snapshot.warnings.append(RunWarning(
                "budget_skipped", f"{len(budget_cut)} videos' comments not read because of the "
                f"daily quota allowance ([youtube] daily_quota_units), oldest first: "
                f"{', '.join(budget_cut[:20])}"))
        snapshot.api_calls = self.api_calls
        # The cap is the listings'; the lookups by id that follow are bounded by [collect]
        # max_lookups_per_run, which the plan kept out of tonight's allowance.
        self.allow_units(None)
        return snapshot

    def _listing(self, video: PostRecord, plan: ReadPlan | None, snapshot: Snapshot) -> CommentListing:
        """One video's listing, or why it was not listed (schedule, allowance, quota)."""
        if plan is not None and plan.due(video) is None:
            return CommentListing(post=video, skipped="schedule")
        if self._quota is not None:
            return CommentListing(post=video, error=f"{QUOTA_ERROR}: not listed")
        left = self.client.cap.left(self.units_spent)
        if left is not None and left < VIDEO_MIN_UNITS:
            return CommentListing(post=video, skipped="budget")
        return self._list_video(video, snapshot)

    def _list_video(self, video: PostRecord, snapshot: Snapshot) -> CommentListing:
        what = f"comments of video {video.platform_id}"
        problems = ListingProblems(what)
        answered: list[bool] = []
        comments: list[CommentRecord] = []
        listing = CommentListing(post=video)
        try:
            for status in STATUSES:
                comments.extend(self._threads(video.platform_id, status, problems, answered))
            listing.comments = list(distinct(comments))
            listing.complete = not problems
        except CommentsDisabled:
            return CommentListing(post=replace(video, reply_settings=COMMENTS_OFF),
                                  skipped=SKIPPED_COMMENTS_OFF)
        except AllowanceSpent:
            listing.skipped = "budget"
        except RateLimited as exc:
            listing.error = f"{QUOTA_ERROR}: {exc}" if self._quota is not None else f"throttled: {exc}"
            if self._quota is None:
                snapshot.warnings.append(RunWarning("rate_limited", str(exc)))
        except CollectorError as exc:
            listing.error = str(exc)
            snapshot.warnings.append(RunWarning("listing_incomplete",
                                                f"video {video.platform_id}: {exc}"))
        if answered:  # a thread listing answered: comments are on
            listing.post = replace(video, reply_settings=COMMENTS_ON)
        if problems:
            listing.complete = False
            listing.error = listing.error or problems.summary()
            snapshot.warnings.append(problems.warning())
        return listing

    def _threads(self, video_id: str, status: str, problems: ListingProblems,
                 answered: list[bool]) -> Iterator[CommentRecord]:
        """Every comment of a video's threads listed under `status`, replies completed."""
        pages = self._pages("commentThreads.list", f"{status} threads of video {video_id}",
                            THREAD_PAGE, videoId=video_id, part="snippet,replies",
                            maxResults=THREAD_PAGE, textFormat="plainText", moderationStatus=status)
        for page in pages:
            answered.append(True)
            for raw in page.items:
                records, top_id, beyond, item_problems = transform_thread(raw, video_id, status)
                problems.add(item_problems)
                yield from records
                if top_id is not None and beyond > 0:
                    yield from self._replies(video_id, top_id, status, problems,
                                             expected=beyond + len(records) - 1)

    def _replies(self, video_id: str, parent_id: str, status: str, problems: ListingProblems,
                 expected: int) -> Iterator[CommentRecord]:
        """All replies of a thread (`comments.list?parentId=`), under the thread's status."""
        for page in self._pages("comments.list", f"replies to comment {parent_id}", THREAD_PAGE,
                                expected=expected, parentId=parent_id, part="snippet",
                                maxResults=THREAD_PAGE, textFormat="plainText"):
            for raw in page.items:
                reply, item_problems = transform_comment(raw, video_id, parent_id, status)
                problems.add(item_problems)
                if reply is not None:
                    yield reply

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look a comment up by id: `items: []` is gone (rejected or deleted, not told apart)."""
        answer = self._call("comments.list", id=comment_id, part="snippet", textFormat="plainText")
        return lookup_answer(answer, comment_id)

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """A channel's hidden users cannot be read through the API: None (unknown)."""
        return None

    def whoami(self) -> tuple[str, str | None]:
        """(channel id, title) of the channel the refresh token belongs to."""
        return channel_identity(self._call("channels.list", part="id,snippet", mine=True))

    def granted_scopes(self) -> frozenset[str]:
        """The scopes Google said the token carries at its last refresh."""
        return self.client.granted_scopes()

    def check_token(self) -> None:
        """Refresh the token and raise AuthFailed (naming the fix) unless it is the configured
        channel's and carries the youtube.force-ssl scope."""
        self.client.refresh()
        scopes = self.granted_scopes()
        if scopes and YOUTUBE_SCOPE not in scopes:
            raise AuthFailed(f"the token carries {', '.join(sorted(scopes))} but not "
                             f"youtube.force-ssl; {SCOPE_FIX}",
                             {"scopes": sorted(scopes), "problem": MISSING_SCOPE})
        channel_id, title = self.whoami()
        if channel_id != self.channel_id:
            shown = f"{channel_id} ({title})" if title else channel_id
            raise AuthFailed(f"the refresh token belongs to channel {shown}, not to the configured "
                             f"account_id {self.channel_id}: run the consent flow signed in as "
                             "the channel's owner (or fix account_id)",
                             {"identity": channel_id, "title": title, "problem": WRONG_CHANNEL})
