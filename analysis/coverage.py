"""Which accounts the audit could not see: no successful audit in the period, or none since two
scheduled nights. A verdict ("nothing to review") is only true of the accounts it saw, so every
page a manager reads announces these first, in words (docs/architecture.md §6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from analysis import i18n
from analysis.report_words import warning_sentence
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


PLATFORM_NAMES = {"facebook": "Facebook", "x": "X", "instagram": "Instagram"}

_WORDS: dict[str, dict[str, str]] = {
    "tr": {
        "title_all": "Dikkat: hiçbir hesap denetlenemedi. Aşağıdaki sıfırlar \"sorun yok\" "
                     "anlamına gelmez.",
        "title_some": "Dikkat: {n} hesap denetlenemedi. Bu hesaplar için aşağıdaki sonuçlar "
                      "eksik.",
        "never": "{account} ({platform}) hesabı hiç başarıyla denetlenemedi; bu hesapta ne "
                 "yapıldığını bilmiyoruz.",
        "since": "{account} ({platform}) hesabı {since} tarihinden beri başarıyla "
                 "denetlenemedi; o zamandan sonraki silme, gizleme ve engellemeler görülmedi.",
        "no_runs": "Yeni denetim yapılmıyor; bilgi işlem modaudit hizmetinin (modaudit serve) "
                   "çalıştığını denetlemeli.",
        "act": "Neden ve çözüm:",
    },
    "en": {
        "title_all": "Warning: no account could be audited. The zeros below do not mean "
                     "\"no problem\".",
        "title_some": "Warning: {n} account(s) could not be audited. The results below are "
                      "incomplete for them.",
        "never": "{account} ({platform}) has never been audited successfully; what was done on "
                 "it is unknown.",
        "since": "{account} ({platform}) has not been audited successfully since {since}; "
                 "deletions, hides and blocks since then were not seen.",
        "no_runs": "No audit is running; IT should check that the modaudit service "
                   "(modaudit serve) is running.",
        "act": "Cause and fix:",
    },
}


@dataclass(frozen=True)
class BlindLine:
    """One blind account in words: what is not known, and who must act."""

    account: str
    what: str
    act: str


def blind_title(blind: list[Blind], accounts: int, language: str) -> str:
    """The warning's first line: all accounts, or how many, could not be audited."""
    if len(blind) >= accounts:
        return _WORDS[language]["title_all"]
    return _WORDS[language]["title_some"].format(n=len(blind))


def blind_lines(blind: list[Blind], language: str, tz: ZoneInfo) -> list[BlindLine]:
    """Each blind account: which, since when, and what must be done (by whom)."""
    words = _WORDS[language]
    lines = []
    for item in blind:
        values = {"account": item.account,
                  "platform": PLATFORM_NAMES.get(item.platform, item.platform),
                  "since": i18n.format_datetime(item.last_success, language, tz)}
        what = words["since" if item.last_success else "never"].format(**values)
        act = warning_sentence(item.problem, 1, language) if item.problem else words["no_runs"]
        lines.append(BlindLine(item.account, what, act))
    return lines


def act_label(language: str) -> str:
    """The label before what must be done."""
    return _WORDS[language]["act"]
