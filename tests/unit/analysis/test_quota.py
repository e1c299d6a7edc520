"""YouTube's quota as cost: the Pacific day (DST included), tonight's allowance, and the projects
(accounts sharing one OAuth client) whose units add up. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from analysis.cost import (
    AccountCost,
    account_costs,
    busiest_quota_day,
    project_of,
    quota_day_end,
    quota_day_start,
    quota_projects,
    unit_allowance,
)
from collectors.records import AccountReads
from modaudit.config import Config, parse_config

CHANNEL_A = "UC" + "a" * 22
CHANNEL_B = "UC" + "b" * 22
CHANNEL_C = "UC" + "c" * 22


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _youtube(name: str, channel: str, client: str) -> dict[str, Any]:
    return {"name": name, "platform": "youtube", "account_id": channel, "institution": "Valilik",
            "client_id_env": client, "client_secret_env": f"{client}_SECRET",
            "refresh_token_env": f"{name.upper().replace('-', '_')}_REFRESH"}


def _config(quota: int = 10000) -> Config:
    """Two channels on one OAuth client, a third on another, and a Page that counts no units."""
    return parse_config({
        "youtube": {"daily_quota_units": quota},
        "accounts": [
            _youtube("valilik-youtube", CHANNEL_A, "VALILIK_OAUTH_CLIENT"),
            _youtube("belediye-youtube", CHANNEL_B, "VALILIK_OAUTH_CLIENT"),
            _youtube("universite-youtube", CHANNEL_C, "UNIVERSITE_OAUTH_CLIENT"),
            {"name": "valilik-facebook", "platform": "facebook", "account_id": "1001",
             "institution": "Valilik", "page_token_env": "VALILIK_PAGE_TOKEN"},
        ]})


@pytest.mark.parametrize(("now", "start"), [
    (_utc(2026, 12, 6, 19, 35), _utc(2026, 12, 6, 8)),  # PST: midnight is 08:00 UTC
    (_utc(2026, 12, 6, 7, 59, 59), _utc(2026, 12, 5, 8)),  # a second before the reset
    (_utc(2026, 12, 6, 8), _utc(2026, 12, 6, 8)),  # the reset itself opens the new day
    (_utc(2026, 7, 1, 3), _utc(2026, 6, 30, 7)),  # PDT: 20:00 the day before, midnight 07:00 UTC
    (_utc(2026, 10, 20, 23, 30), _utc(2026, 10, 20, 7)),  # the nightly audit, 02:30 Istanbul
])
def test_the_quota_day_starts_at_midnight_pacific(now: datetime, start: datetime) -> None:
    assert quota_day_start(now) == start
    assert quota_day_start(now).tzinfo is not None


def test_dst_days_last_23_and_25_hours() -> None:
    spring = _utc(2026, 3, 8, 12)  # Sunday 8 March 2026: clocks go forward at 02:00 PST
    assert quota_day_start(spring) == _utc(2026, 3, 8, 8)
    assert quota_day_end(spring) == _utc(2026, 3, 9, 7)
    assert quota_day_end(spring) - quota_day_start(spring) == timedelta(hours=23)
    autumn = _utc(2026, 11, 1, 12)  # Sunday 1 November 2026: back at 02:00 PDT
    assert quota_day_start(autumn) == _utc(2026, 11, 1, 7)
    assert quota_day_end(autumn) == _utc(2026, 11, 2, 8)
    assert quota_day_end(autumn) - quota_day_start(autumn) == timedelta(hours=25)
    # Just after the spring day's end the next day has begun, in PDT.
    assert quota_day_start(_utc(2026, 3, 9, 7, 0, 1)) == _utc(2026, 3, 9, 7)


def test_the_allowance_keeps_room_for_lookups_and_is_never_negative() -> None:
    assert unit_allowance(10000, 0, 201) == 9799
    assert unit_allowance(10000, 9700, 201) == 99
    assert unit_allowance(10000, 9799, 201) == 0
    assert unit_allowance(10000, 12000, 201) == 0  # spent beyond the quota (another tool, a bug)
    assert unit_allowance(50, 0, 201) == 0


def test_accounts_naming_one_oauth_client_share_one_project() -> None:
    projects = quota_projects(_config(quota=3000))
    assert [(p.client_id_env, p.accounts, p.daily_quota) for p in projects] == [
        ("UNIVERSITE_OAUTH_CLIENT", ("universite-youtube",), 3000),
        ("VALILIK_OAUTH_CLIENT", ("valilik-youtube", "belediye-youtube"), 3000),
    ]
    assert project_of(projects, "valilik-facebook") is None  # Graph counts no units
    shared = project_of(projects, "belediye-youtube")
    assert shared is not None and shared.platform == "youtube"
    spent = shared.spending({"valilik-youtube": 1200, "belediye-youtube": 900,
                             "universite-youtube": 2500})
    assert (spent.spent, spent.left) == (2100, 900)  # the other project's units do not count
    # Tonight's channel may spend what its project has left, less the lookups' reserve.
    assert unit_allowance(spent.daily_quota, spent.spent, 201) == 699
    alone = project_of(projects, "universite-youtube")
    assert alone is not None and alone.spending({}).spent == 0


def test_units_are_counted_per_account_and_not_priced() -> None:
    rows = [AccountReads("valilik-youtube", "youtube", "units", 44, 44, 1),
            AccountReads("valilik-x", "x", "post", 3, 200, 1)]
    costs = {c.account: c for c in account_costs(rows, {"post": 0.005}, days=1)}
    assert costs["valilik-youtube"].units == 44
    assert costs["valilik-youtube"].cost_usd is None  # a quota, not a bill
    assert costs["valilik-x"].units == 0
    assert AccountCost("a", "facebook", 0, 0, 0, 0, 0, None, 30).units == 0


def test_the_busiest_quota_day_sums_a_projects_runs_by_pacific_day() -> None:
    runs = [("valilik-youtube", _utc(2026, 11, 30, 23, 30), 44),
            ("belediye-youtube", _utc(2026, 11, 30, 23, 45), 60),  # same Pacific day: 104
            ("valilik-youtube", _utc(2026, 12, 1, 7, 30), 50),  # 23:30 PST, still 30 November
            ("valilik-youtube", _utc(2026, 12, 1, 23, 30), 120),  # 1 December: 120
            ("universite-youtube", _utc(2026, 12, 1, 23, 30), 9000)]  # another project
    members = ("valilik-youtube", "belediye-youtube")
    assert busiest_quota_day(runs, members) == (_utc(2026, 11, 30, 8), 154)
    assert busiest_quota_day(runs, ("nobody",)) is None
