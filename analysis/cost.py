"""What reads cost: X's per-resource prices applied to stored reads, a 30-day projection, and
YouTube's daily quota of units.

X bills resources (posts, users, owned reads) at the `[x]` prices; Graph is not billed, it is
rate-limited per request, so Graph accounts show requests and no spend. YouTube bills nothing but
allows each Google Cloud project a number of units a day, reset at midnight Pacific time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from collectors.records import AccountReads
from modaudit import platforms
from modaudit.config import Config, XConfig

PROJECTION_DAYS = 30
UNITS = "units"  # the resource kind of a quota's reads (run_reads.resource_kind)
# Google resets the YouTube Data API quota at midnight in this zone (DST included).
QUOTA_ZONE = ZoneInfo("America/Los_Angeles")


def prices(x: XConfig) -> dict[str, float]:
    """USD per resource read, by kind."""
    return {"post": x.price_post_read_usd, "user": x.price_user_read_usd,
            "owned": x.price_owned_read_usd}


def resource_cost(kind: str, resources: int, price_table: dict[str, float]) -> float:
    """The estimated cost of `resources` reads of one kind (0 for kinds X does not bill)."""
    return resources * price_table.get(kind, 0.0)


@dataclass(frozen=True)
class AccountCost:
    """One account's reads and estimated spend over a period, and the next period's projection."""

    account: str
    platform: str
    runs: int
    requests: int
    posts: int
    users: int
    owned: int
    cost_usd: float | None  # None: the platform does not bill reads
    days: float
    units: int = 0  # quota units spent (YouTube); 0 where the platform does not count units

    @classmethod
    def nothing_read(cls, account: str, platform: str, days: float) -> AccountCost:
        """An account with no recorded reads: no spend where reads are billed, else none."""
        billed = platforms.get(platform).billing == "resources"
        return cls(account, platform, 0, 0, 0, 0, 0, 0.0 if billed else None, days)

    @property
    def projected_usd(self) -> float | None:
        """The next 30 days at the period's daily rate."""
        if self.cost_usd is None or self.days <= 0:
            return self.cost_usd
        return self.cost_usd / self.days * PROJECTION_DAYS


def account_costs(reads: Iterable[AccountReads], price_table: dict[str, float],
                  days: float) -> list[AccountCost]:
    """Reads summed per account, X ones priced; `days` is the period's length."""
    grouped: dict[str, list[AccountReads]] = {}
    for row in reads:
        grouped.setdefault(row.account, []).append(row)
    costs = []
    for account, rows in grouped.items():
        by_kind = {row.kind: row.resources for row in rows}
        platform = rows[0].platform
        spend = (sum(resource_cost(r.kind, r.resources, price_table) for r in rows)
                 if platforms.get(platform).billing == "resources" else None)
        costs.append(AccountCost(account, platform, max(r.runs for r in rows),
                                 sum(r.requests for r in rows), by_kind.get("post", 0),
                                 by_kind.get("user", 0), by_kind.get("owned", 0), spend, days,
                                 units=by_kind.get(UNITS, 0)))
    return costs


def reply_allowance(budget: float, spent_recent: float) -> float:
    """What tonight's reads may cost so that the last 30 days' spend stays within `budget`.

    The collector reads the fixed part (lists, posts) first and stops reading replies, oldest
    posts' first, once tonight's reads reach this.
    """
    return max(0.0, budget - spent_recent)


def quota_day_start(now: datetime) -> datetime:
    """When the quota day holding `now` began: the last midnight in Pacific time, in UTC."""
    day = now.astimezone(QUOTA_ZONE).date()
    # Midnight is never skipped or repeated in Los Angeles (DST moves 02:00), so it is one instant.
    return datetime.combine(day, time(0), QUOTA_ZONE).astimezone(UTC)


def quota_day_end(now: datetime) -> datetime:
    """When the quota day holding `now` ends (the next reset), in UTC; 23 or 25 hours on DST days."""
    day = now.astimezone(QUOTA_ZONE).date() + timedelta(days=1)
    return datetime.combine(day, time(0), QUOTA_ZONE).astimezone(UTC)


def unit_allowance(daily_quota: int, spent_today: int, reserve: int) -> int:
    """Units tonight's listings may spend: the project's quota left today less `reserve`, never < 0.

    `reserve` keeps room for what follows the listings (the lookups by id, one unit each).
    """
    return max(0, daily_quota - spent_today - reserve)


@dataclass(frozen=True)
class QuotaProject:
    """Accounts of a quota-billed platform sharing one OAuth client, so one Google Cloud project
    and one daily quota, with the units they spent (in the period the caller chose)."""

    platform: str  # the descriptor's name
    client_id_env: str  # the variable all its accounts name; "" for an account without one
    accounts: tuple[str, ...]
    daily_quota: int
    spent: int = 0

    @property
    def left(self) -> int:
        """Units the project may still spend before the next reset."""
        return max(0, self.daily_quota - self.spent)

    def spending(self, units: Mapping[str, int]) -> QuotaProject:
        """The project with `spent` the sum of its accounts' units (an account missing: none)."""
        return replace(self, spent=sum(units.get(name, 0) for name in self.accounts))


def quota_projects(config: Config) -> list[QuotaProject]:
    """The configured accounts of quota-billed platforms, grouped by the variable that names
    their OAuth client (`client_id_env`): one client, one Google Cloud project, one quota."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for account in config.accounts:
        if platforms.get(account.platform).billing != UNITS:
            continue
        client = account.client_id_env or ""
        # Without a client variable an account is its own project (config refuses that today).
        key = (account.platform, client, "" if client else account.name)
        grouped.setdefault(key, []).append(account.name)
    return [QuotaProject(platform, client, tuple(names),
                         config.settings(platforms.get(platform).section).daily_quota_units)
            for (platform, client, _), names in sorted(grouped.items())]


def project_of(projects: Iterable[QuotaProject], account: str) -> QuotaProject | None:
    """The project `account` spends from, or None when its platform counts no units."""
    return next((project for project in projects if account in project.accounts), None)


def busiest_quota_day(runs: Iterable[tuple[str, datetime, int]],
                      members: Iterable[str]) -> tuple[datetime, int] | None:
    """The quota day (its start, UTC) on which `members` spent most units, and that sum.

    `runs` are (account, run started at, units) rows; None when the members spent nothing.
    """
    names = set(members)
    days: dict[datetime, int] = {}
    for account, started_at, spent in runs:
        if account in names:
            start = quota_day_start(started_at)
            days[start] = days.get(start, 0) + spent
    if not days or max(days.values()) == 0:
        return None
    start = max(days, key=lambda day: (days[day], day))
    return start, days[start]
