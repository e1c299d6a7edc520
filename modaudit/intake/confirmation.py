"""Confirm before flagging or closing: lookups of candidates, unhides and unlisted users.

A deletion is inferred only from the platform's "gone" for that very object, after the token was
checked on a known object; an un-event (unhide, unblock, unmute, reopening) only from a lookup
or from a second consecutive observation. Lookups are bounded per run; the rest wait.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.detect import deletion_event, unhide_event, unlist_event
from analysis.diff import DeletionCandidate, ListChange, VisibilityChange, deletion_candidates
from collectors.records import CollectorError, LookupResult, NewEvent, RunWarning
from modaudit.intake.collectors import Collector
from modaudit.store import state

log = logging.getLogger(__name__)


@dataclass
class Confirmer:
    """One run's lookups: the token gate, the budget and what could not be confirmed."""

    collector: Collector | None
    budget: int
    clock: Callable[[], datetime]
    warnings: list[RunWarning] = field(default_factory=list)
    lookups: int = 0
    deferred: int = 0
    unconfirmed: int = 0
    glitches: int = 0
    _token_ok: bool | None = None

    def can_look_up(self) -> bool:
        """True while lookups are possible: a collector, budget left, and a working token."""
        if self.collector is None:
            return False
        if self.lookups >= self.budget:
            self.deferred += 1
            return False
        if self._token_ok is None:
            try:
                self.collector.check_token()  # "gone" means nothing if the token reads nothing
                self._token_ok = True
            except CollectorError as exc:
                self._token_ok = False
                self.warnings.append(RunWarning("confirm_skipped", f"token check failed: {exc}"))
        if not self._token_ok:
            self.unconfirmed += 1
        return bool(self._token_ok)

    def lookup(self, comment_id: str) -> LookupResult | None:
        """One lookup, counted; None (and a warning) if the platform did not answer it."""
        assert self.collector is not None
        self.lookups += 1
        try:
            return self.collector.lookup_comment(comment_id)
        except CollectorError as exc:
            self.unconfirmed += 1
            self.warnings.append(RunWarning("lookup_failed", f"{comment_id}: {exc}"))
            return None

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """The platform's per-user list check, if it has one and it answers; else None."""
        if self.collector is None or self.lookups >= self.budget:
            return None
        self.lookups += 1
        try:
            return self.collector.is_listed(list_name, user_id)
        except CollectorError as exc:
            self.warnings.append(RunWarning("list_check_failed", f"{list_name} {user_id}: {exc}"))
            return None

    def finish(self) -> None:
        """Say what was carried over to the next run."""
        if self.deferred:
            self.warnings.append(RunWarning(
                "lookups_deferred", f"{self.deferred} candidate(s) wait for the next run "
                f"([collect] max_lookups_per_run = {self.budget})"))


def confirm_candidates(session: Session, account_id: int, platform: str,
                       confirmer: Confirmer) -> list[NewEvent]:
    """Look up the account's open candidates (least looked up first) and act on the answers."""
    events: list[NewEvent] = []
    gone: list[int] = []
    looked_up: list[int] = []
    present: list[int] = []
    visibility: dict[int, bool] = {}
    for candidate in deletion_candidates(session, [account_id]):
        if not confirmer.can_look_up():
            continue
        answer = confirmer.lookup(candidate.comment_id)
        if answer is None:
            continue
        looked_up.append(candidate.comment_pk)
        now = confirmer.clock()
        event = deletion_event(candidate, answer, platform, now)
        if answer.status == "gone":
            gone.append(candidate.comment_pk)
        else:
            present.append(candidate.comment_pk)
            if answer.is_hidden is not None:
                visibility[candidate.comment_pk] = answer.is_hidden
            if event is None:
                confirmer.glitches += 1
                confirmer.warnings.append(RunWarning(
                    "listing_glitch", f"{candidate.comment_id} missing from a complete listing "
                    "but present; looked up again next run"))
        if event is not None:
            events.append(event)
    state.record_lookups(session, looked_up, present, confirmer.clock())
    state.mark_gone(session, gone, confirmer.clock(), purge_text=platform == "x")
    state.set_visibility(session, visibility)
    return events


def confirm_unhides(session: Session, unhides: list[VisibilityChange],
                    confirmer: Confirmer) -> list[NewEvent]:
    """comment_unhidden for comments seen visible after hidden, once confirmed.

    A lookup that reads the comment visible confirms at once; otherwise the second consecutive
    visible observation does. A lookup that reads it hidden makes the listing's word a glitch.
    """
    events: list[NewEvent] = []
    settled: dict[int, bool] = {}
    pending: dict[int, tuple[datetime, datetime | None]] = {}
    for change in unhides:
        first_visible = change.unhide_seen_at or change.seen_at
        last_hidden = change.unhide_after if change.unhide_seen_at else change.last_seen_before
        if change.unhide_seen_at is not None:
            events.append(unhide_event(change, last_hidden_at=last_hidden,
                                       first_visible_at=first_visible, confirmed_at=change.seen_at,
                                       confirmed_by="consecutive_observations"))
            settled[change.comment_pk] = False
            continue
        answer = confirmer.lookup(change.comment_id) if confirmer.can_look_up() else None
        if answer is not None and answer.status == "present" and answer.is_hidden is False:
            events.append(unhide_event(change, last_hidden_at=last_hidden,
                                       first_visible_at=first_visible,
                                       confirmed_at=confirmer.clock(), confirmed_by="lookup",
                                       lookup=answer.answer))
            settled[change.comment_pk] = False
        elif answer is not None and answer.status == "present" and answer.is_hidden:
            confirmer.glitches += 1
            confirmer.warnings.append(RunWarning(
                "visibility_glitch", f"{change.comment_id} listed as visible but read as hidden"))
        else:
            pending[change.comment_pk] = (first_visible, last_hidden)
    state.set_visibility(session, settled)
    state.hold_unhides(session, pending)
    return events


def confirm_unlisted(list_name: str, removed: list[ListChange], fetched_at: datetime,
                     previous_complete_at: datetime | None,
                     confirmer: Confirmer) -> tuple[list[NewEvent], list[str], list[str], list[str]]:
    """Un-events for users missing from a complete list, confirmed; (events, removed, absent, kept).

    The platform's per-user check confirms at once (or proves the listing wrong); without one,
    a second complete fetch in a row without the user does.
    """
    events: list[NewEvent] = []
    confirmed: list[str] = []
    absent: list[str] = []
    kept: list[str] = []
    for change in removed:
        listed = confirmer.is_listed(list_name, change.user_id)
        if listed is True:
            kept.append(change.user_id)
            confirmer.glitches += 1
            confirmer.warnings.append(RunWarning(
                "list_glitch", f"{change.user_id} missing from the {list_name} list but still on it"))
            continue
        if listed is False:
            how, missing_at = "lookup", fetched_at
        elif change.absent_runs >= 1 and change.absent_since is not None:
            how, missing_at = "consecutive_lists", change.absent_since
        else:
            absent.append(change.user_id)
            continue
        confirmed.append(change.user_id)
        events.append(unlist_event(change, list_name, missing_at=missing_at,
                                   confirmed_at=fetched_at, confirmed_by=how,
                                   previous_complete_at=previous_complete_at))
    return events, confirmed, absent, kept


__all__ = ["Confirmer", "DeletionCandidate", "confirm_candidates", "confirm_unhides",
           "confirm_unlisted"]
