"""What reads cost: X's per-resource prices applied to stored reads, and a 30-day projection.

X bills resources (posts, users, owned reads) at the `[x]` prices; Graph is not billed, it is
rate-limited per request, so Graph accounts show requests and no spend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from collectors.records import AccountReads
from modaudit import platforms
from modaudit.config import XConfig

PROJECTION_DAYS = 30


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
                                 by_kind.get("user", 0), by_kind.get("owned", 0), spend, days))
    return costs


def reply_allowance(budget: float, spent_recent: float) -> float:
    """What tonight's reads may cost so that the last 30 days' spend stays within `budget`.

    The collector reads the fixed part (lists, posts) first and stops reading replies, oldest
    posts' first, once tonight's reads reach this.
    """
    return max(0.0, budget - spent_recent)
