"""The decaying re-check schedule: is a post's comment listing due tonight, and what it implies.

A post's comments are listed on the nights its age (in started days: a post 20 hours old is on
day 1) reaches a day of `[collect] recheck_days`, and on any night after a day whose listing was
missed. A signal (a comment count that moved, a Meta webhook about the post) makes it due at once.
Pure logic: the store supplies each post's last complete listing and signals.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = timedelta(days=1)

# Why a post's comments are listed tonight (kept in run warnings and tests).
NEW = "new"  # never listed completely
SCHEDULED = "scheduled"  # its age reached a day of the schedule since the last complete listing
COUNT_CHANGED = "count_changed"  # the platform's comment count differs from the stored one
REQUESTED = "requested"  # a webhook (or an operator) asked for a re-check


@dataclass(frozen=True)
class PostState:
    """What the store knows about one post for the schedule."""

    created_at: datetime | None
    last_complete_at: datetime | None = None
    stored_count: int | None = None
    recheck_requested_at: datetime | None = None


def age_day(created_at: datetime, now: datetime) -> int:
    """The post's day of age at `now`: 1 during its first 24 hours, 2 during the next, ..."""
    return max(1, math.ceil((now - created_at) / DAY))


def checkpoint(created_at: datetime, day: int) -> datetime:
    """The moment day `day` of a post's age begins."""
    return created_at + (day - 1) * DAY


def due_reason(state: PostState, now: datetime, recheck_days: Sequence[int],
               announced_count: int | None = None, any_count_change: bool = True) -> str | None:
    """Why this post's comments must be listed at `now`, or None if the schedule skips it.

    A count that went down (a comment vanished) always brings the re-check forward; one that
    went up only with `any_count_change` (X, where only the new replies are read; on Graph a
    re-listing reads every comment again, and new comments are not moderation).
    """
    if state.created_at is None or state.last_complete_at is None:
        return NEW
    if state.recheck_requested_at is not None:
        return REQUESTED
    if announced_count is not None and state.stored_count is not None and (
            announced_count < state.stored_count
            or (any_count_change and announced_count != state.stored_count)):
        return COUNT_CHANGED
    passed = [checkpoint(state.created_at, day) for day in recheck_days
              if checkpoint(state.created_at, day) <= now]
    if passed and state.last_complete_at < passed[-1]:
        return SCHEDULED
    return None


def young_days(recheck_days: Sequence[int]) -> int:
    """How many first days of age are re-checked every night (1, 2, 3 → 3)."""
    young = 0
    for day in recheck_days:
        if day != young + 1:
            break
        young = day
    return young


def worst_gap_days(recheck_days: Sequence[int]) -> int:
    """The longest wait, in days, between two re-checks of a post older than the young days.

    An action on such a post is seen at the next re-check, so this bounds its detection latency
    up to the schedule's last day (after it nothing is re-listed); 0 if nothing follows the
    nightly days.
    """
    young = young_days(recheck_days)
    later = [day for day in recheck_days if day >= young]
    return max((b - a for a, b in itertools.pairwise(later)), default=0)  # 0: no later re-check
