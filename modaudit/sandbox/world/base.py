"""What every scenario module shares: the scenario error, ground-truth records, the aware-time rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class ScenarioError(ValueError):
    """A scenario refers to something that does not exist, or breaks the timeline."""


@dataclass(frozen=True)
class GroundTruth:
    """One moderation action taken by the institution, as an auditor should eventually report it.

    Kinds: comment_hidden | comment_unhidden | comment_deleted | user_blocked | user_unblocked |
    user_muted | user_unmuted | replies_restricted | replies_reopened | quote_detached (Bluesky,
    severity review). `subject_id` is the comment, user or tweet the action concerns (on Bluesky:
    a DID, or an at-uri for a reply, a post, a quote or a blocked list).
    """

    kind: str
    subject_id: str
    at: datetime


def require_aware(moment: datetime) -> None:
    """Refuse naive datetimes: the simulator's clock is always timezone-aware UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ScenarioError(f"naive datetime {moment.isoformat()}; use timezone-aware UTC")
