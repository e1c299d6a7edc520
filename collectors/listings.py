"""How every collector turns a listing's items into records, and what an incomplete one says.

The same rules on every platform: an item with a field problem makes the listing incomplete (and
the run's warning names the field); a throttled listing stops the run's listings; any other
collector error leaves that listing incomplete with its reason; posts are listed newest first and
stop by date at the watch window, whatever the platform sends after. A listing holds each item
once, by its id, whatever the source (pages, a nested edge, a lookup by id): the first sighting is
kept, and a repeat makes nothing incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from collectors.paging import Page
from collectors.records import (
    CollectorError,
    CommentListing,
    CommentRecord,
    PostRecord,
    RateLimited,
    RunWarning,
    Snapshot,
    UserListing,
    UserRecord,
)
from collectors.validation import FieldProblem, ListingProblems

Transform = Callable[[Any], tuple[Any, list[FieldProblem]]]
Record = TypeVar("Record", PostRecord, CommentRecord, UserRecord)
THROTTLED = "throttled"  # the prefix of a listing error that stops this run's listings


def items_of(pages: Iterable[Page]) -> Iterator[Any]:
    """The raw items of a listing's pages, in order."""
    for page in pages:
        yield from page.items


def distinct(records: Iterable[Record], seen: set[str] | None = None) -> Iterator[Record]:
    """Each record once, by its platform id, the first sighting kept; `seen` ids are left out."""
    seen = set() if seen is None else seen
    for record in records:
        if record.platform_id not in seen:
            seen.add(record.platform_id)
            yield record


def transformed(items: Iterable[Any], transform: Transform, problems: ListingProblems) -> Iterator[Any]:
    """The records of a listing's items; each item's field problems are counted in `problems`."""
    for raw in items:
        record, item_problems = transform(raw)
        problems.add(item_problems)
        if record is not None:
            yield record


def posts_in_window(items: Iterable[Any], transform: Transform, since: datetime, snapshot: Snapshot,
                    what: str) -> list[PostRecord]:
    """The posts of a newest-first listing down to `since`; sets `snapshot.posts_complete`."""
    problems = ListingProblems(what)
    posts: list[PostRecord] = []
    try:
        for post in distinct(transformed(items, transform, problems)):
            if post.created_at is not None and post.created_at < since:
                break  # the watch window ends here, whatever the platform sent after
            posts.append(post)
        snapshot.posts_complete = not problems
    except CollectorError as exc:
        snapshot.warnings.append(RunWarning("posts_incomplete", str(exc)))
    if problems:
        snapshot.warnings.append(problems.warning())
    return posts


def comment_listing(post: PostRecord, comments: Callable[[ListingProblems], Iterable[CommentRecord]],
                    snapshot: Snapshot, what: str,
                    on_problems: Callable[[ListingProblems], None] | None = None) -> CommentListing:
    """One post's comments as a listing, complete only if every page came and every item parsed."""
    listing = CommentListing(post=post)
    problems = ListingProblems(what)
    try:
        listing.comments.extend(distinct(comments(problems)))
        listing.complete = not problems
    except RateLimited as exc:
        listing.error = f"{THROTTLED}: {exc}"
        snapshot.warnings.append(RunWarning("rate_limited", str(exc)))
    except CollectorError as exc:
        listing.error = str(exc)
        snapshot.warnings.append(RunWarning("listing_incomplete", f"post {post.platform_id}: {exc}"))
    if problems:
        listing.complete = False
        listing.error = listing.error or problems.summary()
        if on_problems is not None:
            on_problems(problems)
        snapshot.warnings.append(problems.warning())
    return listing


def is_throttled(listing: CommentListing) -> bool:
    """True if this listing stopped on a rate limit (the run then lists no more comments)."""
    return isinstance(listing.error, str) and listing.error.startswith(THROTTLED)


def user_listing(items: Iterable[Any], transform: Transform, snapshot: Snapshot, what: str,
                 code: str) -> UserListing:
    """A block, ban or mute list; incomplete (warning `code`) on any error or field problem."""
    listing = UserListing()
    problems = ListingProblems(what)
    try:
        listing.users = list(distinct(transformed(items, transform, problems)))
        listing.complete = not problems
    except CollectorError as exc:
        listing.error = str(exc)
        snapshot.warnings.append(RunWarning(code, str(exc)))
    if problems:
        snapshot.warnings.append(problems.warning())
    return listing
