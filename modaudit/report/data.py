"""The weekly report's data for one institution and ISO week, computed with pandas over the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from analysis.coverage import SUCCESS, Blind, Collection, blind_accounts, stale_before
from modaudit.report.cost_section import CostSection, CostSettings, build_cost_section
from modaudit.report.observability import unobservable
from modaudit.report.periods import IsoWeek
from modaudit.report.selective_section import SelectiveSection, build_section
from modaudit.report.witness import WitnessRow, witness_rows
from modaudit.store import report_queries
from modaudit.store.exported import PostSeen, posts_by_account
from modaudit.store.finding_rows import FindingRow, list_findings

SEVERITIES = ("high", "medium", "review", "low")
RUN_STATUSES = ("ok", "partial", "failed")


@dataclass(frozen=True)
class CountRow:
    """New findings of one kind (or account): this week and the week before."""

    key: str
    this_week: int
    previous_week: int


@dataclass(frozen=True)
class DayCount:
    """New findings detected on one local day, by severity."""

    day: date
    by_severity: dict[str, int]


@dataclass(frozen=True)
class BlockedUser:
    """A user on an account's block list at the last complete fetch, and since when."""

    account: str
    user_id: str
    user_name: str | None
    blocked_after: datetime | None  # the bracket of the block event; None: before the first audit
    blocked_before: datetime
    before_first_audit: bool
    finding_id: int | None
    finding_status: str | None
    platform: str | None = None  # the account's: whose words the entry is said in


@dataclass(frozen=True)
class ReviewRow:
    """A review recorded during the week."""

    finding_id: int
    account: str
    kind: str
    old_status: str
    new_status: str
    note: str
    reviewed_by: str
    reviewed_at: datetime
    # The finding's account's platform and subject: its kind said in that platform's words.
    platform: str | None = None
    subject_id: str = ""


@dataclass(frozen=True)
class AccountHealth:
    """How collection went for one account during the week."""

    account: str
    platform: str
    handle: str
    runs: dict[str, int]  # ok / partial / failed
    api_calls: int
    last_success: datetime | None
    warnings: dict[str, int]  # warning code -> how many times
    unobservable: list[str]
    scan_unfinished: bool = False  # its last scan had not finished when the report was built


@dataclass(frozen=True)
class WeeklyReport:
    """Everything the weekly report says about one institution for one week."""

    institution: str
    week: IsoWeek
    language: str
    tz: ZoneInfo
    generated_at: datetime
    accounts: list[str]
    new_findings: list[FindingRow]
    previous_week_total: int
    by_kind: list[CountRow]
    by_account: list[CountRow]
    per_day: list[DayCount]
    open_findings: list[FindingRow]
    blocked: list[BlockedUser]
    reviews: list[ReviewRow]
    health: list[AccountHealth]
    selective: SelectiveSection | None = None  # moderation by language and topic (last 4 weeks)
    witness: list[WitnessRow] = field(default_factory=list)  # each account's chain head (§3)
    handles: dict[str, str] = field(default_factory=dict)  # account name -> its platform handle
    cost: CostSection | None = None  # reads, spend and detection latency (report/cost_section.py)
    blind: list[Blind] = field(default_factory=list)  # accounts it could not see (coverage.py)
    # The posts that findings about a post are about, by (account, post id): their text and time.
    posts: dict[tuple[str, str], PostSeen] = field(default_factory=dict)

    @property
    def period(self) -> str:
        """The period label, e.g. 2026-W47."""
        return self.week.label

    @property
    def open_by_severity(self) -> list[tuple[str, int]]:
        """How many findings await review, per severity, in the one severity order."""
        return [(severity, sum(row.severity == severity for row in self.open_findings))
                for severity in SEVERITIES]

    @property
    def oldest_open(self) -> FindingRow | None:
        """The open finding detected first: the one that has waited longest."""
        return min(self.open_findings, key=lambda row: (row.detected_at, row.id), default=None)


@dataclass(frozen=True)
class ReportScope:
    """Which accounts an institution has (from the configuration) and how to present them."""

    institution: str
    accounts: list[tuple[str, str, str]]  # (name, platform, handle)
    language: str
    tz: ZoneInfo
    unfinished: frozenset[str] = frozenset()  # scans still queued or running on workers
    min_group_size: int = 20  # [selective]: smaller groups are "too few to judge"
    alpha: float = 0.05  # [selective]: flag below this adjusted p
    cost_settings: CostSettings | None = None  # [collect] schedule and [x] prices
    nightly_audit: str | None = None  # [schedule] nightly_audit: two missed nights make it stale


def build_weekly_report(session: Session, scope: ReportScope, week: IsoWeek,
                        now: datetime) -> WeeklyReport:
    """Decide and compute the report's numbers (read-only)."""
    names = [name for name, _, _ in scope.accounts]
    start, end = week.bounds(scope.tz)
    prev_start, prev_end = week.previous().bounds(scope.tz)
    new = _of_accounts(list_findings(session, since=start, until=end), names)
    previous = _of_accounts(list_findings(session, since=prev_start, until=prev_end), names)
    open_rows = _of_accounts(list_findings(session, status="open"), names)
    health = _health(session, scope, start, end)
    return WeeklyReport(
        institution=scope.institution, week=week, language=scope.language, tz=scope.tz,
        generated_at=now, accounts=names, new_findings=new, previous_week_total=len(previous),
        by_kind=_compare(new, previous, "kind"), by_account=_compare(new, previous, "account"),
        per_day=_per_day(new, week, scope.tz), open_findings=open_rows,
        blocked=_blocked_users(session, names), reviews=_reviews(session, names, start, end),
        health=health, blind=_blind(health, scope, min(now, end)),
        selective=build_section(session, names, week, scope.tz, min_group_size=scope.min_group_size,
                                alpha=scope.alpha),
        witness=witness_rows(session, names, now),
        handles={name: handle for name, _, handle in scope.accounts},
        cost=(build_cost_section(session, scope.accounts, start, end, scope.cost_settings,
                                 scope.language, scope.tz) if scope.cost_settings else None),
        posts=posts_by_account(session, [(row.account, row.subject_id) for row in (*new, *open_rows)
                                         if row.kind.startswith("replies")]),
    )


def by_severity(rows: list[FindingRow]) -> list[FindingRow]:
    """Findings in the one severity order (high first), then oldest first within each."""
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(rows, key=lambda row: (rank.get(row.severity, len(rank)), row.detected_at, row.id))


def _of_accounts(rows: list[FindingRow], names: list[str]) -> list[FindingRow]:
    wanted = set(names)
    return [row for row in rows if row.account in wanted]


def _frame(rows: list[FindingRow]) -> pd.DataFrame:
    columns = ["id", "account", "kind", "severity", "detected_at"]
    return pd.DataFrame([{c: getattr(row, c) for c in columns} for row in rows], columns=columns)


def _compare(new: list[FindingRow], previous: list[FindingRow], column: str) -> list[CountRow]:
    this_week = _frame(new).groupby(column).size().rename("this_week")
    before = _frame(previous).groupby(column).size().rename("previous_week")
    merged = pd.concat([this_week, before], axis=1).fillna(0).astype(int)
    merged = merged.sort_values(["this_week", "previous_week"], ascending=False, kind="stable")
    return [CountRow(str(key), int(r.this_week), int(r.previous_week))
            for key, r in merged.iterrows()]


def _per_day(new: list[FindingRow], week: IsoWeek, tz: ZoneInfo) -> list[DayCount]:
    frame = _frame(new)
    frame["day"] = [moment.astimezone(tz).date() for moment in frame["detected_at"]]
    table = pd.crosstab(frame["day"], frame["severity"]) if len(frame) else pd.DataFrame()
    table = table.reindex(index=week.days(), columns=list(SEVERITIES), fill_value=0).fillna(0)
    return [DayCount(day, {sev: int(table.at[day, sev]) for sev in SEVERITIES})
            for day in week.days()]


def _blocked_users(session: Session, names: list[str]) -> list[BlockedUser]:
    accounts = report_queries.account_ids(session, names)
    if not accounts:
        return []
    # The latest block event per user says since when it has lasted.
    latest = report_queries.latest_blocks(session, list(accounts))
    users = []
    for account_id, user_id, user_name, platform in report_queries.blocked_entries(
            session, list(accounts)):
        pair = latest.get((account_id, user_id))
        if pair is None:
            continue  # listed, but no event recorded yet (cannot happen after a complete fetch)
        event, finding = pair
        users.append(BlockedUser(
            account=accounts[account_id], user_id=user_id, user_name=user_name,
            blocked_after=event.occurred_after, blocked_before=event.occurred_before,
            before_first_audit=bool(event.evidence.get("before_first_seen")),
            finding_id=finding.id if finding else None,
            finding_status=finding.status if finding else None, platform=platform,
        ))
    return users


def _reviews(session: Session, names: list[str], start: datetime, end: datetime) -> list[ReviewRow]:
    return [ReviewRow(finding_id=review.finding_id, account=account, kind=kind,
                      old_status=review.old_status, new_status=review.new_status, note=review.note,
                      # "decided by (recorded by)" when the CLI recorded it for someone
                      reviewed_by=f"{review.on_behalf_of} ({review.reviewed_by})"
                      if review.on_behalf_of else review.reviewed_by,
                      reviewed_at=review.reviewed_at, platform=platform, subject_id=subject_id)
            for review, kind, account, platform, subject_id
            in report_queries.reviews_between(session, names, start, end)]


def _blind(health: list[AccountHealth], scope: ReportScope, reference: datetime) -> list[Blind]:
    """The accounts not audited successfully this week, or not since two scheduled nights
    before the week's end (or now, for the current week)."""
    limit = (stale_before(scope.nightly_audit, scope.tz, reference) if scope.nightly_audit
             else None)
    return blind_accounts([
        Collection(row.account, row.platform, row.last_success, row.runs[SUCCESS],
                   # the most frequent warning says what to fix
                   max(row.warnings, key=lambda code: (row.warnings[code], code), default=None))
        for row in health], limit)


def _health(session: Session, scope: ReportScope, start: datetime,
            end: datetime) -> list[AccountHealth]:
    names = [name for name, _, _ in scope.accounts]
    runs = pd.DataFrame(report_queries.runs_between(session, names, start, end),
                        columns=["account", "status", "api_calls", "warnings"])
    status_counts = (pd.crosstab(runs["account"], runs["status"]) if len(runs)
                     else pd.DataFrame(dtype=int))
    calls = runs.groupby("account")["api_calls"].sum()
    codes = runs[["account", "warnings"]].explode("warnings").dropna()
    codes["code"] = [warning.get("code", "?") for warning in codes["warnings"]]
    warning_counts: dict[Any, int] = codes.groupby(["account", "code"]).size().to_dict()
    last_success = report_queries.last_success(session, names, end)
    health = []
    for name, platform, handle in scope.accounts:
        counts = {status: int(status_counts.at[name, status])
                  if name in status_counts.index and status in status_counts.columns else 0
                  for status in RUN_STATUSES}
        health.append(AccountHealth(
            account=name, platform=platform, handle=handle, runs=counts,
            api_calls=int(calls.get(name, 0)), last_success=last_success.get(name),
            warnings={code: int(n) for (account, code), n in sorted(warning_counts.items())
                      if account == name},
            unobservable=unobservable(platform, scope.language),
            scan_unfinished=name in scope.unfinished,
        ))
    return health
