"""Turn Page `feed` changes from a Meta webhook delivery into events with an exact time."""

from __future__ import annotations

from datetime import datetime

from collectors.records import FeedChange, NewEvent
from modaudit.store.evidence import digest

# verb -> (event kind, actor). Meta does not say who removed a comment: page, author or Meta.
VERB_EVENTS = {
    "hide": ("comment_hidden", "account"),
    "unhide": ("comment_unhidden", "account"),
    "remove": ("comment_deleted", "unknown"),
}


def webhook_events(changes: list[FeedChange], delivery_id: int, body_sha256: str,
                   received_at: datetime) -> list[NewEvent]:
    """Events for the comment hides, unhides and removals among `changes`, source `webhook`."""
    events = []
    for change in changes:
        if not change.is_comment_moderation or change.comment_id is None:
            continue
        kind, actor = VERB_EVENTS[change.verb]
        events.append(NewEvent(
            kind=kind, subject_id=change.comment_id, post_id=change.post_id, actor=actor,
            source="webhook", occurred_after=change.occurred_at, occurred_before=change.occurred_at,
            text_digest=digest(change.message),
            # Ids and times only: the comment's text stays in the stored delivery, which retention
            # can erase, and the chain covers its digest.
            evidence={"delivery_id": delivery_id, "body_sha256": body_sha256,
                      "received_at": received_at.isoformat(), "page_id": change.page_id,
                      "verb": change.verb, "parent_id": change.parent_id, "from_id": change.from_id,
                      "created_time": change.raw.get("created_time")},
        ))
    return events
