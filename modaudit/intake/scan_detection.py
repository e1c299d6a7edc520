"""Run detection for one stored run: diff, confirm by the answers gathered, record events.

This is the scan's *write* phase (docs/architecture.md §5): it never calls the platform; the
lookups were made before the transaction opened (`confirmation.ask_platform`). Everything
happens inside the caller's transaction, so a run's events exist only if all of them could be
stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.change_events import (
    is_reopening,
    list_events,
    quote_events,
    reopen_event,
    reply_settings_events,
    visibility_events,
)
from collectors.records import NewEvent, RunWarning, Snapshot
from modaudit import platforms
from modaudit.intake import tail
from modaudit.intake.classify import compute_features
from modaudit.intake.confirmation import (
    Confirmer,
    PlatformAnswers,
    confirm_candidates,
    confirm_unhides,
    confirm_unlisted,
)
from modaudit.store import quotes, runs, state
from modaudit.store.changes import (
    hidden_by_event,
    list_changes,
    previous_complete_list_at,
    replies_by_authors,
    reply_settings_changes,
    visibility_changes,
)

log = logging.getLogger(__name__)
DEFAULT_MAX_LOOKUPS = 200


@dataclass
class DetectionOutcome:
    """What detection did for one run."""

    events: int = 0
    findings_opened: int = 0
    findings_closed: int = 0
    candidates: int = 0
    listing_glitches: int = 0
    unconfirmed: int = 0
    warnings: list[RunWarning] = field(default_factory=list)


def detect(session: Session, *, account_id: int, platform: str, run_id: int, snapshot: Snapshot,
           answers: PlatformAnswers | None, clock: Callable[[], datetime],
           max_lookups: int = DEFAULT_MAX_LOOKUPS) -> DetectionOutcome:
    """Everything after a snapshot is saved: diff, confirm, events, findings.

    `answers` are what the platform said before the transaction opened (None: nothing to ask,
    as for an archive).
    """
    outcome = DetectionOutcome()
    compute_features(session, run_id)  # while the text exists: retention erases it later
    first = {run_id} if runs.is_first_collection(session, account_id, run_id) else set()
    confirmer = Confirmer(answers, max_lookups)
    events = _visibility(session, account_id, run_id, first, confirmer, platform)
    events += _reply_settings(session, run_id, first, snapshot.fetched_at, platform)
    state.close_reappeared(session, account_id, run_id)
    outcome.candidates = state.open_candidates(session, [run_id], snapshot.fetched_at)
    events += confirm_candidates(session, account_id, platform, confirmer)
    events += _lists(session, account_id, run_id, snapshot, confirmer)
    events += _quotes(session, account_id, run_id, snapshot)
    confirmer.finish()
    recorded = tail.record(session, account_id, run_id, events, clock())
    outcome.events = recorded.events
    outcome.findings_opened, outcome.findings_closed = recorded.findings_opened, recorded.findings_closed
    outcome.listing_glitches = confirmer.glitches
    outcome.unconfirmed = confirmer.unconfirmed
    outcome.warnings = confirmer.warnings
    return outcome


def _visibility(session: Session, account_id: int, run_id: int, first: set[int],
                confirmer: Confirmer, platform: str) -> list[NewEvent]:
    """Hides at once; unhides once confirmed; first-known visibility recorded silently.

    Where a comment first seen hidden is state (YouTube's spam filter), so is its approval: an
    unhide is an event only after a recorded hide.
    """
    state.drop_unhides_seen_hidden(session, run_id)
    changes = visibility_changes(session, [run_id])
    events = visibility_events(changes, first, platform)
    state.set_visibility(session, {c.comment_pk: c.is_hidden for c in changes
                                   if c.is_hidden or c.was_hidden is None})
    unhides = [c for c in changes if c.was_hidden and not c.is_hidden]
    silent: set[str] = set()
    if unhides and not platforms.get(platform).first_seen_hidden_is_finding:
        ids = [c.comment_id for c in unhides]
        silent = set(ids) - hidden_by_event(session, account_id, ids)
    return events + confirm_unhides(session, unhides, confirmer, silent)


def _reply_settings(session: Session, run_id: int, first: set[int], fetched_at: datetime,
                    platform: str) -> list[NewEvent]:
    """Restrictions at once; a reopening once a second consecutive observation confirms it."""
    state.drop_reopens_seen_restricted(session, run_id)
    changes = reply_settings_changes(session, [run_id])
    events = reply_settings_events(changes, first, platform)
    settled = {c.post_pk: c.current for c in changes if not is_reopening(c)}
    pending: dict[int, tuple[datetime, datetime | None]] = {}
    for change in filter(is_reopening, changes):
        if change.reopen_seen_at is None:
            pending[change.post_pk] = (change.seen_at, change.previous_seen_at)
            continue
        events.append(reopen_event(change, last_restricted_at=change.reopen_after,
                                   first_open_at=change.reopen_seen_at, confirmed_at=fetched_at))
        settled[change.post_pk] = change.current
    state.set_reply_settings(session, settled)
    state.hold_reopens(session, pending)
    return events


def _lists(session: Session, account_id: int, run_id: int, snapshot: Snapshot,
           confirmer: Confirmer) -> list[NewEvent]:
    """Blocks and mutes from complete lists; un-events only once the absence is confirmed."""
    events: list[NewEvent] = []
    for list_name, listing in (("blocked", snapshot.blocked), ("muted", snapshot.muted)):
        if listing is None or not listing.complete:
            continue  # an incomplete list never yields events, least of all un-events
        changes = list_changes(session, account_id, run_id, list_name)
        previous = previous_complete_list_at(session, account_id, run_id, list_name)
        # A block that is a record (Bluesky) names its account's replies seen, as context.
        recorded = [c.user_id for c in changes if c.added and c.record is not None]
        replies = replies_by_authors(session, account_id, recorded) if recorded else {}
        events += list_events(changes, list_name, snapshot.fetched_at, previous, replies)
        unlisted, removed, absent, kept = confirm_unlisted(
            list_name, [c for c in changes if not c.added], snapshot.fetched_at, previous, confirmer)
        events += unlisted
        state.update_list_entries(session, account_id, run_id, list_name, removed,
                                  snapshot.fetched_at, absent_user_ids=absent)
        state.keep_listed(session, account_id, list_name, kept, snapshot.fetched_at)
    return events


def _quotes(session: Session, account_id: int, run_id: int, snapshot: Snapshot) -> list[NewEvent]:
    """Quotes newly detached by the account's postgates (Bluesky), from a complete read only."""
    if snapshot.detached_quotes is None:
        return []  # postgates unread or not read whole: nothing is inferred
    known = quotes.known_detached(session, account_id)
    previous = quotes.previous_quotes_read_at(session, account_id, run_id)
    events = quote_events(snapshot.detached_quotes, known, snapshot.fetched_at, previous)
    quotes.replace_detached(session, account_id, run_id, snapshot.detached_quotes,
                            snapshot.fetched_at)
    return events
