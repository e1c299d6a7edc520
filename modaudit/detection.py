"""Run detection for one stored run: diff, confirm candidates by lookup, record events and findings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.detect import deletion_event, list_events, reply_settings_events, visibility_events
from analysis.diff import (
    deletion_candidates,
    list_changes,
    previous_complete_list_at,
    reply_settings_changes,
    visibility_changes,
)
from analysis.features import compute_features
from analysis.merge import absorb_corroborations
from analysis.rules import apply_rules
from collectors.records import CollectorError, RunWarning, Snapshot
from modaudit import store
from modaudit.evidence import NewEvent, record_events
from modaudit.platforms import Collector

log = logging.getLogger(__name__)


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
           collector: Collector | None, clock: Callable[[], datetime]) -> DetectionOutcome:
    """Everything DESIGN §5 asks after a snapshot is saved, inside the caller's transaction."""
    outcome = DetectionOutcome()
    compute_features(session, run_id)  # while the text exists: retention erases it later
    first = store.is_first_collection(session, account_id, run_id)
    changes = visibility_changes(session, [run_id])
    events = visibility_events(changes, {run_id} if first else set())
    store.set_visibility(session, {c.comment_pk: c.is_hidden for c in changes})
    settings = reply_settings_changes(session, [run_id])
    events += reply_settings_events(settings, {run_id} if first else set())
    store.set_reply_settings(session, {c.post_pk: c.current for c in settings})
    events += _confirm_candidates(session, platform, run_id, snapshot, collector, clock, outcome)
    for list_name, listing in (("blocked", snapshot.blocked), ("muted", snapshot.muted)):
        if listing is None or not listing.complete:
            continue  # an incomplete list never yields events, least of all un-events
        list_diff = list_changes(session, account_id, run_id, list_name)
        previous = previous_complete_list_at(session, account_id, run_id, list_name)
        events += list_events(list_diff, list_name, snapshot.fetched_at, previous)
        store.update_list_entries(session, account_id, run_id, list_name,
                                  [c.user_id for c in list_diff if not c.added], snapshot.fetched_at)
    # A change a webhook already recorded (exact time inside this bracket) becomes its sighting.
    events = absorb_corroborations(session, account_id, events, clock(), run_id)
    written = record_events(session, account_id, run_id, events, clock())
    outcome.events = len(written)
    outcome.findings_opened, outcome.findings_closed = apply_rules(session, written, clock())
    return outcome


def _confirm_candidates(session: Session, platform: str, run_id: int, snapshot: Snapshot,
                        collector: Collector | None, clock: Callable[[], datetime],
                        outcome: DetectionOutcome) -> list[NewEvent]:
    candidates = deletion_candidates(session, [run_id])
    outcome.candidates = len(candidates)
    if not candidates or collector is None:  # an archive run lists no comments
        return []
    try:
        collector.check_token()  # "gone" means nothing if the token no longer reads anything
    except CollectorError as exc:
        store.mark_listings_incomplete(session, run_id, [c.post_pk for c in candidates],
                                       f"candidates not confirmed: {exc}")
        outcome.unconfirmed = len(candidates)
        outcome.warnings.append(RunWarning("confirm_skipped", f"token check failed: {exc}"))
        return []
    events: list[NewEvent] = []
    gone: list[int] = []
    hidden: dict[int, bool] = {}
    unconfirmed_posts: list[int] = []
    for candidate in candidates:
        try:
            answer = collector.lookup_comment(candidate.comment_id)
        except CollectorError as exc:
            unconfirmed_posts.append(candidate.post_pk)
            outcome.unconfirmed += 1
            outcome.warnings.append(RunWarning("lookup_failed", f"{candidate.comment_id}: {exc}"))
            continue
        event = deletion_event(candidate, answer, platform, clock())
        if event is None:
            outcome.listing_glitches += 1
            outcome.warnings.append(RunWarning(
                "listing_glitch", f"{candidate.comment_id} missing from a complete listing but present"))
            continue
        events.append(event)
        if answer.status == "gone":
            gone.append(candidate.comment_pk)
        else:
            hidden[candidate.comment_pk] = True
    # A post with an unconfirmed candidate is compared again next run against the same listing.
    store.mark_listings_incomplete(session, run_id, unconfirmed_posts, "a candidate could not be confirmed")
    store.mark_gone(session, gone, clock(), purge_text=platform == "x")
    store.set_visibility(session, hidden)
    return events
