"""Walking a paginated listing so that no platform answer can make it loop or run away.

Every listing of every collector goes through `walk`. It takes only the cursor from the platform
(the caller rebuilds each request from its own query), and it stops, raising `ListingStopped`
(so the listing is incomplete), when the platform repeats a cursor or when the requests made pass
`ceil(items / page_size) + 2`, where `items` is the larger of the distinct items seen so far and
the count the platform announced for the listing (a comment summary, a reply count). A listing of
N items asked in pages of P therefore never costs more than ceil(N / P) + 2 requests.

Pages that repeat or overlap (a cursor drifting while items arrive, a page served twice) are
ordinary on Graph and X: an item that comes back, by its id, is passed on once, so no listing
holds it twice; a walk that still reaches a page without a next cursor is whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from collectors.records import PlatformError

Cursor = Hashable  # an opaque, comparable token: a string on X, sorted query pairs on Graph


class ListingStopped(PlatformError):
    """A listing ended early because the platform's paging could not be trusted."""


@dataclass(frozen=True)
class Page:
    """One page as the platform answered it: its items and the cursor of the next page, if any."""

    items: list[dict[str, Any]]
    next_cursor: Cursor | None
    raw: dict[str, Any] = field(default_factory=dict)


def page_cap(seen: int, page_size: int, expected: int | None = None) -> int:
    """The most requests a listing of `seen` items (or `expected`, if larger) may take."""
    return math.ceil(max(seen, expected or 0) / max(page_size, 1)) + 2


def walk(fetch_page: Callable[[Cursor | None], Page], *, page_size: int, what: str,
         expected: int | None = None,
         item_key: Callable[[dict[str, Any]], Hashable | None] | None = None) -> Iterator[Page]:
    """Pages of one listing, first to last; ListingStopped if its paging cannot be trusted.

    `item_key` names an item (its id): an item named before, on this page or an earlier one,
    is left out of the page yielded and brings no progress; items it cannot name count as new.
    """
    used: set[Cursor] = set()
    keys: set[Hashable] = set()
    unnamed = 0
    requests = 0
    cursor: Cursor | None = None
    while True:
        page = fetch_page(cursor)
        requests += 1
        fresh: list[dict[str, Any]] = []
        for item in page.items:
            key = item_key(item) if item_key else None
            if key is None:
                unnamed += 1
            elif key in keys:
                continue  # a repeat: the listing already holds it
            else:
                keys.add(key)
            fresh.append(item)
        yield page if len(fresh) == len(page.items) else Page(fresh, page.next_cursor, page.raw)
        following = page.next_cursor
        if following is None:
            return
        if following == cursor or following in used:
            raise ListingStopped(f"{what}: the platform handed back a paging cursor it had already "
                                 f"given, after {requests} requests; listing stopped")
        seen = len(keys) + unnamed
        if requests >= page_cap(seen, page_size, expected):
            raise ListingStopped(
                f"{what}: {requests} requests brought {seen} items (pages of {page_size} asked) "
                "and the platform still offered another page; listing stopped")
        if cursor is not None:
            used.add(cursor)
        cursor = following
