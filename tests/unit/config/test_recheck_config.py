"""The schedule, list and budget keys: defaults, and clear errors for values that cannot work."""

from __future__ import annotations

import re
import tomllib

import pytest

from modaudit.config import ConfigError, parse_config

ACCOUNTS = """
[[accounts]]
name = "fb"
platform = "facebook"
account_id = "1"
institution = "Kurum"
page_token_env = "FB_TOKEN"
{fb_extra}
[[accounts]]
name = "x"
platform = "x"
account_id = "2"
institution = "Kurum"
bearer_token_env = "X_TOKEN"
{x_extra}
"""


def _parse(collect: str = "", x: str = "", fb_extra: str = "", x_extra: str = ""):
    text = (f"[database]\nurl = \"sqlite:///a.db\"\n[collect]\n{collect}\n[x]\n{x}\n"
            + ACCOUNTS.format(fb_extra=fb_extra, x_extra=x_extra))
    return parse_config(tomllib.loads(text))


def test_defaults_are_the_published_prices_and_the_decaying_schedule() -> None:
    config = _parse()
    assert config.collect.recheck_days == [1, 2, 3, 5, 8, 14, 21, 30]
    assert config.collect.lists_every_days == 1
    assert (config.x.price_post_read_usd, config.x.price_user_read_usd,
            config.x.price_owned_read_usd) == (0.005, 0.010, 0.001)
    assert config.x.monthly_budget_usd == 0.0 and config.accounts[1].monthly_budget_usd is None


@pytest.mark.parametrize(("collect", "message"), [
    ("recheck_days = [3, 1, 2]", "collect.recheck_days: must be sorted and without repeats"),
    ("recheck_days = [1, 1, 2]", "collect.recheck_days: must be sorted and without repeats"),
    ("recheck_days = []", "collect.recheck_days: must list at least one day"),
    ("recheck_days = [0, 1]", "collect.recheck_days: every day must be between 1 and window_days"),
    ("recheck_days = [1, 31]", "collect.recheck_days: every day must be between 1 and window_days (30)"),
    ("recheck_days = [1, \"2\"]", "collect.recheck_days[1]: expected an integer"),
    ("lists_every_days = 0", "collect.lists_every_days: must be between 1 and 30"),
])
def test_a_schedule_that_cannot_work_is_refused(collect: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        _parse(collect=collect)


def test_a_longer_window_allows_later_rechecks() -> None:
    assert _parse(collect="window_days = 60\nrecheck_days = [1, 45, 60]").collect.recheck_days == \
        [1, 45, 60]


def test_budgets_are_for_x_accounts_and_never_negative() -> None:
    assert _parse(x="monthly_budget_usd = 25", x_extra="monthly_budget_usd = 10").accounts[1] \
        .monthly_budget_usd == 10
    for kwargs, message in (
            ({"fb_extra": "monthly_budget_usd = 5"}, "account 'fb' monthly_budget_usd: only X accounts"),
            ({"x_extra": "monthly_budget_usd = -1"},
             "monthly_budget_usd: must be a finite number between 0 and 1000000"),
            ({"x": "monthly_budget_usd = -1"}, "x.monthly_budget_usd: must be a finite number between")):
        with pytest.raises(ConfigError, match=re.escape(message)):
            _parse(**kwargs)
