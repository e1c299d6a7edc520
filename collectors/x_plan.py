"""An X collection that reads what the re-check schedule asks for, not the whole window.

New posts since the newest known one (`since_id`), the known posts due tonight by id (one request
per 100), the new replies of the due posts recent search still reaches (`since_id` per
conversation, never the author expansion: a user read costs twice a post read, and X's
findings are about posts and listed users, never a reply's author), and a full re-listing
only where a post's reply count dropped (a reply vanished). Block and mute lists are read first,
so a budget never cuts them. X's replies can only be deleted by their authors, so an incremental
listing never hides a moderation action from the audit; it is never compared for absences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from collectors.listings import distinct, is_throttled, items_of, posts_in_window, transformed
from collectors.records import (
    CollectorError,
    CommentListing,
    PostRecord,
    ReadPlan,
    RunWarning,
    Snapshot,
)
from collectors.validation import ListingProblems
from collectors.x_payloads import transform_post

RECENT_SEARCH_DAYS = 7
SEARCH_MARGIN = timedelta(minutes=10)


def planned_collect(collector: Any, *, now: datetime, since: datetime, plan: ReadPlan,
                    progress: Callable[[int, int], None] | None = None) -> Snapshot:
    """One planned pass over an X account (see the module docstring)."""
    snapshot = Snapshot(fetched_at=now)
    collector.check_token()
    if plan.lists:  # fixed cost, read before anything a budget may cut
        snapshot.blocked = collector._list_users("blocking", snapshot)
        snapshot.muted = collector._list_users("muting", snapshot)
    posts = _posts(collector, since, snapshot, plan)
    search_floor = now - timedelta(days=RECENT_SEARCH_DAYS) + SEARCH_MARGIN
    throttled = False
    budget_skipped: list[str] = []
    for index, post in enumerate(posts):
        listing = CommentListing(post=post)
        reason = plan.due(post)
        if post.created_at is None:
            listing.error = "the tweet's created_at is missing: its replies cannot be searched"
        elif reason is None:
            listing.skipped = "schedule"
        elif post.created_at < search_floor:
            # Beyond recent search's 7 days: replies not listable; reading the post (its reply
            # settings and count) is all a re-check can do, and it was done.
            listing.skipped = "post_only"
        elif throttled:
            listing.error = "not listed: throttled earlier in this run"
        elif _over_budget(collector, plan):
            listing.skipped = "budget"
            budget_skipped.append(post.platform_id)
        else:
            listing = _replies(collector, post, snapshot, plan)
            throttled = is_throttled(listing)
        snapshot.listings.append(listing)
        if progress:
            progress(index + 1, len(posts))
    if budget_skipped:
        snapshot.warnings.append(RunWarning(
            "budget_skipped", f"{len(budget_skipped)} posts' replies not read because of the "
            f"monthly budget ([x] monthly_budget_usd): {', '.join(budget_skipped[:20])}"))
    snapshot.api_calls = collector.session.calls
    snapshot.api_version = "2"
    return snapshot


def _posts(collector: Any, since: datetime, snapshot: Snapshot, plan: ReadPlan) -> list[PostRecord]:
    """New posts by since_id, then the due known posts by id; newest first."""
    what = f"tweets of {collector.account_id}"
    new = posts_in_window(items_of(collector.post_pages(since, plan.newest_post_id)),
                          transform_post, since, snapshot, what)
    seen = {post.platform_id for post in new}
    wanted = list(dict.fromkeys(post_id for post_id in plan.known_due if post_id not in seen))
    known: list[PostRecord] = []
    problems = ListingProblems(f"{what} (by id)")
    try:
        # `seen` makes a post answered twice (or already listed as new) one post.
        for post in distinct(transformed(collector.tweets_by_id(wanted), transform_post, problems),
                             seen):
            if post.created_at is None or post.created_at >= since:
                known.append(post)
    except CollectorError as exc:
        snapshot.posts_complete = False
        snapshot.warnings.append(RunWarning("posts_incomplete", str(exc)))
    if problems:
        snapshot.posts_complete = False
        snapshot.warnings.append(problems.warning())
    floor = datetime.min.replace(tzinfo=since.tzinfo)
    return sorted(new + known, key=lambda p: p.created_at or floor, reverse=True)


def _over_budget(collector: Any, plan: ReadPlan) -> bool:
    """Whether tonight's reads so far have used what the budget leaves for tonight."""
    if plan.reply_allowance_usd is None:
        return False
    spent = sum(len(ids) * plan.prices.get(kind, 0.0)
                for (_, kind), ids in collector.meter.seen.items())
    return spent >= plan.reply_allowance_usd


def _replies(collector: Any, post: PostRecord, snapshot: Snapshot, plan: ReadPlan) -> CommentListing:
    """New replies since the last listing, or every reply where the count dropped."""
    since_id = plan.reply_since.get(post.platform_id)
    stored = plan.stored_counts.get(post.platform_id)
    dropped = stored is not None and post.comment_count is not None and post.comment_count < stored
    if since_id is None or dropped:
        return collector._list_replies(post, snapshot, None, authors=False)
    listing = collector._list_replies(post, snapshot, since_id, authors=False)
    if listing.complete:
        listing.complete, listing.skipped = False, "new_only"  # never compared for absences
    return listing
