"""What tonight's collection calls into question, decided from records alone (the scan's *ask*).

From the stored state a scan read before collecting and the snapshot it collected, in plain
Python: which hidden comments now look visible, which known comments a complete listing lacks,
which listed users a complete list lacks. The scan asks the platform about these, in this order,
before any transaction opens; the write phase then finds the same items with its set-based SQL
(docs/architecture.md §5) and uses the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from collectors.records import Snapshot, StoredComment, StoredState

LIST_NAMES = ("blocked", "muted")


@dataclass(frozen=True)
class LookupPlan:
    """The questions for the platform, in the order the write phase consumes the lookup budget."""

    unhides: list[str] = field(default_factory=list)  # comment ids listed visible, stored hidden
    candidates: list[str] = field(default_factory=list)  # comment ids: least looked up first
    unlisted: list[tuple[str, str]] = field(default_factory=list)  # (list name, user id)

    @property
    def comments(self) -> list[str]:
        """Every comment to look up by id: unhides first, then deletion candidates."""
        return self.unhides + self.candidates


def lookups_needed(stored: StoredState, snapshot: Snapshot) -> LookupPlan:
    """The lookups tonight's snapshot calls for, ordered as detection will consume them."""
    seen = {c.platform_id: c for listing in snapshot.listings for c in listing.comments}
    complete_posts = {listing.post.platform_id for listing in snapshot.listings if listing.complete}
    unhides: list[StoredComment] = []
    candidates: list[StoredComment] = []
    for comment in stored.comments:
        observed = seen.get(comment.platform_id)
        if observed is not None:
            # Seen again: no candidate any more; an unhide awaits a lookup unless already pending.
            if comment.is_hidden and observed.is_hidden is False and not comment.unhide_pending:
                unhides.append(comment)
        elif comment.missing_since is not None or comment.post_id in complete_posts:
            candidates.append(comment)
    fetched_at = snapshot.fetched_at
    # The store's order (store/state, store/changes.deletion_candidates): least looked up, longest
    # missing, oldest row first; a comment that goes missing tonight is missing since tonight.
    candidates.sort(key=lambda c: (c.lookups, c.missing_since or fetched_at, c.comment_pk))
    unhides.sort(key=lambda c: c.comment_pk)
    unlisted: list[tuple[str, str]] = []
    for list_name in LIST_NAMES:
        listing = snapshot.blocked if list_name == "blocked" else snapshot.muted
        if listing is None or not listing.complete:
            continue  # an incomplete list reveals no absence
        on_list = {user.platform_id for user in listing.users}
        unlisted += [(list_name, uid) for uid in sorted(stored.listed.get(list_name, frozenset()))
                     if uid not in on_list]
    return LookupPlan(unhides=[c.platform_id for c in unhides],
                      candidates=[c.platform_id for c in candidates], unlisted=unlisted)
