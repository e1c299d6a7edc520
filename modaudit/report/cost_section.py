"""The weekly report's reads-and-cost section: reads and spend per account, what the budget left
unread, and the detection latency the re-check schedule implies, per platform."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.cost import AccountCost, account_costs
from analysis.recheck import worst_gap_days, young_days
from modaudit import platforms
from modaudit.report import i18n
from modaudit.report.i18n import COST_WORDS
from modaudit.store.reads import reads_by_account
from modaudit.store.report_queries import budget_skipped


@dataclass(frozen=True)
class CostSettings:
    """What the section needs from the configuration."""

    recheck_days: Sequence[int]
    lists_every_days: int
    prices: dict[str, float]
    prices_as_of: str


@dataclass(frozen=True)
class CostSection:
    """Words and numbers of the section, already in the reader's language."""

    words: dict[str, str]
    costs: list[AccountCost]
    latency: list[str]
    budget_notes: list[str] = field(default_factory=list)
    prices_note: str = ""


def latency_sentences(names: Sequence[str], settings: CostSettings, language: str) -> list[str]:
    """One sentence per platform family present: what the schedule implies for detection."""
    words = COST_WORDS[language]
    days = list(settings.recheck_days)
    values = {"young": young_days(days), "gap": worst_gap_days(days), "last": days[-1],
              "lists": settings.lists_every_days}
    if values["gap"] == 0:  # nothing decays: nightly until the last day
        return [words["latency_nightly"].format(**values)] if names else []
    sentences = []
    if {"facebook", "instagram"} & set(names):
        sentences.append(words["latency_graph"].format(**values))
    if "x" in names:
        sentences.append(words["latency_x"].format(**values))
    return sentences


def build_cost_section(session: Session, accounts: Sequence[tuple[str, str, str]],
                       start: datetime, end: datetime, settings: CostSettings,
                       language: str) -> CostSection:
    """The section for these (name, platform, handle) accounts over [start, end)."""
    names = [name for name, _, _ in accounts]
    words = COST_WORDS[language]
    days = (end - start).total_seconds() / 86400
    costs = account_costs(reads_by_account(session, start, end, names), settings.prices, days)
    skipped = budget_skipped(session, names, start, end)
    notes = [words["budget_skipped"].format(account=name, n=n) for name, n in sorted(skipped.items())]
    table = {k: i18n.number(v, language) for k, v in settings.prices.items()}
    prices_note = (words["prices"].format(as_of=settings.prices_as_of, **table)
                   if any(platforms.get(p).billing == "resources" for _, p, _ in accounts)
                   else "")
    return CostSection(words=words, costs=costs,
                       latency=latency_sentences([p for _, p, _ in accounts], settings, language),
                       budget_notes=notes, prices_note=prices_note)
