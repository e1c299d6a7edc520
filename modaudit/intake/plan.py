"""Tonight's read plan for one account: the schedule's due posts, signals, the X budget and a
quota-billed platform's (YouTube's) units left today."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from analysis.cost import (
    UNITS,
    account_costs,
    prices,
    project_of,
    quota_day_start,
    quota_projects,
    reply_allowance,
    unit_allowance,
)
from analysis.recheck import DAY, PostState, due_reason, young_days
from collectors.records import PostRecord, ReadPlan
from modaudit import platforms
from modaudit.config import AccountConfig, Config
from modaudit.store import recheck, run_history
from modaudit.store.reads import reads_by_account, units_since

BUDGET_DAYS = 30
# Nested comments for at most a week of posts: one answer then holds ~35 posts' first comments;
# Graph refuses answers that grow too large ("reduce the amount of data"), so a longer nightly
# span is listed post by post.
NESTED_MAX_DAYS = 7
# The token is checked on a known object before the first lookup (docs/architecture.md §5): on
# a quota-billed platform that call costs a unit, as each lookup does.
TOKEN_CHECK_UNITS = 1


def budget_of(config: Config, account: AccountConfig) -> float | None:
    """The account's monthly X budget in USD, or None when there is none."""
    if platforms.get(account.platform).billing != "resources":
        return None
    budget = (account.monthly_budget_usd if account.monthly_budget_usd is not None
              else config.x.monthly_budget_usd)
    return budget if budget and budget > 0 else None


def _lists_due(session: Session, account_id: int, now: datetime, every_days: int) -> bool:
    """Block, mute and ban lists are read if no run read them completely in the last period."""
    if every_days <= 1:
        return True
    last = run_history.last_complete_lists_at(session, account_id)
    # A little slack: tonight's run starts a few minutes after last night's.
    return last is None or now - last >= timedelta(days=every_days) - timedelta(hours=2)


def build_plan(session: Session, config: Config, account: AccountConfig, account_id: int,
               now: datetime) -> ReadPlan:
    """What the account's collector reads tonight."""
    since = now - timedelta(days=config.collect.window_days)
    stored = recheck.stored_posts(session, account_id, since)
    days = config.collect.recheck_days

    def requested(known: recheck.StoredPost) -> datetime | None:
        # A reopening awaits a second observation: the post is read again the next night.
        return known.recheck_requested_at or known.reopen_seen_at

    def due(post: PostRecord) -> str | None:
        known = stored.get(post.platform_id)
        state = PostState(post.created_at, known.last_complete_at if known else None,
                          known.comment_count if known else None,
                          requested(known) if known else None)
        return due_reason(state, now, days, post.comment_count,
                          any_count_change=account.platform == "x")

    plan = ReadPlan(due=due, lists=_lists_due(session, account_id, now,
                                              config.collect.lists_every_days))
    if account.platform == "facebook" and 0 < young_days(days) <= NESTED_MAX_DAYS:
        plan.young_since = now - young_days(days) * DAY
    if account.platform == "x":
        plan.newest_post_id = recheck.newest_post_id(session, account_id)
        plan.known_due = sorted(pid for pid, known in stored.items() if due_reason(
            PostState(known.created_at, known.last_complete_at, known.comment_count,
                      requested(known)), now, days) is not None)
        plan.reply_since = {pid: k.newest_reply_id for pid, k in stored.items() if k.newest_reply_id}
        plan.stored_counts = {pid: k.comment_count for pid, k in stored.items()
                              if k.comment_count is not None}
        plan.prices = prices(config.x)
        budget = budget_of(config, account)
        if budget is not None:
            plan.reply_allowance_usd = _allowance(session, config, account, budget, now)
    if platforms.get(account.platform).billing == UNITS:
        plan.unit_allowance = units_left(session, config, account, now)
    return plan


def units_left(session: Session, config: Config, account: AccountConfig, now: datetime) -> int:
    """Units tonight's listings may spend: what the account's project (every account naming the
    same OAuth client) has left of its daily quota since midnight Pacific, less room for the
    token check and the lookups by id (one unit each, at most `[collect] max_lookups_per_run`)."""
    project = project_of(quota_projects(config), account.name)
    if project is None:  # not reached: the caller checked the billing
        return 0
    spent = project.spending(units_since(session, quota_day_start(now), project.accounts)).spent
    return unit_allowance(project.daily_quota, spent,
                          config.collect.max_lookups_per_run + TOKEN_CHECK_UNITS)


def _allowance(session: Session, config: Config, account: AccountConfig, budget: float,
               now: datetime) -> float:
    """What tonight's reads may cost: the budget less the last 29 nights' estimated spend."""
    recent = account_costs(reads_by_account(session, now - timedelta(days=BUDGET_DAYS - 1), now,
                                            [account.name]), prices(config.x), BUDGET_DAYS - 1)
    return reply_allowance(budget, sum(c.cost_usd or 0.0 for c in recent))
