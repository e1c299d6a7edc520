"""Which accounts the audit could not see: no successful audit in the period, or none since two
scheduled nights. A verdict ("nothing to review") is only true of the accounts it saw, so every
page a manager reads announces these first (the words: coverage_words.py; docs/architecture.md
§6). Decisions only: records in, accounts out, no query and no words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from modaudit.config import cron_trigger

# A run counts as a successful audit only when everything it listed was complete (status ok),
# as "last successful audit" means everywhere else in the reports.
SUCCESS = "ok"
MISSED_NIGHTS = 2
# Scheduled audits older than this are not looked for (a schedule firing every minute would
# otherwise be walked through for a week).
_LOOK_BACK = (timedelta(days=2), timedelta(days=9), timedelta(days=40))
_MAX_STEPS = 5000


@dataclass(frozen=True)
class Collection:
    """What the store knows of one account's collection, enough to say whether it was seen."""

    account: str
    platform: str
    last_success: datetime | None  # the end of its last successful audit, ever
    successes_in_period: int
    problem: str | None = None  # the warning code of its failures (what to fix), if any


@dataclass(frozen=True)
class Blind:
    """An account the audit could not see, since when, and what must be done about it."""

    account: str
    platform: str
    last_success: datetime | None  # None: never audited successfully
    problem: str | None


def stale_before(nightly_audit: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The earlier of the last two scheduled audits at or before `now` (`[schedule]
    nightly_audit`): a last success older than this means two scheduled nights were missed."""
    trigger = cron_trigger(nightly_audit, tz, "schedule.nightly_audit")
    for window in _LOOK_BACK:
        fires: list[datetime] = []
        fire = trigger.get_next_fire_time(None, now - window)
        for _ in range(_MAX_STEPS):
            if fire is None or fire > now:
                break
            fires = [*fires[-(MISSED_NIGHTS - 1):], fire]
            fire = trigger.get_next_fire_time(fire, fire)
        if len(fires) == MISSED_NIGHTS:
            return fires[0]
    return None


def blind_accounts(collections: list[Collection], limit: datetime | None) -> list[Blind]:
    """The accounts with no successful audit in the period, or none since `limit`."""
    return [Blind(c.account, c.platform, c.last_success, c.problem) for c in collections
            if c.last_success is None or c.successes_in_period == 0
            or (limit is not None and c.last_success < limit)]


class CollectionLike(Protocol):
    """What the store says of an account's collection (store/collection.CollectionState)."""

    @property
    def account(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def last_success(self) -> datetime | None: ...
    @property
    def successes_since(self) -> int: ...
    @property
    def last_status(self) -> str | None: ...
    @property
    def last_codes(self) -> tuple[str, ...]: ...


def blind_now(states: Iterable[CollectionLike], nightly_audit: str, tz: ZoneInfo,
              now: datetime) -> list[Blind]:
    """The accounts not seen now: no success among `states`' recent runs, or none since two
    scheduled nights; what to fix is read from the latest run's warnings."""
    return blind_accounts([
        Collection(state.account, state.platform, state.last_success, state.successes_since,
                   state.last_codes[0] if state.last_codes and state.last_status != SUCCESS
                   else None)
        for state in states], stale_before(nightly_audit, tz, now))
