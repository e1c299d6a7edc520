"""Pages that repeat or overlap: every item is kept once, by its id, and a whole walk stays whole.

Pages are the published X fixtures (tests/fixtures/x) served again or shifted, as Graph and X do
while items arrive (cursor drift) or when the platform ignores the cursor it handed out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from collectors.listings import comment_listing, distinct, posts_in_window, user_listing
from collectors.paging import ListingStopped, Page, walk
from collectors.records import CommentRecord, PostRecord, Snapshot
from collectors.x_payloads import listing_page, transform_post, transform_user
from tests.fixtures import load

T1, T2, T3, T4, T5 = ("2122268437509607424", "2122034395346407424", "2121877159278055425",
                      "2121573860767207424", "2121177499039207426")
NOW = datetime(2026, 11, 17, tzinfo=UTC)
SINCE = datetime(2026, 11, 1, tzinfo=UTC)


def by_id(item: dict[str, Any]) -> str | None:
    """The id of a raw item, as the collectors name them."""
    return item.get("id")


def first_page() -> Page:
    """The fixture's first page of tweets (T1-T3, a next token)."""
    return listing_page(load("x/users_tweets_page.json"), "tweets")


def last_page() -> Page:
    """The fixture's last page of tweets (T4, T5, no next token)."""
    return listing_page(load("x/users_tweets_last_page.json"), "tweets")


def ids(pages: list[Page]) -> list[str]:
    """The ids of the items of the pages, in order."""
    return [item["id"] for page in pages for item in page.items]


def test_a_page_served_again_with_the_same_cursor_yields_nothing_twice_and_stops() -> None:
    """X answering the first page again with the same `next_token`: each tweet once, then stopped."""
    first = first_page()
    pages: list[Page] = []
    with pytest.raises(ListingStopped):
        for page in walk(lambda cursor: first, page_size=3, what="tweets", item_key=by_id):
            pages.append(page)
    assert ids(pages) == [T1, T2, T3]
    assert [len(page.items) for page in pages] == [3, 0]  # the repeat, emptied, was the last page


def test_overlapping_pages_read_every_item_once_and_end_whole() -> None:
    """Cursor drift: the second page starts with the first page's last tweet; the walk ends normally."""
    first, last = first_page(), last_page()
    drifted = Page([first.items[-1], *last.items], None, last.raw)
    served = {None: first, first.next_cursor: drifted}
    pages = list(walk(served.__getitem__, page_size=3, what="tweets", item_key=by_id))
    assert ids(pages) == [T1, T2, T3, T4, T5]


def test_an_item_twice_on_one_page_is_kept_once() -> None:
    """A page naming the same tweet twice passes it on once, the first sighting."""
    first = first_page()
    doubled = Page([*first.items, dict(first.items[0], text="later copy")], None, first.raw)
    [page] = walk(lambda cursor: doubled, page_size=3, what="tweets", item_key=by_id)
    assert [item["id"] for item in page.items] == [T1, T2, T3]
    assert page.items[0]["text"] == first.items[0]["text"]


def test_items_without_an_id_are_not_taken_for_repeats() -> None:
    """Items the walk cannot name pass through (their field problem is the listing's to report)."""
    nameless = Page([{"text": "a"}, {"text": "a"}], None)
    [page] = walk(lambda cursor: nameless, page_size=3, what="tweets", item_key=by_id)
    assert len(page.items) == 2


def test_overlap_does_not_count_as_progress_against_the_request_cap() -> None:
    """Pages that bring only repeats still reach the request cap: the walk cannot run away."""
    first = first_page()
    cursors = iter(range(100))
    with pytest.raises(ListingStopped, match="requests brought 3 items"):
        list(walk(lambda cursor: Page(first.items, next(cursors)), page_size=3, what="tweets",
                  item_key=by_id))


def test_posts_listed_twice_are_one_post_and_the_listing_stays_complete() -> None:
    """A newest-first posts listing with a repeat keeps each post once, complete."""
    raw = first_page().items + last_page().items[:1] + first_page().items[-1:]
    snapshot = Snapshot(fetched_at=NOW)
    posts = posts_in_window(raw, transform_post, SINCE, snapshot, "tweets")
    assert [post.platform_id for post in posts] == [T1, T2, T3, T4]
    assert snapshot.posts_complete is True and snapshot.warnings == []


def test_a_comment_listing_with_a_repeat_is_complete_with_each_comment_once() -> None:
    """Comments (from pages, a nested edge or a search) that come twice are listed once."""
    post = PostRecord(platform_id=T1, created_at=SINCE, message=None, raw={})
    comments = [CommentRecord(platform_id=str(n), post_id=T1, parent_id=None, author_id="1",
                              author_name="Ayşe", message=f"yorum {n}", created_at=SINCE,
                              is_hidden=False, raw={}) for n in (1, 2, 1, 3, 2)]
    listing = comment_listing(post, lambda problems: iter(comments), Snapshot(fetched_at=NOW), "post")
    assert [c.platform_id for c in listing.comments] == ["1", "2", "3"]
    assert listing.complete is True and listing.error is None


def test_a_block_list_with_a_repeat_holds_each_user_once_and_is_complete() -> None:
    """A block, ban or mute list whose pages overlap names each user once."""
    users = load("x/users_blocking_page.json")["data"]
    listing = user_listing([*users, users[0]], transform_user, Snapshot(fetched_at=NOW), "blocking",
                           "blocked_incomplete")
    assert [u.platform_id for u in listing.users] == [u["id"] for u in users]
    assert listing.complete is True


def test_distinct_leaves_out_ids_already_seen() -> None:
    """Lookups by id skip what the listing already holds (`seen`), and learn what they add."""
    posts = [transform_post(raw)[0] for raw in first_page().items + first_page().items]
    seen = {T2}
    assert [p.platform_id for p in distinct(posts, seen)] == [T1, T3]
    assert seen == {T1, T2, T3}
