"""Confirm before flagging or closing: lookups of candidates, unhides and unlisted users.

The platform is asked in the scan's *ask* phase (`ask_platform`, no transaction open); the write
phase acts on the answers (`Confirmer`). A deletion is inferred only from the platform's "gone"
for that very object, after the token was checked on a known object; an un-event (unhide,
unblock, unmute, reopening) only from a lookup or from a second consecutive observation.
Lookups are bounded per run; the rest wait.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.change_events import (
    deletion_event,
    reply_with_parent,
    unhide_event,
    unlist_event,
)
from analysis.lookups import LookupPlan
from collectors.records import (
    CollectorError,
    DeletionCandidate,
    Interrupted,
    ListChange,
    LookupResult,
    NewEvent,
    RunWarning,
    VisibilityChange,
)
from modaudit import platforms
from modaudit.intake.collectors import Collector
from modaudit.store import state
from modaudit.store.changes import deletion_candidates

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """What the platform said about one comment, and when (None: it did not answer)."""

    result: LookupResult | None
    at: datetime


@dataclass
class PlatformAnswers:
    """Everything a scan's *ask* phase learnt from the platform, for the write phase to use."""

    token_ok: bool | None = None  # None: not checked (nothing needed a lookup)
    lookups: dict[str, Answer] = field(default_factory=dict)
    listed: dict[tuple[str, str], bool | None] = field(default_factory=dict)
    warnings: list[RunWarning] = field(default_factory=list)


def ask_platform(collector: Collector, plan: LookupPlan, budget: int,
                 clock: Callable[[], datetime],
                 should_stop: Callable[[], bool] | None = None) -> PlatformAnswers:
    """Ask the platform what `plan` needs, at most `budget` requests, with no transaction open.

    Comments are looked up only after the token read a known object ("gone" means nothing if
    the token reads nothing); a request that fails is no answer, never a "gone". `should_stop`
    is polled before each request (Interrupted: a service shutting down waits for no lookup).
    """
    answers = PlatformAnswers()
    spent = 0

    def stop_if_asked() -> None:
        if should_stop is not None and should_stop():
            raise Interrupted("the service is shutting down")

    for comment_id in plan.comments:
        if spent >= budget:
            break
        stop_if_asked()
        if answers.token_ok is None:
            try:
                collector.check_token()
                answers.token_ok = True
            except CollectorError as exc:
                answers.token_ok = False
                answers.warnings.append(RunWarning("confirm_skipped", f"token check failed: {exc}"))
        if not answers.token_ok:
            break
        spent += 1
        try:
            result: LookupResult | None = collector.lookup_comment(comment_id)
        except CollectorError as exc:
            answers.warnings.append(RunWarning("lookup_failed", f"{comment_id}: {exc}"))
            result = None
        answers.lookups[comment_id] = Answer(result, clock())
    for list_name, user_id in plan.unlisted:
        if spent >= budget:
            break
        stop_if_asked()
        spent += 1
        try:
            answers.listed[(list_name, user_id)] = collector.is_listed(list_name, user_id)
        except CollectorError as exc:
            answers.warnings.append(RunWarning("list_check_failed", f"{list_name} {user_id}: {exc}"))
            answers.listed[(list_name, user_id)] = None
    return answers


@dataclass
class Confirmer:
    """One run's confirmations in the write phase: the answers *ask* gathered, and what is left.

    Nothing here calls the platform. An item the write phase finds that *ask* did not look up
    (the budget ran out, or it was not foreseen) waits for the next run, as a deferral.
    """

    answers: PlatformAnswers | None  # None: no platform to ask (an archive import)
    budget: int
    warnings: list[RunWarning] = field(default_factory=list)
    deferred: int = 0
    unconfirmed: int = 0
    glitches: int = 0

    def __post_init__(self) -> None:
        if self.answers is not None:
            self.warnings.extend(self.answers.warnings)

    def lookup(self, comment_id: str) -> Answer | None:
        """The platform's answer about this comment, or None (counted: unconfirmed or deferred)."""
        if self.answers is None:
            return None
        answer = self.answers.lookups.get(comment_id)
        if answer is None:
            if self.answers.token_ok is False:
                self.unconfirmed += 1
            else:
                self.deferred += 1
            return None
        if answer.result is None:
            self.unconfirmed += 1
            return None
        return answer

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """The platform's per-user list check, if it was asked and answered; else None."""
        if self.answers is None:
            return None
        return self.answers.listed.get((list_name, user_id))

    def finish(self) -> None:
        """Say what was carried over to the next run."""
        if self.deferred:
            self.warnings.append(RunWarning(
                "lookups_deferred", f"{self.deferred} candidate(s) wait for the next run "
                f"([collect] max_lookups_per_run = {self.budget})"))


def _by_time(answered: list[tuple[int, datetime]]) -> dict[datetime, list[int]]:
    grouped: dict[datetime, list[int]] = {}
    for pk, at in answered:
        grouped.setdefault(at, []).append(pk)
    return grouped


def confirm_candidates(session: Session, account_id: int, platform: str,
                       confirmer: Confirmer) -> list[NewEvent]:
    """Act on the answers about the account's open candidates (least looked up first)."""
    events: list[NewEvent] = []
    gone: list[tuple[int, datetime]] = []
    looked_up: list[tuple[int, datetime]] = []
    present: list[int] = []
    visibility: dict[int, bool] = {}
    answered = [(candidate, answer.result, answer.at)
                for candidate in deletion_candidates(session, [account_id])
                if (answer := confirmer.lookup(candidate.comment_id)) is not None
                and answer.result is not None]
    follows = _replies_with_parents(answered, platform)
    replies_of: dict[str, list[str]] = {}
    for candidate, result, at in answered:
        looked_up.append((candidate.comment_pk, at))
        if follows.get(candidate.comment_id) == "wait":
            continue  # a candidate still, looked up again after its parent
        event = deletion_event(candidate, result, platform, at)
        if result.status == "gone":
            gone.append((candidate.comment_pk, at))
            if follows.get(candidate.comment_id) == "with_parent" and candidate.parent_id:
                replies_of.setdefault(candidate.parent_id, []).append(candidate.comment_id)
                event = None
        else:
            present.append(candidate.comment_pk)
            if result.is_hidden is not None:
                visibility[candidate.comment_pk] = result.is_hidden
            if event is None:
                confirmer.glitches += 1
                confirmer.warnings.append(RunWarning(
                    "listing_glitch", f"{candidate.comment_id} missing from a complete listing "
                    "but present; looked up again next run"))
        if event is not None:
            events.append(event)
    events = [_with_replies(event, replies_of) for event in events]
    # Each at the time the platform answered: a bracket starts from when it was last known there.
    for at, pks in _by_time(looked_up).items():
        state.record_lookups(session, pks, [pk for pk in pks if pk in present], at)
    for at, pks in _by_time(gone).items():
        state.mark_gone(session, pks, at,
                        purge_text=platforms.get(platform).purge_text_on_gone)
    state.set_visibility(session, visibility)
    return events


def _replies_with_parents(answered: list[tuple[DeletionCandidate, LookupResult, datetime]],
                          platform: str) -> dict[str, str]:
    """Replies gone with their top-level comment ("with_parent") or waiting for it ("wait"),
    where the platform removes replies with their comment."""
    if not platforms.get(platform).replies_go_with_parent:
        return {}
    gone_now = {c.comment_id for c, result, _ in answered if result.status == "gone"}
    present_now = {c.comment_id for c, result, _ in answered if result.status != "gone"}
    decided = {c.comment_id: reply_with_parent(c, gone_now, present_now)
               for c, result, _ in answered if result.status == "gone"}
    return {comment_id: how for comment_id, how in decided.items() if how is not None}


def _with_replies(event: NewEvent, replies_of: dict[str, list[str]]) -> NewEvent:
    """A deletion with the replies that went with it named in its evidence."""
    replies = replies_of.get(event.subject_id)
    if not replies or event.source != "lookup":
        return event
    return replace(event, evidence={**event.evidence, "replies_gone_with_it": sorted(replies)})


def confirm_unhides(session: Session, unhides: list[VisibilityChange],
                    confirmer: Confirmer, silent: set[str] | None = None) -> list[NewEvent]:
    """comment_unhidden for comments seen visible after hidden, once confirmed.

    A lookup that read the comment visible confirms at once; otherwise the second consecutive
    visible observation does. A lookup that read it hidden makes the listing's word a glitch.
    The comments in `silent` are confirmed the same way but their unhide is state, not an event
    (no hide of theirs was recorded).
    """
    return [event for event in _confirm_unhides(session, unhides, confirmer)
            if event.subject_id not in (silent or set())]


def _confirm_unhides(session: Session, unhides: list[VisibilityChange],
                     confirmer: Confirmer) -> list[NewEvent]:
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
        answer = confirmer.lookup(change.comment_id)
        result = answer.result if answer is not None else None
        if answer is not None and result is not None and result.status == "present" \
                and result.is_hidden is False:
            events.append(unhide_event(change, last_hidden_at=last_hidden,
                                       first_visible_at=first_visible,
                                       confirmed_at=answer.at, confirmed_by="lookup",
                                       lookup=result.answer))
            settled[change.comment_pk] = False
        elif result is not None and result.status == "present" and result.is_hidden:
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


__all__ = ["Answer", "Confirmer", "PlatformAnswers", "ask_platform",
           "confirm_candidates", "confirm_unhides", "confirm_unlisted"]
