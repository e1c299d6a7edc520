"""The weekly report's reads-and-cost section: reads, spend and quota units per account, each quota
project's busiest day, what the budget or the quota left unread, and the detection latency the
re-check schedule implies, per platform."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from sqlalchemy.orm import Session

from analysis.cost import (
    QUOTA_ZONE,
    UNITS,
    AccountCost,
    QuotaProject,
    account_costs,
    busiest_quota_day,
    quota_day_end,
)
from analysis.recheck import worst_gap_days, young_days
from modaudit import platforms
from modaudit.report import i18n
from modaudit.report.i18n import COST_WORDS
from modaudit.store.reads import reads_by_account, units_per_run
from modaudit.store.report_queries import budget_skipped


@dataclass(frozen=True)
class CostSettings:
    """What the section needs from the configuration."""

    recheck_days: Sequence[int]
    lists_every_days: int
    prices: dict[str, float]
    prices_as_of: str
    # The accounts sharing each OAuth client, and their daily quota (analysis/cost.quota_projects).
    quota_projects: Sequence[QuotaProject] = ()


@dataclass(frozen=True)
class CostSection:
    """Words and numbers of the section, already in the reader's language."""

    words: dict[str, str]
    costs: list[AccountCost]
    latency: list[str]
    budget_notes: list[str] = field(default_factory=list)
    prices_note: str = ""
    units: bool = False  # an account counts quota units: the table shows them
    quota_notes: list[str] = field(default_factory=list)  # one per quota project


def latency_sentences(names: Sequence[str], settings: CostSettings, language: str) -> list[str]:
    """One sentence per platform family present: what the schedule implies for detection."""
    words = COST_WORDS[language]
    days = list(settings.recheck_days)
    values = {"young": young_days(days), "gap": worst_gap_days(days), "last": days[-1],
              "lists": settings.lists_every_days}
    if values["gap"] == 0:  # nothing decays: nightly until the last day
        return [words["latency_nightly"].format(**values)] if names else []
    present = set(names)
    keys = dict.fromkeys(p.latency for p in platforms.REGISTRY.values()
                         if p.name in present and p.latency)
    return [words[key].format(**values) for key in keys]


def quota_sentences(session: Session, names: Sequence[str], projects: Sequence[QuotaProject],
                    start: datetime, end: datetime, language: str, tz: tzinfo) -> list[str]:
    """One sentence per quota project holding one of `names`: its busiest Pacific day in
    [start, end), counted over every account of the project, since they share the quota."""
    words = COST_WORDS[language]
    sentences = []
    for project in projects:
        own = [name for name in project.accounts if name in names]
        if not own:
            continue
        values = {"platform": platforms.get(project.platform).display,
                  "accounts": ", ".join(own), "quota": i18n.count(project.daily_quota, language)}
        busiest = busiest_quota_day(
            units_per_run(session, start, end, project.accounts), project.accounts)
        if busiest is None:
            sentence = words["quota_idle"].format(**values)
        else:
            day, spent = busiest
            reset = quota_day_end(day).astimezone(tz)
            pacific = day.astimezone(QUOTA_ZONE).date()
            sentence = words["quota_project"].format(
                n=i18n.count(spent, language), reset=f"{reset:%H:%M}",
                day=i18n.format_date(pacific, language, weekday=False), **values)
        others = len(project.accounts) - len(own)
        if others:
            sentence += words["quota_shared"].format(others=others)
        sentences.append(sentence)
    return sentences


def build_cost_section(session: Session, accounts: Sequence[tuple[str, str, str]],
                       start: datetime, end: datetime, settings: CostSettings,
                       language: str, tz: tzinfo = UTC) -> CostSection:
    """The section for these (name, platform, handle) accounts over [start, end); `tz` is the
    reader's zone, for the quota's reset."""
    names = [name for name, _, _ in accounts]
    words = COST_WORDS[language]
    days = (end - start).total_seconds() / 86400
    costs = account_costs(reads_by_account(session, start, end, names), settings.prices, days)
    counts_units = {name for name, platform, _ in accounts
                    if platforms.get(platform).billing == UNITS}
    skipped = budget_skipped(session, names, start, end)
    # A quota-billed account's skipped listings are videos the day's units did not reach.
    notes = [words["quota_skipped" if name in counts_units else "budget_skipped"].format(
        account=name, n=n) for name, n in sorted(skipped.items())]
    table = {k: i18n.number(v, language) for k, v in settings.prices.items()}
    prices_note = (words["prices"].format(as_of=settings.prices_as_of, **table)
                   if any(platforms.get(p).billing == "resources" for _, p, _ in accounts)
                   else "")
    return CostSection(words=words, costs=costs,
                       latency=latency_sentences([p for _, p, _ in accounts], settings, language),
                       budget_notes=notes, prices_note=prices_note, units=bool(counts_units),
                       quota_notes=quota_sentences(session, names, settings.quota_projects,
                                                   start, end, language, tz))
